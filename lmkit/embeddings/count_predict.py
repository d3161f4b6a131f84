r"""Count against predict: what the co-occurrence matrix costs as the corpus grows, and the
timing of GloVe beside skip-gram (chapter 6).

- ``count_growth``: the co-occurrence matrix :math:`X` of the first :math:`n` tokens of a
  corpus, for several :math:`n`, over one vocabulary: its non-zero cells (the cells that one
  GloVe epoch visits), the pair occurrences that counting reads (:math:`2\sum_s
  \sum_{d=1}^{N} \max(L_s - d, 0)` for sentences of :math:`L_s` words), its memory and the
  time to count it;
- ``growth_exponent``: :math:`b` of :math:`y \propto x^b`, the least-squares slope of
  :math:`\log y` on :math:`\log x` (Pennington et al. 2014, section 3.2, argue
  :math:`|X| = O(|C|^{0.8})` on their corpora);
- ``glove_curve``: GloVe trained once, scored after every epoch, with the CPU time of the
  training alone (``GloVe.fit`` also evaluates :math:`J` on every cell after each epoch; that
  pass is timed once and taken off);
- ``first_reach``: the first time (or epoch) at which a curve reaches a target score;
- ``interleaved_min``: timings that take turns, the fastest of each kept, for speed-ups on a
  busy machine;
- ``warm_up``: a tiny GloVe and word2vec run, so that one-time start-up costs (torch's first
  calls, numba's compiled kernels) are charged to neither model.
"""

from __future__ import annotations

import time
from typing import Callable, Sequence

import numpy as np

from ..checks import check_int

__all__ = ["count_growth", "first_reach", "glove_curve", "growth_exponent", "interleaved_min",
           "pair_occurrences", "warm_up"]


def pair_occurrences(lengths, window: int) -> int:
    r"""The (word, context) pair occurrences within ``window`` of sentences of ``lengths``
    words, both directions: :math:`2 \sum_s \sum_{d=1}^{N} \max(L_s - d, 0)`, the number of
    (unweighted) additions to :math:`X` that counting makes."""
    window = check_int("window", window, 1)
    L = np.asarray(lengths, dtype=np.int64)
    if L.ndim != 1 or (L.size and L.min() < 0):
        raise ValueError("lengths must be a 1-d array of sentence lengths >= 0")
    k = np.clip(L - 1, 0, window)  # distances that fit in each sentence
    return int(2 * np.sum(k * L - k * (k + 1) // 2))


def count_growth(sentences, sizes: Sequence[int], window: int = 10, min_count: int = 5,
                 weighting: str = "harmonic") -> list[dict]:
    """The co-occurrence matrix of the first ``sizes[i]`` words of ``sentences`` (whole
    sentences, ``lmkit.text.first_words``), all over the vocabulary of the whole of
    ``sentences`` (``build_vocab`` with ``min_count``), so that the sizes compare like with
    like.  One row per size: ``words`` (raw), ``tokens`` (in the vocabulary), ``pairs``
    (``pair_occurrences``), ``nnz``, ``mb`` (the CSR arrays, MiB), ``dense_mb`` (a dense
    float64 :math:`V \\times V` table) and ``cpu_s`` (process CPU seconds of the count)."""
    from ..text import first_words
    from .cooccur import cooccurrence
    from .word2vec import build_vocab, check_sentences, encode_corpus

    sentences = check_sentences(sentences)
    sizes = [check_int("size", n, 1) for n in sizes]
    if not sizes:
        raise ValueError("sizes must name at least one corpus size, e.g. [100_000, 200_000]")
    words, _ = build_vocab(sentences, check_int("min_count", min_count, 1))
    stoi = {w: i for i, w in enumerate(words)}
    rows = []
    for n in sizes:
        part = first_words(sentences, n)
        c0 = time.process_time()
        corpus, offsets = encode_corpus(part, stoi)
        X = cooccurrence(corpus, offsets, len(words), window, weighting)
        cpu = time.process_time() - c0
        rows.append(dict(words=sum(map(len, part)), tokens=int(offsets[-1]),
                         pairs=pair_occurrences(np.diff(offsets), window), nnz=int(X.nnz),
                         mb=(X.data.nbytes + X.indices.nbytes + X.indptr.nbytes) / 2**20,
                         dense_mb=8 * len(words) ** 2 / 2**20, cpu_s=cpu))
    return rows


def growth_exponent(x, y) -> float:
    r""":math:`b` of :math:`y \approx a x^b`: the least-squares slope of :math:`\log y` on
    :math:`\log x` (at least two distinct positive :math:`x`)."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if x.shape != y.shape or x.ndim != 1 or np.any(x <= 0) or np.any(y <= 0):
        raise ValueError("x and y must be equally long 1-d arrays of positive numbers")
    if len(np.unique(x)) < 2:
        raise ValueError("a growth exponent needs at least two distinct sizes x")
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


def glove_curve(X, words, counts=None, score: Callable | None = None, **glove_kw):
    """Train ``GloVe(**glove_kw)`` on ``X`` and score its vectors after every epoch.
    Returns ``(model, rows)``, one row per epoch: ``epoch``, ``cpu_s`` (process CPU seconds of
    training so far, all threads, without the scoring and without ``fit``'s pass of :math:`J`
    over every cell, timed once after the first epoch and subtracted), ``wall_s``
    (``epoch_seconds``), ``loss`` (:math:`J` per cell) and the items of ``score(wv)`` (a dict
    of numbers; nothing when ``score`` is None)."""
    import torch

    from .glove import GloVe, glove_cells

    model = GloVe(**glove_kw)
    cfg = model.config
    cells = {k: torch.as_tensor(v) for k, v in glove_cells(X, cfg.x_max, cfg.alpha).items()}
    rows: list[dict] = []
    clock = {"train": 0.0, "objective": 0.0, "since": 0.0}

    def after_epoch(epoch: int, g) -> None:
        now = time.process_time()
        if epoch == 1:  # fit's pass of J over every cell, as the model is now
            g.objective({k: v.to(next(g.model.parameters()).device) for k, v in cells.items()})
            clock["objective"] = time.process_time() - now
        clock["train"] += now - clock["since"] - clock["objective"]
        row = dict(epoch=epoch, cpu_s=clock["train"], wall_s=g.epoch_seconds[-1],
                   loss=g.epoch_loss[-1])
        row.update(score(g.wv) if score is not None else {})
        rows.append(row)
        clock["since"] = time.process_time()

    clock["since"] = time.process_time()
    model.fit(X, words, counts, progress=False, callback=after_epoch)
    return model, rows


def first_reach(xs, ys, target: float):
    """The first ``xs[i]`` with ``ys[i] >= target`` (``xs`` in increasing order: epochs or
    seconds), or None when the curve never gets there."""
    xs, ys = list(xs), list(ys)
    if len(xs) != len(ys):
        raise ValueError(f"xs and ys must be equally long, got {len(xs)} and {len(ys)}")
    return next((x for x, y in zip(xs, ys) if y >= target), None)


def interleaved_min(fns: dict[str, Callable[[], float]], reps: int = 3) -> dict[str, float]:
    """The fastest of ``reps`` timings of each function, after one warm-up call each: every
    function returns the seconds it measured itself (e.g. one epoch's time), and the functions
    take turns, so that a busy spell of the machine slows them all alike."""
    reps = check_int("reps", reps, 1)
    if not fns:
        raise ValueError("fns must name at least one function, e.g. {'one thread': f}")
    for f in fns.values():
        f()
    best = {k: float("inf") for k in fns}
    for _ in range(reps):
        for k, f in fns.items():
            t = float(f())
            if not np.isfinite(t) or t < 0:
                raise ValueError(f"{k!r} returned {t!r}: each function must return its seconds")
            best[k] = min(best[k], t)
    return best


def warm_up() -> None:
    """One tiny GloVe and one tiny word2vec run (a few hundred words): torch's first calls
    and the loading of numba's kernels then happen here, not inside a timed run."""
    from .cooccur import cooccurrence_from_sentences
    from .glove import GloVe
    from .word2vec import Word2Vec

    rng = np.random.default_rng(0)
    toy = [[f"w{i}" for i in rng.zipf(1.5, 12) % 40] for _ in range(60)]
    X, words, counts = cooccurrence_from_sentences(toy, window=3)
    GloVe(vector_size=8, epochs=1, batch=256).fit(X, words, counts, progress=False)
    Word2Vec(vector_size=8, epochs=1, min_count=1, workers=1).fit(toy, progress=False)
