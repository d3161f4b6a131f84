"""Speed, memory and quality of lmkit's word2vec (numba fast path) beside gensim 4.4.

    LMKIT_DATA=../shared/data .venv/bin/python benchmarks/bench_word2vec.py [--words 2500000]
        [--workers 1,2] [--epochs 5] [--modes sg,cbow] [--repeat 2] [--torch-words 200000]
        [--table out.md]

**Corpus and settings.**  Both train the same corpus (the English novels,
``load_novel_sentences(max_novels=..., vocab_size=None)``'s training sentences, cut to
``--words`` tokens) with the same settings: negative sampling, dim 100, window 5, k 5, sample
1e-3, min_count 5, alpha 0.025 (sg) / 0.05 (cbow), the same number of threads.

**Equal schedules.**  lmkit (as word2vec.c) decays the learning rate linearly in the words
read, :math:`\\alpha_t = \\max(\\alpha_0 (1 - t/T), \\alpha_{\\min})` over all epochs, once per
sentence.  gensim decays by sentences unless it is told the corpus size in words: it is
given ``total_words=corpus_total_words``, so that its rate, set once per job of 10,000 words,
is :math:`\\alpha_0 - (\\alpha_0 - \\alpha_{\\min})\\, t/T` in words too, and ``min_alpha = 1e-4
\\alpha_0`` (lmkit's floor).

**Speed.**  words/s counts every corpus token (words below min_count and subsampled words
included) times the epochs, over the training time only (lmkit's ``train_seconds``,
gensim's ``train()``), not the vocabulary.  The machine is shared (load 4-8 on 2 cores), so
the repetitions are interleaved (lmkit, gensim, lmkit, ... for every row) and the fastest
run of each is kept; the "CPU" words/s divides by the process's CPU seconds during training
(all threads, ``time.process_time``), which other processes' load barely changes.

**Memory.**  Each run is a child process that imports only its own library (lmkit, or
gensim; numpy for both), reads the corpus the same way (line by line from a text file the
parent wrote, ``line.split()``) and, for lmkit, compiles the numba kernels on a 200-sentence
corpus first.  Just before ``fit`` (lmkit) / ``build_vocab`` + ``train`` (gensim) it reads its
RSS (``VmRSS`` of ``/proc/self/status``) and resets the kernel's peak-RSS mark (writing 5
to ``/proc/self/clear_refs``); after training, "training peak" is ``VmHWM - VmRSS before``:
the memory that building the vocabulary and training added at their peak (vectors, encoded
corpus, vocabulary, job queues).  "process peak" is the child's whole ``VmHWM`` (Python,
the library, the corpus as lists of str, and training).  tracemalloc would miss numba's and
gensim's C buffers.  The children save their vectors; the parent scores both with lmkit's
evaluators (analogies restricted to the 30,000 most frequent words; WS-353 Spearman).

Goals (issue, chapter 5): words/s >= 1.0x gensim's for sg and cbow, analogy accuracy within
1 point, WS-353 rho within 0.03, training peak memory <= 1.5x gensim's.  Measured, not
asserted.

**Seeds.**  Repetition r trains with seed r for both libraries, so the quality columns are a
mean over r = 1..repeat (with its range): at this corpus size a change of seed alone moves
analogy accuracy by about a point and WS-353 rho by a few hundredths, so one run cannot
tell two trainers apart at the goals' tolerances.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

from benchutil import proc_status, reset_peak, write_table






def corpus(words: int) -> list[list[str]]:
    from lmkit.data import load_novel_sentences, load_novels
    from lmkit.text import first_words

    texts, n = load_novels(), 4   # the archive is read once
    while True:  # the fewest novels that give enough words
        sents = load_novel_sentences(max_novels=n, vocab_size=None, novels=texts)["train"]
        total = sum(map(len, sents))
        if total >= words or n >= 200:
            break
        n = int(n * max(1.3, 1.1 * words / max(total, 1)))
    return first_words(sents, words)


def child(args) -> None:
    """One training run; imports only its own library; prints a RESULT line."""
    import numpy as np

    with open(args.corpus_file, encoding="utf-8") as f:  # the same for every trainer
        sents = [line.split() for line in f]
    n_tokens = sum(map(len, sents))
    sg = int(args.mode == "sg")
    alpha = 0.025 if sg else 0.05
    settings = dict(vector_size=100, window=5, negative=5, sample=1e-3, min_count=5, sg=sg,
                    workers=args.workers, epochs=args.epochs, seed=args.seed, alpha=alpha,
                    min_alpha=1e-4 * alpha)
    if args.trainer == "gensim":
        from gensim.models import Word2Vec as Gensim
    else:
        from lmkit.embeddings import Word2Vec
        if args.trainer == "torch":
            settings.update(backend="torch", epochs=1)
        # compile (or load from numba's cache) before the baseline
        Word2Vec(**{**settings, "min_count": 1, "epochs": 1}).fit(sents[:200], progress=False)
    before = proc_status()
    reset = reset_peak()
    cpu0 = time.process_time()
    if args.trainer == "gensim":
        g = Gensim(**settings)
        g.build_vocab(sents)
        t, c = time.perf_counter(), time.process_time()
        g.train(sents, total_words=g.corpus_total_words, epochs=settings["epochs"])
        seconds, cpu = time.perf_counter() - t, time.process_time() - c
        words = list(g.wv.index_to_key)
        vectors = np.asarray(g.wv.vectors)
        counts = [g.wv.get_vecattr(w, "count") for w in words]
    else:
        import lmkit.embeddings.word2vec as w2v

        cpu_box, run_jobs = [], w2v.run_jobs

        def timed_jobs(*a, **k):  # the CPU seconds of the training threads only
            c = time.process_time()
            try:
                return run_jobs(*a, **k)
            finally:
                cpu_box.append(time.process_time() - c)

        w2v.run_jobs = timed_jobs
        c = time.process_time()
        m = Word2Vec(**settings).fit(sents, progress=False)
        seconds = m.train_seconds
        cpu = cpu_box[0] if cpu_box else time.process_time() - c  # torch: vocabulary included
        words, vectors, counts = m.wv.index_to_key, m.wv.vectors, m.wv.counts
    after = proc_status()
    epochs = settings["epochs"]
    np.savez(args.out, words=np.array(words), vectors=vectors, counts=np.asarray(counts))
    result = dict(trainer=args.trainer, mode=args.mode, workers=args.workers, tokens=n_tokens,
                  vocab=len(words), seconds=seconds, cpu_seconds=cpu,
                  wps=n_tokens * epochs / seconds, cpu_wps=n_tokens * epochs / cpu,
                  rss_before=before["VmRSS"], train_peak=after["VmHWM"] - before["VmRSS"],
                  process_peak=max(before["VmHWM"], after["VmHWM"]), reset=reset,
                  total_cpu=time.process_time() - cpu0)
    print("RESULT " + json.dumps(result), flush=True)


def run(trainer: str, mode: str, workers: int, args, out: str, seed: int = 1) -> dict:
    cmd = [sys.executable, os.path.abspath(__file__), "--child", trainer, "--corpus-file",
           args.torch_file if trainer == "torch" else args.corpus_file, "--mode", mode,
           "--workers", str(workers), "--epochs", str(args.epochs), "--out", out,
           "--seed", str(seed)]
    env = dict(os.environ, OMP_NUM_THREADS="1", NUMBA_NUM_THREADS="1", PYTHONHASHSEED="0")
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    line = [x for x in proc.stdout.splitlines() if x.startswith("RESULT ")]
    if proc.returncode or not line:
        raise RuntimeError(f"{trainer} {mode} failed:\n{proc.stderr[-3000:]}")
    r = json.loads(line[0][7:])
    r["out"] = out
    print(f"  {trainer:6s} {mode:4s} {workers}T: {r['wps']:10,.0f} w/s  {r['cpu_wps']:10,.0f} "
          f"w/CPU-s  train peak {r['train_peak']:6.1f} MB  process {r['process_peak']:6.1f} MB",
          flush=True)
    return r


def scores(path: str) -> tuple[float, float]:
    import numpy as np

    from lmkit.embeddings import KeyedVectors
    from lmkit.embeddings.evaluate import evaluate_word_analogies, evaluate_word_pairs

    z = np.load(path)
    kv = KeyedVectors(list(z["words"]), z["vectors"], z["counts"])
    return (evaluate_word_analogies(kv, restrict_vocab=30_000)[0],
            evaluate_word_pairs(kv, "wordsim353")[1])


def spread(rows: list, col: int, scale: float, digits: int) -> str:
    """'mean (min-max)' of column ``col`` of the seeds' scores, times ``scale``."""
    v = [scale * r[col] for r in rows]
    mean = sum(v) / len(v)
    return (f"{mean:.{digits}f}" if len(v) == 1 else
            f"{mean:.{digits}f} ({min(v):.{digits}f}-{max(v):.{digits}f})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--words", type=int, default=2_500_000, help="corpus tokens")
    ap.add_argument("--workers", default="1,2", help="thread counts to compare")
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--modes", default="sg,cbow")
    ap.add_argument("--torch-words", type=int, default=200_000,
                    help="tokens for the torch path's words/s (one epoch, CPU); 0 skips it")
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs of each trainer, interleaved, seeds 1, 2, ...; the fastest is "
                         "reported, and the scores' mean and range over the seeds")
    ap.add_argument("--table", help="also write the markdown table to this file")
    ap.add_argument("--child", choices=["lmkit", "gensim", "torch"], help=argparse.SUPPRESS)
    ap.add_argument("--mode", default="sg", help=argparse.SUPPRESS)
    ap.add_argument("--corpus-file", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    ap.add_argument("--seed", type=int, default=1, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        args.trainer = args.child
        args.workers = int(args.workers)
        return child(args)
    tmp = tempfile.TemporaryDirectory()
    sents = corpus(args.words)
    n_tokens = sum(map(len, sents))
    args.corpus_file, args.torch_file = f"{tmp.name}/corpus.txt", f"{tmp.name}/torch.txt"
    with open(args.corpus_file, "w", encoding="utf-8") as f:
        f.writelines(" ".join(s) + "\n" for s in sents)
    with open(args.torch_file, "w", encoding="utf-8") as f:
        count = 0
        for s in sents:
            if count >= args.torch_words:
                break
            f.write(" ".join(s) + "\n")
            count += len(s)
    del sents
    head = (f"word2vec on the English novels, {n_tokens:,} tokens, {args.epochs} epochs, dim "
            f"100, window 5, k 5, sample 1e-3, min_count 5, negative sampling; gensim with "
            f"total_words (word-based lr decay) and min_alpha = 1e-4 alpha; best of "
            f"{args.repeat} interleaved runs (seeds 1..{args.repeat}); scores: mean over the seeds "
            f"(min-max)")
    print(head, flush=True)
    rows = [(m, int(w)) for m in args.modes.split(",") for w in args.workers.split(",")]
    runs: dict = {}
    for rep in range(args.repeat):  # every row once per round: the load is spread over rows
        for mode, w in rows:
            for t in ("lmkit", "gensim"):
                runs.setdefault((mode, w, t), []).append(
                    run(t, mode, w, args, f"{tmp.name}/{t}-{mode}-{w}-{rep}.npz", 1 + rep))
    table = ["| mode | threads | words/s lmkit | words/s gensim | ratio | words/CPU-s lmkit | "
             "words/CPU-s gensim | ratio | training peak MB lmkit | gensim | ratio | process "
             "peak MB lmkit | gensim | analogy % lmkit | gensim | diff | WS-353 rho lmkit | "
             "gensim | diff |", "|" + "---|" * 19]
    import numpy as np

    for mode, w in rows:
        a, g = ({"best": min(runs[mode, w, t], key=lambda x: x["seconds"]),
                 "cpu": max(x["cpu_wps"] for x in runs[mode, w, t]),
                 "peak": min(x["train_peak"] for x in runs[mode, w, t]),
                 "proc": min(x["process_peak"] for x in runs[mode, w, t])}
                for t in ("lmkit", "gensim"))
        q = {t: [scores(x["out"]) for x in runs[mode, w, t]] for t in ("lmkit", "gensim")}
        (aa, ar), (ga, gr) = (np.mean(q[t], axis=0) for t in ("lmkit", "gensim"))
        table.append(
            f"| {mode} | {w} | {a['best']['wps']:,.0f} | {g['best']['wps']:,.0f} | "
            f"{a['best']['wps'] / g['best']['wps']:.2f} | {a['cpu']:,.0f} | {g['cpu']:,.0f} | "
            f"{a['cpu'] / g['cpu']:.2f} | {a['peak']:.0f} | {g['peak']:.0f} | "
            f"{a['peak'] / max(g['peak'], 1e-9):.2f} | {a['proc']:.0f} | {g['proc']:.0f} | "
            f"{spread(q['lmkit'], 0, 100, 2)} | {spread(q['gensim'], 0, 100, 2)} | "
            f"{100 * (aa - ga):+.2f} | {spread(q['lmkit'], 1, 1, 3)} | "
            f"{spread(q['gensim'], 1, 1, 3)} | {ar - gr:+.3f} |")
    foot = ["", "Goals: words/s ratio >= 1.0, analogy within 1 point, WS-353 rho within 0.03, "
            "training peak ratio <= 1.5."]
    if args.torch_words:
        t = run("torch", "sg", 1, args, f"{tmp.name}/torch.npz")
        foot.append(f"torch path (skip-gram, batched, CPU, 1 thread, 1 epoch on "
                    f"{t['tokens']:,} tokens): {t['wps']:,.0f} words/s, {t['cpu_wps']:,.0f} "
                    f"words/CPU-s.")
    text = "\n".join([head, ""] + table + foot) + "\n"
    print(text, flush=True)
    write_table(text, args.table)


if __name__ == "__main__":
    main()
