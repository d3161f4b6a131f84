r"""Experiments on word vectors: hyperparameter sweeps, scores split by word frequency, and
the geometry of analogies (chapter 5's measured claims).

- ``take_words``: a seeded random sample of sentences holding about :math:`n` words (a
  corpus of a chosen size);
- ``score_vectors`` and ``sweep``: train ``Word2Vec`` once per setting and score each model
  (analogy accuracy by 3CosAdd and 3CosMul, Spearman's :math:`\rho` on word-pair sets, each
  with its out-of-vocabulary rate), timing the training in CPU and wall seconds;
- ``frequency_bands``, ``analogy_accuracy_by_band``, ``pair_correlation_by_band``: the
  same scores for questions whose *rarest* word has a training count
  :math:`f \in [e_i, e_{i+1})`;
- ``pca_project``: the first principal components, :math:`X_c = X - \bar x`,
  :math:`X_c = U \Sigma V^{\top}`, coordinates :math:`X_c V_{:, :k}`;
- ``offset_parallelism``: the mean pairwise cosine of the offsets
  :math:`\hat v_{b_i} - \hat v_{a_i}` of word pairs, against that of random pairs.

numpy only; ``Word2Vec`` is imported when a sweep runs.
"""

from __future__ import annotations

import time
from typing import Sequence

import numpy as np

from ..checks import check_int
from .keyed import KeyedVectors

__all__ = ["analogy_accuracy_by_band", "format_table", "frequency_bands", "offset_parallelism",
           "pair_correlation_by_band", "pca_project", "score_vectors", "sweep", "take_words"]


def take_words(sentences: Sequence[Sequence[str]], n_words: int, seed: int = 0) -> list:
    """Sentences drawn at random without replacement (seeded) until they hold at least
    ``n_words`` tokens, in the order drawn; all of them if the corpus is smaller."""
    check_int("n_words", n_words, 1)
    check_int("seed", seed, 0)
    if not len(sentences):
        raise ValueError("no sentences to sample from; pass a non-empty list of token lists")
    lengths = np.fromiter(map(len, sentences), dtype=np.int64, count=len(sentences))
    order = np.random.default_rng(seed).permutation(len(sentences))
    stop = int(np.searchsorted(np.cumsum(lengths[order]), n_words)) + 1
    return [sentences[i] for i in order[:stop]]


def _kv(kv) -> KeyedVectors:
    kv = getattr(kv, "wv", kv)
    if not isinstance(kv, KeyedVectors):
        raise TypeError(f"expected a KeyedVectors (or a trained Word2Vec), got "
                        f"{type(kv).__name__}")
    return kv


def score_vectors(kv, restrict_vocab: int | None = None,
                  pairs: Sequence[str] = ("wordsim353", "men"), analogies=None) -> dict:
    """Analogy accuracy (``analogy_add``, ``analogy_mul``) and its OOV rate (percent of
    questions skipped, ``analogy_oov``), and per pair set ``rho_<name>`` (Spearman) and
    ``oov_<name>`` (percent), all over the first ``restrict_vocab`` words."""
    from .evaluate import evaluate_word_analogies, evaluate_word_pairs

    kv = _kv(kv)
    if isinstance(pairs, str):
        pairs = (pairs,)
    out: dict = {}
    add, secs = evaluate_word_analogies(kv, analogies, restrict_vocab=restrict_vocab)
    mul, _ = evaluate_word_analogies(kv, analogies, restrict_vocab=restrict_vocab, method="mul")
    out.update(analogy_add=add, analogy_mul=mul, analogy_oov=secs[-1]["oov_ratio"])
    for name in pairs:
        s = evaluate_word_pairs(kv, name, restrict_vocab=restrict_vocab)
        out[f"rho_{name}"], out[f"oov_{name}"] = s.spearman, s.oov_ratio
    return out


def sweep(sentences, settings: Sequence[dict], base: dict | None = None,
          restrict_vocab: int | None = None, pairs: Sequence[str] = ("wordsim353", "men"),
          analogies=None, keep_models: bool = False) -> list[dict]:
    """Train ``Word2Vec(**base, **s)`` on ``sentences`` for each ``s`` of ``settings`` and
    score it (``score_vectors``).  One row per setting: the setting, ``vocab`` (words kept),
    ``cpu_s`` (process CPU seconds of ``fit``: all threads, robust to a busy machine),
    ``wall_s`` and ``words_per_s`` (corpus words per wall second, as ``Word2Vec`` reports),
    the scores, and with ``keep_models`` the model under ``"model"``."""
    from .word2vec import Word2Vec

    base = dict(base or {})
    if isinstance(settings, dict):
        raise TypeError("settings must be a list of dicts, one per run, e.g. "
                        "[{'negative': 2}, {'negative': 5}]")
    rows = []
    for s in settings:
        if not isinstance(s, dict):
            raise TypeError(f"each setting must be a dict of Word2Vec arguments, got {s!r}")
        c0 = time.process_time()
        model = Word2Vec(**{**base, **s}).fit(sentences, progress=False)
        cpu = time.process_time() - c0
        row = dict(s, vocab=len(model.wv), cpu_s=cpu, wall_s=model.train_seconds,
                   words_per_s=model.words_per_second)
        row.update(score_vectors(model.wv, restrict_vocab, pairs, analogies))
        if keep_models:
            row["model"] = model
        rows.append(row)
    return rows


def frequency_bands(counts, edges: Sequence[int]) -> np.ndarray:
    """Band of each count: ``i`` when ``edges[i] <= count < edges[i + 1]``, -1 below
    ``edges[0]``; the last band is open-ended.  ``edges`` must increase strictly."""
    e = np.asarray(edges, dtype=np.int64)
    if e.ndim != 1 or len(e) < 1 or np.any(np.diff(e) <= 0):
        raise ValueError(f"edges must be increasing counts, e.g. [5, 50, 500], got {edges!r}")
    return np.searchsorted(e, np.asarray(counts, dtype=np.int64), side="right") - 1


def _band_names(edges) -> list[str]:
    e = list(edges)
    return [f"{a}-{b - 1}" for a, b in zip(e[:-1], e[1:])] + [f">={e[-1]}"]


def _counts_by_word(kv: KeyedVectors, restrict_vocab) -> dict:
    if kv.counts is None:
        raise ValueError("the vectors carry no word counts; pass a trained model's wv "
                         "(KeyedVectors with counts=...) to split results by frequency")
    r = len(kv) if restrict_vocab is None else min(restrict_vocab, len(kv))
    out: dict = {}
    for w, c in zip(kv.index_to_key[:r], kv.counts[:r]):
        out.setdefault(w.upper(), int(c))  # the first (most frequent) case variant, as evaluate
    return out


def analogy_accuracy_by_band(kv, edges: Sequence[int], analogies=None,
                             restrict_vocab: int | None = None, method: str = "add") -> list[dict]:
    """Analogy accuracy by frequency band of each question's rarest word (training count,
    from ``kv.counts``): per band ``{"band", "n", "correct", "accuracy"}`` (accuracy NaN for
    an empty band).  The questions are those ``evaluate_word_analogies`` answers (case
    insensitive, OOV skipped)."""
    from .evaluate import evaluate_word_analogies

    kv = _kv(kv)
    count = _counts_by_word(kv, restrict_vocab)
    _, secs = evaluate_word_analogies(kv, analogies, restrict_vocab=restrict_vocab, method=method)
    total = secs[-1]
    qs = total["correct"] + total["incorrect"]
    right = np.array([True] * len(total["correct"]) + [False] * len(total["incorrect"]))
    rarest = [min(count[w] for w in q) for q in qs]
    band = frequency_bands(rarest, edges) if qs else np.zeros(0, np.int64)
    out = []
    for i, name in enumerate(_band_names(edges)):
        m = band == i
        n = int(m.sum())
        out.append({"band": name, "n": n, "correct": int(right[m].sum()),
                    "accuracy": float(right[m].mean()) if n else float("nan")})
    return out


def pair_correlation_by_band(kv, edges: Sequence[int], pairs: str = "men",
                             restrict_vocab: int | None = None, min_pairs: int = 10) -> list[dict]:
    """Spearman's :math:`\\rho` of cosines against human scores by frequency band of each
    pair's rarer word: per band ``{"band", "n", "spearman"}`` (NaN under ``min_pairs``)."""
    from .evaluate import _pair_list, spearman

    kv = _kv(kv)
    count = _counts_by_word(kv, restrict_vocab)
    items = [(a.upper(), b.upper(), s) for a, b, s in _pair_list(pairs, "\t")
             if a.upper() in count and b.upper() in count]
    if not items:
        raise ValueError(f"no pair of {pairs!r} has both words in the vocabulary")
    r = len(kv) if restrict_vocab is None else min(restrict_vocab, len(kv))
    row = {}
    for i, w in enumerate(kv.index_to_key[:r]):
        row.setdefault(w.upper(), i)
    unit = kv.unit_vectors()
    ia = np.array([row[a] for a, _, _ in items])
    ib = np.array([row[b] for _, b, _ in items])
    cos = np.einsum("ij,ij->i", unit[ia].astype(np.float64), unit[ib])
    gold = np.array([s for _, _, s in items])
    band = frequency_bands([min(count[a], count[b]) for a, b, _ in items], edges)
    out = []
    for i, name in enumerate(_band_names(edges)):
        m = band == i
        n = int(m.sum())
        ok = n >= max(min_pairs, 2) and np.ptp(gold[m]) > 0 and np.ptp(cos[m]) > 0
        out.append({"band": name, "n": n,
                    "spearman": spearman(gold[m], cos[m]) if ok else float("nan")})
    return out


def pca_project(x, k: int = 2) -> tuple[np.ndarray, np.ndarray]:
    r"""Coordinates of the rows of ``x`` on the first ``k`` principal components (the
    centred rows times the top right singular vectors), and the share of the variance each
    component explains, :math:`\sigma_i^2 / \sum_j \sigma_j^2`.  The sign of each component is
    fixed so that its largest-magnitude loading is positive (deterministic output)."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] < 2:
        raise ValueError(f"pca_project needs a matrix of at least 2 rows, got shape {x.shape}")
    check_int("k", k, 1, min(x.shape))
    if not np.isfinite(x).all():
        raise ValueError("pca_project needs finite numbers, got NaN or inf")
    xc = x - x.mean(axis=0)
    _, s, vt = np.linalg.svd(xc, full_matrices=False)
    vt = vt[:k]
    flip = np.sign(vt[np.arange(k), np.abs(vt).argmax(axis=1)])
    vt = vt * flip[:, None]
    var = s ** 2
    share = var[:k] / var.sum() if var.sum() > 0 else np.zeros(k)
    return xc @ vt.T, share


def _mean_pairwise_cosine(d: np.ndarray) -> float:
    d = d / np.maximum(np.linalg.norm(d, axis=1, keepdims=True), 1e-12)
    g = d @ d.T
    n = len(d)
    return float((g.sum() - np.trace(g)) / (n * (n - 1)))


def offset_parallelism(kv, pairs: Sequence[tuple[str, str]], n_draws: int = 200,
                       pool: int | None = None, seed: int = 0) -> dict:
    r"""How parallel the offsets :math:`\hat v_b - \hat v_a` of ``pairs`` are: their mean
    pairwise cosine (``pairs_cos``), and the same for ``n_draws`` sets of as many random
    pairs of distinct words among the first ``pool`` words (default: up to the rarest word of
    ``pairs``): ``random_mean``, ``random_sd`` (over draws), and ``z``, the distance in
    standard deviations."""
    kv = _kv(kv)
    pairs = [tuple(p) for p in pairs]
    if len(pairs) < 2 or any(len(p) != 2 for p in pairs):
        raise ValueError("pairs must be at least 2 (a, b) word pairs, e.g. "
                         "[('man', 'woman'), ('king', 'queen')]")
    check_int("n_draws", n_draws, 2)
    unit = kv.unit_vectors().astype(np.float64)
    ia = np.array([kv.index(a) for a, _ in pairs])
    ib = np.array([kv.index(b) for _, b in pairs])
    ours = _mean_pairwise_cosine(unit[ib] - unit[ia])
    if pool is None:
        pool = int(max(ia.max(), ib.max())) + 1
    pool = min(check_int("pool", pool, 2 * len(pairs)), len(kv))
    rng = np.random.default_rng(seed)
    draws = np.empty(n_draws)
    for t in range(n_draws):
        w = rng.choice(pool, size=2 * len(pairs), replace=False)
        draws[t] = _mean_pairwise_cosine(unit[w[len(pairs):]] - unit[w[:len(pairs)]])
    sd = float(draws.std(ddof=1))
    return {"pairs_cos": ours, "random_mean": float(draws.mean()), "random_sd": sd,
            "z": (ours - float(draws.mean())) / sd if sd > 0 else float("inf")}


def format_table(rows: Sequence[dict], columns: dict[str, str]) -> str:
    """Rows as a plain-text table: ``columns`` maps a key of the rows to a format spec
    (``{"negative": "d", "rho_men": ".3f"}``); a missing key prints ``-``.  Each column is as
    wide as its header or its widest cell, right-aligned."""
    if not columns:
        raise ValueError("columns must name at least one key, e.g. {'negative': 'd'}")
    cells = [[("-" if r.get(k) is None else format(r[k], f)) for k, f in columns.items()]
             for r in rows]
    heads = list(columns)
    width = [max([len(h)] + [len(c[j]) for c in cells]) for j, h in enumerate(heads)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(heads, width))]
    lines += ["  ".join(x.rjust(w) for x, w in zip(c, width)) for c in cells]
    return "\n".join(lines)
