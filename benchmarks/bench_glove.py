"""GloVe's training time per epoch, and the time it takes to reach skip-gram's analogy accuracy.

    LMKIT_DATA=../shared/data .venv/bin/python benchmarks/bench_glove.py [--words 2500000]
        [--epochs 25] [--threads 1] [--table out.md]

**Corpus and vocabulary.**  The corpus of ``bench_word2vec.py`` (the English novels' training
sentences, cut to ``--words`` tokens), vocabulary min_count 5: GloVe and skip-gram see the same
words.  Both give 100-dimensional vectors.

**Skip-gram** (lmkit's numba path, chapter 5): window 5, k 5, sample 1e-3, 5 epochs, alpha
0.025 decayed linearly to 1e-4 alpha, one worker: the settings of ``bench_word2vec.py``, whose
4-seed mean accuracy it reproduces (seed 1 here).  Its time is ``train_seconds`` (the
vocabulary and the encoding excluded).

**GloVe** (chapter 6): the co-occurrence matrix with window 10 and 1/d weighting
(``cooccurrence_from_sentences``, timed), then ``GloVe(vector_size=100, epochs=--epochs)``
with its defaults (x_max 100, alpha 0.75, AdaGrad lr 0.5 over batches of 65,536 cells) on the
CPU with ``--threads`` torch threads, or on the GPU when there is one (``--device``).  After
every epoch a callback scores the vectors :math:`W + \\tilde W` (its time is not training
time).  "Time to skip-gram's accuracy" is counting + training up to the first epoch whose
accuracy reaches skip-gram's; "not reached" if none does.

Accuracy: analogies (Google questions, 3CosAdd) over the 30,000 most frequent words.  One
seed each: at this size a change of seed moves accuracy by about a point (``bench_word2vec.py``
measures it), so a difference under that is a tie.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchutil import write_table  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--words", type=int, default=2_500_000, help="corpus tokens")
    ap.add_argument("--epochs", type=int, default=25, help="GloVe epochs")
    ap.add_argument("--threads", type=int, default=1, help="torch and numba threads")
    ap.add_argument("--device", default=None, help="torch device for GloVe (default: best)")
    ap.add_argument("--table", help="also write the markdown table to this file")
    args = ap.parse_args()
    import torch

    from bench_word2vec import corpus
    from lmkit.embeddings import GloVe, Word2Vec, cooccurrence_from_sentences
    from lmkit.embeddings.evaluate import evaluate_word_analogies
    from lmkit.runtime import get_device

    torch.set_num_threads(args.threads)
    sents = corpus(args.words)
    n_tokens = sum(map(len, sents))

    def accuracy(kv) -> float:
        return 100 * evaluate_word_analogies(kv, restrict_vocab=30_000)[0]

    sg = Word2Vec(sg=1, vector_size=100, window=5, negative=5, sample=1e-3, min_count=5,
                  epochs=5, workers=args.threads, seed=1, alpha=0.025).fit(sents, progress=False)
    sg_acc = accuracy(sg.wv)
    print(f"skip-gram: {sg.train_seconds:.1f} s, analogy {sg_acc:.2f} %", flush=True)

    t = time.perf_counter()
    X, words, counts = cooccurrence_from_sentences(sents, window=10, min_count=5)
    count_s = time.perf_counter() - t
    assert words == sg.wv.index_to_key, "GloVe and skip-gram must share the vocabulary"
    print(f"co-occurrence: {count_s:.1f} s, {len(words):,} words, {X.nnz:,} cells", flush=True)

    device = get_device(args.device)
    acc: list[float] = []

    def score(epoch: int, g) -> None:
        acc.append(accuracy(g.wv))
        print(f"  epoch {epoch:2d}: {g.epoch_seconds[-1]:7.1f} s, J/cell "
              f"{g.epoch_loss[-1]:.4f}, analogy {acc[-1]:.2f} %", flush=True)

    g = GloVe(vector_size=100, epochs=args.epochs, device=str(device)).fit(
        X, words, counts, progress=False, callback=score)
    per_epoch = g.train_seconds / args.epochs
    reached = next((e for e, a in enumerate(acc) if a >= sg_acc), None)
    to_reach = ("not reached" if reached is None else
                f"{count_s + g.epoch_seconds[reached]:.1f} s (epoch {reached + 1})")
    head = (f"GloVe against skip-gram on {n_tokens:,} tokens of the English novels, "
            f"vocabulary {len(words):,} (min_count 5), d = 100, {args.threads} thread(s), "
            f"GloVe on {device}")
    table = [
        "| model | setting | preparation s | training s | s per epoch | analogy % | time to "
        "skip-gram's accuracy |", "|" + "---|" * 7,
        f"| skip-gram | window 5, k 5, 5 epochs | - | {sg.train_seconds:.1f} | "
        f"{sg.train_seconds / 5:.1f} | {sg_acc:.2f} | {sg.train_seconds:.1f} s |",
        f"| GloVe | window 10, 1/d, {args.epochs} epochs, {X.nnz:,} cells | {count_s:.1f} "
        f"(counting) | {g.train_seconds:.1f} | {per_epoch:.1f} | {acc[-1]:.2f} (best "
        f"{max(acc):.2f}) | {to_reach} |"]
    text = "\n".join([head, ""] + table) + "\n"
    print(text, flush=True)
    write_table(text, args.table)


if __name__ == "__main__":
    main()
