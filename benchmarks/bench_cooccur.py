"""Speed and memory of lmkit's co-occurrence counting beside a straightforward scipy baseline.

    LMKIT_DATA=../shared/data .venv/bin/python benchmarks/bench_cooccur.py [--novels N]
        [--repeat 3] [--chunks 4000000,1000000,16000000] [--table out.md]

**Corpus.**  The English novels (``load_novel_sentences(max_novels=--novels,
vocab_size=None)``, all of them by default), train + valid + test: the whole text.  The
vocabulary is every word seen at least 5 times (``build_vocab(min_count=5)``), by frequency;
the other words are dropped (``encode_corpus``), as for word2vec and GloVe.  Window 10, 1/d
weighting, symmetric: :math:`X = F + F^{\\top}` with :math:`F_{ab} = \\sum_t \\sum_{d=1}^{10}
[\\![ s_t = a, s_{t+d} = b ]\\!] / d` within sentences.

**The baseline** (here, not in lmkit): for each offset :math:`d = 1 .. 10`, the pairs
``(ids[i], ids[i + d])`` of one sentence, as one ``scipy.sparse.coo_matrix`` of weight
:math:`1/d`, converted to CSR (which sums the duplicates) and added; then :math:`F + F^{\\top}`.
The issue measured it at about 1.2 M tokens/s on a 2-core machine; the goal is lmkit >= 3x.

**Speed.**  Each run is a child process (``OMP_NUM_THREADS=1``) that loads the encoded
corpus (``.npy`` files the parent wrote), warms up on 20,000 tokens (numba's cached kernels),
and times one count.  The runs are interleaved (lmkit at each chunk size, baseline, lmkit,
...) and the fastest of ``--repeat`` is kept: the machine is shared.  tokens/s counts the
corpus tokens after dropping the rare words.  "CPU-s" (the process's user + system seconds,
the least of the runs) moves less with other processes' load than the wall time.

**Memory.**  Just before counting, the child reads its RSS (``VmRSS``) and resets the
kernel's peak mark (5 into ``/proc/self/clear_refs``); "peak growth" is ``VmHWM`` after the
count minus ``VmRSS`` before: what counting added at its peak (the output included).  It is
printed beside the chunk's working set as the issue sizes it (``chunk_tokens * window * 8``
bytes of keys, twice that for the reduction: an upper bound, since lmkit counts the frequent
pairs in a dense table and writes keys for the others only), the output (``nnz * 12`` bytes:
float64 value + int32 column) and the corpus (int32 ids).  lmkit runs at several chunk sizes
(by default 4 M, its default, 1 M, and 16 M, about the whole corpus in one chunk): its peak
moves with the chunk, not with the corpus; the baseline's grows with the corpus.

**Checks.**  On the first 3,000 tokens both methods equal the plain dictionary count
(``cooccurrence_dict``); on the whole corpus lmkit's and the baseline's matrices are equal
(same sparsity, values ``allclose``).
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

WINDOW = 10
MIN_COUNT = 5






def baseline(ids, offsets, vocab_size: int, window: int = WINDOW):
    """One COO matrix per offset d (weight 1/d), converted to CSR and summed; F + F^T."""
    import numpy as np
    import scipy.sparse as sp

    sentence = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    F = sp.csr_matrix((vocab_size, vocab_size))
    for d in range(1, window + 1):
        same = sentence[:-d] == sentence[d:]
        a, b = ids[:-d][same], ids[d:][same]
        F = F + sp.coo_matrix((np.full(len(a), 1.0 / d), (a, b)),
                              shape=(vocab_size, vocab_size)).tocsr()
        del same, a, b
    return F + F.T


def count(method: str, ids, offsets, vocab_size: int, chunk: int):
    if method == "baseline":
        return baseline(ids, offsets, vocab_size)
    from lmkit.embeddings import cooccurrence

    return cooccurrence(ids, offsets, vocab_size, WINDOW, "harmonic", True, chunk_tokens=chunk)


def child(args) -> None:
    """One timed count in a fresh process; prints a RESULT line (and saves X if asked)."""
    import numpy as np

    ids, offsets = np.load(f"{args.data}/ids.npy"), np.load(f"{args.data}/offsets.npy")
    V = int(np.load(f"{args.data}/vocab_size.npy"))
    n = min(20_000, len(ids))
    count(args.child, ids[:n], np.append(offsets[offsets < n], n), V, args.chunk)  # warm up
    before = proc_status()
    reset = reset_peak()
    t, cpu = time.perf_counter(), time.process_time()
    X = count(args.child, ids, offsets, V, args.chunk)
    seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
    after = proc_status()
    if args.save:
        np.savez(args.save, indptr=X.indptr, indices=X.indices, data=X.data)
    print("RESULT " + json.dumps(dict(
        method=args.child, chunk=args.chunk, seconds=seconds, cpu=cpu, tokens=len(ids),
        nnz=int(X.nnz),
        peak=after["VmHWM"] - before["VmRSS"], rss_before=before["VmRSS"], reset=reset)),
        flush=True)


def run(method: str, chunk: int, data: str, save: str = "") -> dict:
    cmd = [sys.executable, os.path.abspath(__file__), "--child", method, "--chunk", str(chunk),
           "--data", data] + (["--save", save] if save else [])
    env = dict(os.environ, OMP_NUM_THREADS="1", NUMBA_NUM_THREADS="1")
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    line = [x for x in proc.stdout.splitlines() if x.startswith("RESULT ")]
    if proc.returncode or not line:
        raise RuntimeError(f"{method} failed:\n{proc.stderr[-3000:]}")
    r = json.loads(line[0][7:])
    print(f"  {method:8s} chunk {chunk:>10,}: {r['seconds']:6.2f} s ({r['cpu']:6.2f} CPU-s)  "
          f"{r['tokens'] / r['seconds'] / 1e6:5.2f} M tokens/s  peak growth {r['peak']:7.1f} MB",
          flush=True)
    return r


def dictionary_check(ids, offsets, vocab_size: int, n_tokens: int = 3000) -> int:
    """lmkit and the baseline equal the plain dictionary count on the first sentences."""
    import numpy as np

    from lmkit.embeddings import cooccurrence, cooccurrence_dict

    k = int(np.searchsorted(offsets, n_tokens))
    off = offsets[:k + 1]
    sub = ids[:off[-1]]
    ref = cooccurrence_dict((sub[a:b] for a, b in zip(off[:-1], off[1:])), WINDOW)
    cells = sorted(ref)
    rows, cols = np.array(cells).T
    for X in (cooccurrence(sub, off, vocab_size, WINDOW, chunk_tokens=500),
              baseline(sub, off, vocab_size)):
        assert X.nnz == len(ref), (X.nnz, len(ref))
        np.testing.assert_allclose(np.asarray(X[rows, cols]).ravel(), [ref[c] for c in cells],
                                   rtol=1e-12, atol=0)
    return len(sub)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--novels", type=int, default=None, help="the first N novels (all: default)")
    ap.add_argument("--repeat", type=int, default=3, help="interleaved runs; the fastest is kept")
    ap.add_argument("--chunks", default="4000000,1000000,16000000",
                    help="lmkit's chunk sizes in tokens (the first is set beside the baseline)")
    ap.add_argument("--table", help="also write the markdown table to this file")
    ap.add_argument("--child", choices=["lmkit", "baseline"], help=argparse.SUPPRESS)
    ap.add_argument("--chunk", type=int, default=4_000_000, help=argparse.SUPPRESS)
    ap.add_argument("--data", help=argparse.SUPPRESS)
    ap.add_argument("--save", default="", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(args)

    import numpy as np

    from lmkit.data import load_novel_sentences
    from lmkit.embeddings.word2vec import build_vocab, encode_corpus

    t = time.perf_counter()
    parts = load_novel_sentences(max_novels=args.novels, vocab_size=None)
    sents = parts["train"] + parts["valid"] + parts["test"]
    raw = sum(map(len, sents))
    words, _ = build_vocab(sents, MIN_COUNT)
    ids, offsets = encode_corpus(sents, {w: i for i, w in enumerate(words)})
    n_sent, V = len(sents), len(words)
    del sents, parts
    print(f"corpus: {len(ids):,} tokens ({raw:,} before dropping words seen < {MIN_COUNT} times), "
          f"{n_sent:,} sentences, vocabulary {V:,}; read in {time.perf_counter() - t:.0f} s",
          flush=True)
    checked = dictionary_check(ids, offsets, V)
    print(f"check: lmkit and the baseline equal the dictionary count on the first {checked:,} "
          f"tokens", flush=True)

    tmp = tempfile.TemporaryDirectory()
    np.save(f"{tmp.name}/ids.npy", ids)
    np.save(f"{tmp.name}/offsets.npy", offsets)
    np.save(f"{tmp.name}/vocab_size.npy", np.int64(V))
    corpus_mb = (ids.nbytes + offsets.nbytes) / 2**20
    chunks = [int(c) for c in args.chunks.split(",")]
    configs = [("lmkit", c) for c in chunks] + [("baseline", 0)]
    runs: dict = {}
    for rep in range(args.repeat):
        for method, chunk in configs:
            save = f"{tmp.name}/{method}.npz" if rep == 0 and chunk in (0, chunks[0]) else ""
            runs.setdefault((method, chunk), []).append(run(method, chunk, tmp.name, save))
    a, b = (np.load(f"{tmp.name}/{m}.npz") for m in ("lmkit", "baseline"))
    assert np.array_equal(a["indptr"], b["indptr"]) and np.array_equal(a["indices"], b["indices"])
    np.testing.assert_allclose(a["data"], b["data"], rtol=1e-9)
    nnz = int(len(a["data"]))
    del a, b

    best = {k: min(v, key=lambda r: r["seconds"]) for k, v in runs.items()}
    base = best["baseline", 0]["seconds"]
    base_cpu = min(r["cpu"] for r in runs["baseline", 0])
    novels = "all" if args.novels is None else args.novels
    head = (f"Co-occurrence counting, English novels ({novels} novels, train + valid + test): "
            f"{len(ids):,} tokens, {n_sent:,} sentences, vocabulary "
            f"{V:,} (min_count {MIN_COUNT}), window {WINDOW}, 1/d weighting, symmetric; X has "
            f"{nnz:,} non-zero cells. Fastest of {args.repeat} interleaved runs, one thread "
            f"(OMP_NUM_THREADS=1). Results equal (same cells, values allclose 1e-9); both equal "
            f"the dictionary count on the first {checked:,} tokens.")
    table = ["| method | chunk tokens | seconds | M tokens/s | x baseline | CPU-s | x baseline "
             "(CPU) | peak growth MB | chunk working set MB (bound) | output MB | corpus MB |",
             "|" + "---|" * 11]
    for method, chunk in configs:
        r = best[method, chunk]
        peak = min(x["peak"] for x in runs[method, chunk])
        cpu = min(x["cpu"] for x in runs[method, chunk])
        work = f"{min(chunk, len(ids)) * WINDOW * 8 * 2 / 2**20:,.0f}" if chunk else "-"
        table.append(f"| {method} | {f'{chunk:,}' if chunk else '-'} | {r['seconds']:.2f} | "
                     f"{len(ids) / r['seconds'] / 1e6:.2f} | {base / r['seconds']:.2f} | "
                     f"{cpu:.2f} | "
                     f"{base_cpu / cpu:.2f} | "
                     f"{peak:,.0f} | {work} | {nnz * 12 / 2**20:,.0f} | {corpus_mb:,.0f} |")
    foot = ["", "Goal (issue, chapter 6): lmkit >= 3x the baseline's tokens/s; peak memory "
            "bounded by the chunk size, not the corpus size."]
    text = "\n".join([head, ""] + table + foot) + "\n"
    print(text, flush=True)
    write_table(text, args.table)


if __name__ == "__main__":
    main()
