"""Speed and memory of lmkit's modified Kneser-Ney 5-gram on Penn Treebank, beside nltk.lm.

    LMKIT_DATA=../shared/data .venv/bin/python benchmarks/bench_ngram.py [--nltk-tokens 2000]

Targets (issue: chapter 2): fit <= 10 s, score >= 500k tokens/s, peak memory <= 1.5 GB.
Measured, not asserted: timings belong here, not in the test suite.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from lmkit import NgramLM, data
from lmkit.reference import published


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def best_of(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nltk-tokens", type=int, default=2000, help="test tokens nltk scores")
    args = ap.parse_args()
    ptb = data.load_ptb()
    base = peak_rss_mb()
    n_train = sum(map(len, ptb["train"])) + len(ptb["train"])
    n_test = sum(map(len, ptb["test"])) + len(ptb["test"])

    fit_s = best_of(lambda: NgramLM(5, "modified-kneser-ney").fit(ptb["train"]))
    lm = NgramLM(5, "modified-kneser-ney").fit(ptb["train"])
    score_s = best_of(lambda: lm.token_logprobs(ptb["test"]))
    print(f"lmkit modified KN 5-gram, PTB train {n_train:,} tokens")
    print(f"  fit     {fit_s:6.2f} s                     (target <= 10 s)")
    print(f"  score   {n_test / score_s:10,.0f} tokens/s     (target >= 500,000)")
    print(f"  memory  {peak_rss_mb():6.0f} MB peak RSS, {peak_rss_mb() - base:.0f} MB above the loaded corpus"
          f" (target <= 1,536 MB)")
    print(f"  test perplexity {lm.perplexity(ptb['test']):.2f} "
          f"(Mikolov 2012, Table 4.1: {published('ptb/kn5')})")

    try:
        from nltk.lm import KneserNeyInterpolated
        from nltk.lm.preprocessing import padded_everygram_pipeline
    except ImportError:
        print("nltk is not installed (pip install -e '.[ref]'): no comparison")
        return
    t = time.perf_counter()
    train, vocab = padded_everygram_pipeline(3, ptb["train"])
    ref = KneserNeyInterpolated(3)
    ref.fit(train, vocab)
    nltk_fit = time.perf_counter() - t
    ours3 = NgramLM(3, "kneser-ney").fit(ptb["train"])
    ours_fit = best_of(lambda: NgramLM(3, "kneser-ney").fit(ptb["train"]))
    # score the first test tokens with both (nltk pads each sentence with n - 1 <s>)
    queries = []
    for s in ptb["test"]:
        padded = ["<s>", "<s>"] + s + ["</s>"]
        queries += [(padded[i], padded[i - 2:i]) for i in range(2, len(padded))]
        if len(queries) >= args.nltk_tokens:
            break
    queries = queries[: args.nltk_tokens]
    t = time.perf_counter()
    for w, ctx in queries:
        ref.score(w, ctx)
    nltk_rate = len(queries) / (time.perf_counter() - t)
    ours_rate = n_test / best_of(lambda: ours3.token_logprobs(ptb["test"]))
    print(f"\nKneser-Ney trigram, lmkit vs nltk.lm.KneserNeyInterpolated ({len(queries):,} test tokens for nltk)")
    print(f"  fit    lmkit {ours_fit:7.2f} s   nltk {nltk_fit:7.2f} s   ratio {nltk_fit / ours_fit:8.0f}x")
    print(f"  score  lmkit {ours_rate:9,.0f} tok/s   nltk {nltk_rate:9,.0f} tok/s   ratio {ours_rate / nltk_rate:8.0f}x")


if __name__ == "__main__":
    main()
