r"""Measurements that chapter 6 makes on GloVe's co-occurrence matrix and vectors.

- ``probability_ratios``: the co-occurrence probabilities :math:`P(k \mid i) = X_{ik} / X_i`
  (:math:`X_i = \sum_k X_{ik}`) of probe words :math:`k` given two words :math:`i, j`, and
  their ratio :math:`P(k \mid i) / P(k \mid j)`, the quantity GloVe is built on (Pennington et
  al. 2014, Table 1);
- ``count_bands``: how the non-zero cells of :math:`X` spread over bands of counts, with each
  band's share of the cells and of the weights :math:`f(X_{ij})` of GloVe's objective;
- ``glove_parts``: the word vectors :math:`W`, the context vectors :math:`\tilde W` and their
  sum :math:`W + \tilde W`, each as a ``KeyedVectors``;
- ``glove_sweep``: GloVe trained and scored for each of a list of settings (the window of the
  counts, :math:`x_{\max}`, :math:`\alpha`, the seed, ...), counting :math:`X` once per window.
"""

from __future__ import annotations

import time
from typing import Sequence

import numpy as np

from ..checks import check_int, check_strings
from .keyed import KeyedVectors

__all__ = ["count_bands", "glove_parts", "glove_sweep", "probability_ratios"]


def _row_index(words: Sequence[str], X) -> dict[str, int]:
    words = check_strings("words", words, noun="word")
    shape = getattr(X, "shape", None)
    if shape is None or len(shape) != 2 or shape[0] != shape[1] or shape[0] != len(words):
        raise ValueError(f"X must be a square co-occurrence matrix with one row per word "
                         f"({len(words)} words), got shape {shape}")
    return {w: i for i, w in enumerate(words)}


def probability_ratios(X, words: Sequence[str], i: str, j: str,
                       probes: Sequence[str]) -> list[dict]:
    r"""One row per probe word :math:`k`: ``probe``, the counts ``x_i`` :math:`= X_{ik}` and
    ``x_j``, the probabilities ``p_i`` :math:`= P(k \mid i) = X_{ik} / X_i` and ``p_j``
    (:math:`X_i` the full row sum), and ``ratio`` :math:`= P(k \mid i) / P(k \mid j)`
    (``inf`` when only :math:`P(k \mid j)` is 0, NaN when both are: undefined)."""
    index = _row_index(words, X)
    probes = check_strings("probes", probes, noun="word")
    missing = [w for w in [i, j, *probes] if w not in index]
    if missing:
        raise KeyError(f"{missing[0]!r} is not one of the {len(index)} words of X; choose words "
                       f"that occur at least min_count times")
    rows_ij = X[[index[i], index[j]]]
    sub = rows_ij.toarray() if hasattr(rows_ij, "toarray") else np.asarray(rows_ij)
    sub = np.asarray(sub, dtype=np.float64)
    totals = sub.sum(axis=1)
    if np.any(totals <= 0):
        raise ValueError(f"{i!r} or {j!r} co-occurs with no word: its probabilities are "
                         f"undefined; choose words that occur in sentences of 2 words or more")
    out = []
    for k in probes:
        x_i, x_j = sub[0, index[k]], sub[1, index[k]]
        p_i, p_j = x_i / totals[0], x_j / totals[1]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = float(np.float64(p_i) / np.float64(p_j))
        out.append({"probe": k, "x_i": float(x_i), "x_j": float(x_j), "p_i": float(p_i),
                    "p_j": float(p_j), "ratio": ratio})
    return out


def count_bands(X, edges: Sequence[float], x_max: float = 100.0,
                alpha: float = 0.75) -> list[dict]:
    r"""The non-zero cells of ``X`` in the bands ``[edges[b], edges[b + 1])`` (the last band
    open-ended; ``edges[0]`` should not exceed the smallest count): per band its ``low`` and
    ``high`` edge, the share of the cells (``cells``), of the total count :math:`\sum X_{ij}`
    (``mass``) and of the total weight :math:`\sum f(X_{ij})` of GloVe's objective
    (``weight``), where an unweighted least squares gives every cell the same weight, so its
    share would be ``cells``."""
    from .glove import glove_weight

    e = np.asarray(edges, dtype=np.float64)
    if e.ndim != 1 or len(e) < 1 or not np.all(np.isfinite(e)) or np.any(np.diff(e) <= 0):
        raise ValueError(f"edges must be increasing finite counts, e.g. [0, 1, 10, 100], "
                         f"got {edges!r}")
    x = np.asarray(X.data if hasattr(X, "data") and hasattr(X, "nnz") else X, dtype=np.float64)
    x = x[x != 0].ravel()
    if x.size == 0:
        raise ValueError("X has no non-zero cell: count a corpus with co-occurring words first")
    f = glove_weight(x, x_max, alpha)
    band = np.searchsorted(e, x, side="right") - 1
    if np.any(band < 0):
        raise ValueError(f"edges[0] = {e[0]:g} is above the smallest count {x.min():g}: start "
                         f"the edges at 0")
    cells = np.bincount(band, minlength=len(e))
    mass = np.bincount(band, weights=x, minlength=len(e))
    weight = np.bincount(band, weights=f, minlength=len(e))
    highs = [*e[1:].tolist(), float("inf")]
    return [{"low": float(lo), "high": hi, "cells": cells[b] / x.size,
             "mass": mass[b] / x.sum(), "weight": weight[b] / f.sum()}
            for b, (lo, hi) in enumerate(zip(e.tolist(), highs))]


def glove_parts(glove) -> dict[str, KeyedVectors]:
    r"""A trained GloVe's :math:`W` (key ``"W"``), :math:`\tilde W` (``"W~"``) and
    :math:`W + \tilde W` (``"W+W~"``, the vectors of ``glove.wv``), each as a
    ``KeyedVectors`` over the same words and counts."""
    model = getattr(glove, "model", None)
    if model is None or not hasattr(model, "w_tilde"):
        raise TypeError(f"expected a trained GloVe (call fit first), got "
                        f"{type(glove).__name__}")
    w = model.w.weight.detach().float().cpu().numpy()
    wt = model.w_tilde.weight.detach().float().cpu().numpy()
    return {name: KeyedVectors(glove.words, v, glove.counts)
            for name, v in (("W", w), ("W~", wt), ("W+W~", w + wt))}


def glove_sweep(sentences, settings: Sequence[dict], base: dict | None = None,
                window: int = 10, min_count: int = 5, restrict_vocab: int | None = 30_000,
                pair_sets: Sequence[str] = ("wordsim353", "men"), analogies=None) -> list[dict]:
    """Train ``GloVe(**base, **s)`` for each ``s`` of ``settings`` on the co-occurrence
    matrix of ``sentences`` (window ``s.get("window", window)``, 1/d weighting, words seen
    ``min_count`` times; one count per window) and score it with ``intrinsic_scores``.  One
    row per setting: the setting, ``window``, ``nnz`` (the cells of X), ``cpu_s`` (process
    CPU seconds of ``fit``), ``loss`` (the last epoch's :math:`J` per cell), and the scores
    (``analogies``: the Google set by default, or questions as ``intrinsic_scores`` takes)."""
    from .compare import intrinsic_scores
    from .cooccur import cooccurrence_from_sentences
    from .glove import GloVe

    if isinstance(settings, dict) or not all(isinstance(s, dict) for s in settings):
        raise TypeError("settings must be a list of dicts, one per run, e.g. "
                        "[{'x_max': 10}, {'alpha': 1.0}, {'window': 2}]")
    window = check_int("window", window, 1)
    base = dict(base or {})
    counted: dict[int, tuple] = {}
    rows = []
    for s in settings:
        s = dict(s)
        win = check_int("window", s.pop("window", window), 1)
        if win not in counted:
            counted[win] = cooccurrence_from_sentences(sentences, window=win,
                                                       min_count=min_count)
        X, words, counts = counted[win]
        c0 = time.process_time()
        g = GloVe(**{**base, **s}).fit(X, words, counts, progress=False)
        row = dict(s, window=win, nnz=X.nnz, cpu_s=time.process_time() - c0,
                   loss=g.epoch_loss[-1])
        row.update(intrinsic_scores(g.wv, restrict_vocab, analogies, pair_sets))
        rows.append(row)
    return rows
