r"""Measurements that chapter 5 makes on word2vec's data and vectors (numpy only).

- ``min_count_coverage``: the vocabulary kept by a minimum count :math:`c_{\min}` and the
  share of the running text it covers, :math:`\sum_{w: f(w) \ge c_{\min}} f(w) / T`;
- ``discarded_share``: the share of the corpus's tokens that subsampling drops,
  :math:`\sum_w f(w)\,(1 - P_{\text{keep}}(w)) / T`;
- ``distance_shares``: the share of (centre, context) pairs at each distance
  :math:`j = 1, \dots, N`, to set beside the dynamic window's weights :math:`(N - j + 1)/N`;
- ``group_cosine`` and ``random_cosine``: the mean cosine within groups of related words
  (the distributional hypothesis: similar contexts, similar vectors) and between random
  frequent words, the baseline it should clear.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..checks import check_int
from .sampling import check_counts, keep_probability

__all__ = ["discarded_share", "distance_shares", "group_cosine", "min_count_coverage",
           "random_cosine"]


def min_count_coverage(counts, min_counts: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    r"""For each threshold :math:`c_{\min}` in ``min_counts``: the number of words seen at
    least :math:`c_{\min}` times (int64) and the share of all tokens they cover (float64,
    :math:`\sum_{w: f(w) \ge c_{\min}} f(w) / T`)."""
    c = check_counts(counts)
    ts = [check_int("min_count", t, 1) for t in np.atleast_1d(min_counts).tolist()]
    if not ts:
        raise ValueError("min_counts is empty: pass thresholds such as [1, 5, 10]")
    t = np.asarray(ts, dtype=np.float64)
    order = np.sort(c)
    first = np.searchsorted(order, t, side="left")      # words below each threshold
    tail = np.concatenate(([0.0], np.cumsum(order[::-1])))[::-1]  # tail[i] = sum(order[i:])
    return (len(c) - first).astype(np.int64), tail[first] / c.sum()


def discarded_share(counts, sample: float, variant: str = "word2vec") -> float:
    r"""The expected share of the tokens that subsampling with threshold :math:`m` =
    ``sample`` discards: :math:`\sum_w f(w)\,(1 - P_{\text{keep}}(w)) / \sum_w f(w)`, with
    :math:`P_{\text{keep}}` from ``sampling.keep_probability`` (``variant`` "paper" or
    "word2vec")."""
    c = check_counts(counts)
    keep = keep_probability(c, sample, variant)
    return float(c @ (1.0 - keep) / c.sum())


def distance_shares(centres, contexts, window: int) -> np.ndarray:
    r"""The share of the pairs at each distance :math:`j = |\text{context} - \text{centre}|
    = 1, \dots, N` (float64, length ``window``), from the positions of pairs' centre and
    context words.  Under the dynamic window :math:`b \sim U\{1..N\}` (and sentences much
    longer than :math:`N`) it tends to :math:`(N - j + 1) / \sum_{i=1}^N i`."""
    window = check_int("window", window, 1)
    a, b = np.asarray(centres), np.asarray(contexts)
    if a.shape != b.shape or a.ndim != 1 or a.dtype.kind not in "iu" or b.dtype.kind not in "iu":
        raise ValueError(f"centres and contexts must be 1-d integer positions of equal length, "
                         f"got shapes {a.shape} and {b.shape}, dtypes {a.dtype} and {b.dtype}")
    if a.size == 0:
        raise ValueError("no pairs: pass at least one (centre, context) pair")
    d = np.abs(a.astype(np.int64) - b.astype(np.int64))
    if d.min() < 1 or d.max() > window:
        raise ValueError(f"pair distances must lie in 1..window={window}, got {d.min()}..{d.max()}"
                         f": pass positions (not word ids) of pairs drawn with this window")
    return np.bincount(d, minlength=window + 1)[1:] / d.size


def _unit(kv) -> np.ndarray:
    u = getattr(kv, "unit_vectors", None)
    if u is None:
        raise TypeError(f"kv must be a KeyedVectors (e.g. model.wv), got {type(kv).__name__}")
    return np.asarray(u(), dtype=np.float64)


def group_cosine(kv, groups: Sequence[Sequence[str]]) -> np.ndarray:
    r"""The mean cosine :math:`\cos(v_a, v_b)` over the pairs :math:`a \ne b` of each group
    of words (float64, one per group); every word must be in ``kv`` and each group hold at
    least two words."""
    unit = _unit(kv)
    out = []
    for g in groups:
        if isinstance(g, str) or len(g) < 2:
            raise ValueError(f"each group must be a list of at least two words, got {g!r}")
        rows = unit[[kv.index(w) for w in g]]
        sim = rows @ rows.T
        n = len(rows)
        out.append((sim.sum() - np.trace(sim)) / (n * (n - 1)))
    return np.array(out, dtype=np.float64)


def random_cosine(kv, n_words: int, n_pairs: int = 10_000, seed: int = 0) -> float:
    r"""The mean cosine between ``n_pairs`` random pairs of distinct words drawn uniformly
    among the ``n_words`` most frequent (rows 0 .. n_words-1 of ``kv``): the baseline that a
    group of related words should clear."""
    unit = _unit(kv)
    n_words = check_int("n_words", n_words, 2, len(unit))
    n_pairs = check_int("n_pairs", n_pairs, 1)
    rng = np.random.default_rng(check_int("seed", seed, 0))
    a = rng.integers(0, n_words, n_pairs)
    b = (a + rng.integers(1, n_words, n_pairs)) % n_words   # b != a
    return float(np.einsum("ij,ij->i", unit[a], unit[b]).mean())
