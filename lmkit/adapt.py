r"""Adapting a language model to the text at hand: cache, mixture and maximum-entropy models.

An n-gram model trained on one domain is brittle on another, and it assumes that a word
depends on the last n-1 words only: a topic word seen a paragraph ago is forgotten.  The
models here repair that on top of any ``lmkit`` model that scores a token stream
(``token_logprobs``):

- ``CacheLM`` mixes in the relative frequency of words in the last K tokens,
  :math:`p(w_i \mid h) = (1-\lambda)\, p_{base}(w_i \mid h) + \lambda\, p_{cache}(w_i)`, optionally
  with weights that decay exponentially with distance, and optionally with a *semantic*
  cache that also raises words related to those in the cache;
- ``MixtureLM`` interpolates topic models, :math:`p(w \mid h) = \sum_m \lambda_m p_m(w \mid h)`,
  with weights fitted by EM;
- ``MaxEntLM`` is a log-linear model over n-gram, distance-2 and trigger features.

Every model is a proper distribution over the vocabulary; the text is one stream of
predicted tokens (each sentence's words and its ``</s>``), in order.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import torch
from torch import nn

from .ngram import NgramLM, pad_sentences
from .text import Vocab

__all__ = ["CacheLM", "MaxEntLM", "MixtureLM", "RelatedWords", "SkipBigram", "em_weights", "kmeans",
           "maxent_features", "select_triggers", "split_articles", "stream", "tfidf"]


def stream(vocab: Vocab, sentences: Sequence[Sequence[str]]) -> np.ndarray:
    """The ids of the predicted tokens of ``sentences`` in order: every word and every ``</s>``."""
    tokens, pos = pad_sentences(vocab, sentences)
    return tokens[pos >= 1]


def em_weights(probs: np.ndarray, iterations: int = 100, tol: float = 1e-7,
               init: np.ndarray | None = None) -> tuple[np.ndarray, list[tuple[np.ndarray, float]]]:
    r"""EM for the weights of a mixture whose components are fixed.

    ``probs[m, i]`` is component m's probability of token i.  Each iteration sets
    :math:`\lambda_m \leftarrow \frac{1}{N}\sum_i \frac{\lambda_m p_m(i)}{\sum_{m'} \lambda_{m'} p_{m'}(i)}`;
    the log-likelihood never decreases.  Returns the weights and the trace
    ``[(weights, mean log-likelihood per token), ...]``.
    """
    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 2 or probs.shape[1] == 0:
        raise ValueError("em_weights needs a (components x tokens) array with at least one token; "
                         "is the held-out set empty?")
    m = probs.shape[0]
    lam = np.full(m, 1.0 / m) if init is None else np.asarray(init, float)
    trace = []
    prev = -np.inf
    for _ in range(iterations):
        mix = lam @ probs
        ll = float(np.log(np.maximum(mix, 1e-300)).mean())
        trace.append((lam.copy(), ll))
        if ll - prev < tol:
            break
        prev = ll
        lam = (lam[:, None] * probs / np.maximum(mix, 1e-300)).mean(axis=1)
    return lam, trace


def _check_weights(weights, n: int) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    if w.shape != (n,):
        raise ValueError(f"need {n} weights, one per component, got shape {w.shape}")
    if np.any(w < 0) or abs(w.sum() - 1) > 1e-9:
        raise ValueError(f"weights must be >= 0 and sum to 1, got {np.round(w, 6).tolist()} "
                         f"(sum {w.sum():.6f}); normalise them or call fit_weights")
    return w


# --------------------------------------------------------------------------- the cache


class RelatedWords:
    r"""For every word, its ``top`` most related words by positive pointwise mutual information
    of co-occurrence within ``window`` tokens, :math:`\mathrm{PPMI}(a, b) =
    \max(0, \log \frac{p(a, b)}{p(a) p(b)})`, stored sparsely: ``value(a, b)``."""

    def __init__(self, ids: np.ndarray, size: int, window: int = 5, top: int = 20,
                 min_count: int = 5) -> None:
        ids = np.asarray(ids, dtype=np.int64)
        n = len(ids)
        keys = np.concatenate([ids[:-d] * size + ids[d:] for d in range(1, window + 1)]
                              + [ids[d:] * size + ids[:-d] for d in range(1, window + 1)])
        pair, count = np.unique(keys, return_counts=True)
        uni = np.bincount(ids, minlength=size).astype(float)
        a, b = pair // size, pair % size
        keep = (count >= 2) & (uni[a] >= min_count) & (uni[b] >= min_count)
        a, b, count = a[keep], b[keep], count[keep]
        pmi = np.log(count * n / (2 * window) / (uni[a] * uni[b]))
        pos = pmi > 0
        a, b, pmi = a[pos], b[pos], pmi[pos]
        order = np.lexsort((-pmi, a))  # by a, then by decreasing PMI
        a, b, pmi = a[order], b[order], pmi[order]
        first = np.searchsorted(a, a)
        rank = np.arange(len(a)) - first
        keep = rank < top
        key = a[keep] * size + b[keep]
        srt = np.argsort(key)
        self.keys, self.values, self.size = key[srt], pmi[keep][srt], size
        self.row_sum = np.bincount(a[keep], weights=pmi[keep], minlength=size)

    def value(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        key = np.asarray(a) * self.size + np.asarray(b)
        idx = np.minimum(np.searchsorted(self.keys, key), max(len(self.keys) - 1, 0))
        if len(self.keys) == 0:
            return np.zeros(np.shape(key))
        return np.where(self.keys[idx] == key, self.values[idx], 0.0)

    def neighbours(self, a: int) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = np.searchsorted(self.keys, [a * self.size, (a + 1) * self.size])
        return self.keys[lo:hi] % self.size, self.values[lo:hi]


class CacheLM:
    r"""A base model interpolated with a cache of the last K tokens,

    .. math::  p(w_i \mid h) = (1 - \lambda - \lambda_s)\, p_{base}(w_i \mid h)
               + \lambda\, p_{cache}(w_i) + \lambda_s\, p_{sem}(w_i),

    .. math::  p_{cache}(w) = \frac{\sum_{d=1}^{K} e^{-\beta d}\, [w_{i-d} = w]}{\sum_{d=1}^{K} e^{-\beta d}},

    a relative frequency (β = 0) or a decaying one (β > 0) over the tokens before position i
    (fewer at the start of the text).  With ``related`` (a ``RelatedWords``), the semantic cache
    :math:`p_{sem}(w) \propto \sum_{d} e^{-\beta d}\, \mathrm{PPMI}(w_{i-d}, w)` also raises the words
    related to those in the cache.  ``fit`` chooses λ (and λ_s) by EM on held-out text and β
    by a grid search.
    """

    def __init__(self, base: NgramLM, size: int = 500, decay: float = 0.0, lam: float = 0.1,
                 related: RelatedWords | None = None, lam_sem: float = 0.0) -> None:
        if not isinstance(size, (int, np.integer)) or size < 1:
            raise ValueError(f"the cache size K must be an integer >= 1, got {size!r}")
        if decay < 0:
            raise ValueError(f"decay must be >= 0 (0 = a plain cache), got {decay}")
        if lam < 0 or lam_sem < 0 or lam + lam_sem >= 1:
            raise ValueError(f"the weights λ={lam} and λ_sem={lam_sem} must be >= 0 and sum to < 1")
        self.base, self.vocab = base, base.vocab
        self.size, self.decay, self.lam, self.related, self.lam_sem = int(size), decay, lam, related, lam_sem
        self.trace: list = []

    # -- the cache distribution at every position of a stream
    def _weights(self) -> np.ndarray:
        return np.exp(-self.decay * np.arange(1, self.size + 1))

    def cache_probs(self, ids: np.ndarray) -> np.ndarray:
        """p_cache(w_i) for every position i of the id stream (NaN at i = 0: no cache yet)."""
        ids = np.asarray(ids, dtype=np.int64)
        n = len(ids)
        w = self._weights()
        norm = np.concatenate(([0.0], np.cumsum(w)))[np.minimum(np.arange(n), self.size)]
        # previous occurrences of the same word, lag by lag in occurrence order
        order = np.lexsort((np.arange(n), ids))
        sid, spos = ids[order], order
        acc = np.zeros(n)
        for lag in range(1, n):
            same = sid[lag:] == sid[:-lag]
            dist = spos[lag:] - spos[:-lag]
            ok = same & (dist <= self.size)
            if not ok.any():
                break
            acc[spos[lag:][ok]] += w[dist[ok] - 1]
        return np.where(norm > 0, acc / np.where(norm > 0, norm, 1), np.nan)

    def semantic_probs(self, ids: np.ndarray) -> np.ndarray:
        """p_sem(w_i) for every position (NaN where the cache relates to nothing)."""
        ids = np.asarray(ids, dtype=np.int64)
        num, den = np.zeros(len(ids)), np.zeros(len(ids))
        w = self._weights()
        for d in range(1, min(self.size, len(ids) - 1) + 1):
            num[d:] += w[d - 1] * self.related.value(ids[:-d], ids[d:])
            den[d:] += w[d - 1] * self.related.row_sum[ids[:-d]]
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)

    def components(self, sentences, base: np.ndarray | None = None) -> np.ndarray:
        """Rows: p_base, p_cache (and p_sem) of every predicted token.  Where the cache is
        empty (the first token) or relates to nothing, its row repeats p_base, so that the
        mixture stays a proper distribution there.  ``base`` may pass p_base precomputed."""
        ids = stream(self.vocab, sentences)
        if base is None:
            base = np.exp(self.base.token_logprobs(sentences))
        rows = [base, self.cache_probs(ids)]
        if self.related is not None:
            rows.append(self.semantic_probs(ids))
        comp = np.stack(rows)
        return np.where(np.isnan(comp), base, comp)

    def _lams(self) -> np.ndarray:
        lam = [1 - self.lam - self.lam_sem, self.lam] + ([self.lam_sem] if self.related is not None else [])
        return np.array(lam)

    def token_logprobs(self, sentences) -> np.ndarray:
        with np.errstate(divide="ignore"):
            return np.log(self._lams() @ self.components(sentences))

    def perplexity(self, sentences) -> float:
        lp = self.token_logprobs(sentences)
        if len(lp) == 0:
            raise ValueError("cannot evaluate on an empty test set")
        return float(np.exp(-lp.mean()))

    def fit(self, heldout, decays: Sequence[float] | None = None) -> "CacheLM":
        """λ (and λ_sem) by EM on ``heldout``; β by grid search over ``decays`` if given."""
        if not len(heldout):
            raise ValueError("the held-out set is empty: give the cache some text to fit λ on")
        best = None
        base = np.exp(self.base.token_logprobs(heldout))  # the same for every β
        for beta in (decays if decays is not None else [self.decay]):
            if beta < 0:
                raise ValueError(f"decay must be >= 0, got {beta}")
            self.decay = float(beta)
            lam, trace = em_weights(self.components(heldout, base))
            if best is None or trace[-1][1] > best[0]:
                best = (trace[-1][1], float(beta), lam, trace)
        _, self.decay, lam, self.trace = best
        self.lam = float(lam[1])
        self.lam_sem = float(lam[2]) if self.related is not None else 0.0
        return self

    def logprob(self, word: str, context: Sequence[str] = (), history: Sequence[str] = ()) -> float:
        """ln p(word | context, the cache of ``history``), like ``NgramLM.logprob``."""
        with np.errstate(divide="ignore"):
            return float(np.log(self.distribution(history, context)[self.vocab[word]]))

    def distribution(self, history: Sequence[str], context: Sequence[str] = ()) -> np.ndarray:
        """p(w | history) for every word id; ``history`` is the text so far (the cache is
        its last K tokens), ``context`` the n-gram context of the next word."""
        p = self.base.distribution(context)
        ids = np.array([self.vocab[t] for t in history], dtype=np.int64)[-self.size:]
        if len(ids) == 0:
            return p
        w = self._weights()[: len(ids)][::-1]
        cache = np.bincount(ids, weights=w, minlength=len(p)) / w.sum()
        out = (1 - self.lam - self.lam_sem) * p + self.lam * cache
        if self.related is not None:
            sem = np.zeros(len(p))
            for i, wt in zip(ids, w):
                nb, val = self.related.neighbours(int(i))
                sem[nb] += wt * val
            out = out + (self.lam_sem * sem / sem.sum() if sem.sum() > 0 else self.lam_sem * p)
        return out


class SkipBigram:
    r"""A distance-d bigram, :math:`p(w_i \mid w_{i-d})` (d = 2 is the notes' :math:`g(w_i, w_{i-2})`),
    by absolute discounting interpolated with the unigram:

    .. math::  p(w \mid a) = \frac{\max(c_d(a, w) - D, 0)}{c_d(a)} + \frac{D\, N_{1+}(a\,\bullet)}{c_d(a)}\, p_{uni}(w),

    with :math:`c_d(a, w)` the count of a followed by w at distance d in the id stream and
    :math:`p_{uni}` add-one smoothed.  Works on id streams (``token_probs``)."""

    def __init__(self, ids: np.ndarray, size: int, distance: int = 2) -> None:
        if distance < 1:
            raise ValueError(f"distance must be >= 1, got {distance}")
        ids = np.asarray(ids, dtype=np.int64)
        self.size, self.d = size, distance
        self.uni = (np.bincount(ids, minlength=size) + 1.0) / (len(ids) + size)
        self.keys, cnt = np.unique(ids[:-distance] * size + ids[distance:], return_counts=True)
        n1, n2 = np.sum(cnt == 1), np.sum(cnt == 2)
        self.D = n1 / (n1 + 2 * n2) if n1 else 0.5
        self.cnt = cnt
        a = self.keys // size
        self.total = np.bincount(a, weights=cnt, minlength=size)
        self.types = np.bincount(a, minlength=size)

    def token_probs(self, ids: np.ndarray) -> np.ndarray:
        ids = np.asarray(ids, dtype=np.int64)
        p = self.uni[ids].copy()
        a, w = ids[:-self.d], ids[self.d:]
        key = a * self.size + w
        idx = np.minimum(np.searchsorted(self.keys, key), len(self.keys) - 1)
        c = np.where(self.keys[idx] == key, self.cnt[idx], 0)
        tot = self.total[a]
        gamma = np.where(tot > 0, self.D * self.types[a] / np.maximum(tot, 1), 1.0)
        p[self.d:] = np.maximum(c - self.D, 0) / np.maximum(tot, 1) + gamma * self.uni[w]
        return p


# --------------------------------------------------------------------------- mixtures


class MixtureLM:
    r"""Linear interpolation of language models, :math:`p(w \mid h) = \sum_m \lambda_m p_m(w \mid h)`,
    with weights given (they must sum to 1) or fitted by EM on held-out text (``fit_weights``)."""

    def __init__(self, models: Sequence, weights: Sequence[float] | None = None) -> None:
        if len(models) < 1:
            raise ValueError("a mixture needs at least one model")
        self.models = list(models)
        self.weights = (np.full(len(models), 1 / len(models)) if weights is None
                        else _check_weights(weights, len(models)))
        self.trace: list = []

    def components(self, sentences) -> np.ndarray:
        return np.stack([np.exp(m.token_logprobs(sentences)) for m in self.models])

    def fit_weights(self, heldout, iterations: int = 200, tol: float = 1e-8) -> "MixtureLM":
        """EM on held-out text; the trace of (weights, log-likelihood) is kept in ``trace``."""
        if not len(heldout):
            raise ValueError("the held-out set is empty: EM needs text to fit the weights on")
        self.weights, self.trace = em_weights(self.components(heldout), iterations, tol)
        return self

    def token_logprobs(self, sentences) -> np.ndarray:
        with np.errstate(divide="ignore"):
            return np.log(self.weights @ self.components(sentences))

    def perplexity(self, sentences) -> float:
        return float(np.exp(-self.token_logprobs(sentences).mean()))

    def logprob(self, word: str, context: Sequence[str] = ()) -> float:
        r"""ln of :math:`\sum_m \lambda_m p_m(word \mid context)`, from each model's ``logprob``."""
        lps = np.array([m.logprob(word, context) for m in self.models])
        with np.errstate(divide="ignore"):
            return float(np.log(np.dot(self.weights, np.exp(lps))))

    def distribution(self, context: Sequence[str] = ()) -> np.ndarray:
        """p(w | context) for every word id (the models must share one vocabulary)."""
        return sum(w * m.distribution(context) for w, m in zip(self.weights, self.models))


def split_articles(lines: Sequence[Sequence[str]]) -> list[list[list[str]]]:
    """WikiText lines grouped into articles: a new article starts at each top-level heading
    ``= Title =`` (subheadings ``= = ... = =`` stay inside; lines before the first heading
    belong to the first article)."""
    articles: list[list[list[str]]] = []
    current: list[list[str]] = []
    titled = False
    for line in lines:
        heading = len(line) > 2 and line[0] == "=" and line[-1] == "=" and line[1] != "="
        if heading and titled:
            articles.append(current)
            current = []
        titled = titled or heading
        current.append(list(line))
    if current:
        articles.append(current)
    return articles


def tfidf(docs: Sequence[Sequence[str]], vocab: Vocab) -> np.ndarray:
    r"""L2-normalised tf-idf rows, :math:`\mathrm{tf}(w, d) \log(D / \mathrm{df}(w))`, one per document."""
    D, V = len(docs), len(vocab)
    tf = np.zeros((D, V))
    for i, doc in enumerate(docs):
        ids = np.array([vocab[t] for t in doc], dtype=np.int64)
        tf[i] = np.bincount(ids, minlength=V)
    df = np.count_nonzero(tf, axis=0)
    x = tf * np.log(D / np.maximum(df, 1))
    norm = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norm > 0, norm, 1)


def kmeans(x: np.ndarray, k: int, seed: int = 0, iterations: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """Spherical k-means (cosine) with k-means++ seeding: ``(labels, centroids)``."""
    if not 1 <= k <= len(x):
        raise ValueError(f"k must lie in [1, {len(x)}] (the number of documents), got {k}")
    rng = np.random.default_rng(seed)
    centres = [x[rng.integers(len(x))]]
    for _ in range(1, k):
        d = 1 - np.max(x @ np.array(centres).T, axis=1)
        d = np.maximum(d, 0)
        centres.append(x[rng.choice(len(x), p=d / d.sum())] if d.sum() > 0 else x[rng.integers(len(x))])
    c = np.array(centres)
    labels = np.zeros(len(x), dtype=int)
    for it in range(iterations):
        new = np.argmax(x @ c.T, axis=1)
        if it and np.array_equal(new, labels):
            break
        labels = new
        for j in range(k):
            members = x[labels == j]
            if len(members):
                v = members.sum(axis=0)
                c[j] = v / max(np.linalg.norm(v), 1e-12)
    return labels, c


# --------------------------------------------------------------------------- maximum entropy


def select_triggers(ids: np.ndarray, size: int, window: int = 10, top: int = 2000,
                    min_count: int = 20, skip: int = 100) -> list[tuple[int, int, float]]:
    r"""Trigger pairs A -> B: "A occurred at distance 3 to ``window`` + 2 before B" predicts B
    (distances 1 and 2 are the bigram and distance-2 features' business).

    Scored by the mutual information between the two binary events, over all positions,
    :math:`I(A_{hist}; B) = \sum_{a, b \in \{0,1\}} p(a, b) \log \frac{p(a, b)}{p(a) p(b)}`, keeping
    the ``top`` pairs with A != B and both words outside the ``skip`` most frequent ids.
    """
    ids = np.asarray(ids, dtype=np.int64)
    n = len(ids)
    uni = np.bincount(ids, minlength=size)
    # a position "has A in its history" once per A: count distinct (A, position) pairs by lag
    keys = np.unique(np.concatenate([(np.arange(d, n) * size + ids[:-d]) for d in range(3, window + 3)]))
    pos, a = keys // size, keys % size
    hist_count = np.bincount(a, minlength=size)
    pair, joint = np.unique(a * size + ids[pos], return_counts=True)
    A, B = pair // size, pair % size
    keep = (A != B) & (joint >= min_count) & (A >= skip) & (B >= skip)
    A, B, joint = A[keep], B[keep], joint[keep].astype(float)
    pa, pb, pab = hist_count[A] / n, uni[B] / n, joint / n
    mi = np.zeros(len(A))
    for cell, px, py in ((pab, pa, pb), (pa - pab, pa, 1 - pb), (pb - pab, 1 - pa, pb),
                         (1 - pa - pb + pab, 1 - pa, 1 - pb)):
        good = cell > 0
        mi[good] += cell[good] * np.log(cell[good] / (px[good] * py[good]))
    raise_ = pab > pa * pb  # keep triggers that raise B, not those that lower it
    best = np.argsort(-np.where(raise_, mi, -1))[:top]
    return [(int(A[i]), int(B[i]), float(mi[i])) for i in best if raise_[i]]


def maxent_features(ids: np.ndarray, window: int = 10) -> dict[str, np.ndarray]:
    """Per position of an id stream: the previous word, the one before it (-1 before the
    start), and the ``window`` words before those (distances 3 .. window + 2, -1 padded),
    where triggers act: the inputs of ``MaxEntLM``."""
    ids = np.asarray(ids, dtype=np.int64)
    n = len(ids)
    hist = np.full((n, window + 2), -1, dtype=np.int64)
    for d in range(1, window + 3):
        hist[d:, d - 1] = ids[:-d]
    return {"prev1": hist[:, 0].copy(), "prev2": hist[:, 1].copy(), "window": hist[:, 2:].copy()}


class MaxEntLM(nn.Module):
    r"""A log-linear (maximum-entropy) language model over a vocabulary of ``size`` ids,

    .. math::  p(w \mid h) = \frac{\exp\big(b_w + U_{w_{i-1}, w} + D_{w_{i-2}, w}
               + \sum_{A \in \mathrm{last}\, L} T_{A, w}\big)}{Z(h)},

    with unigram (b), bigram (U), distance-2 bigram (D, the notes' :math:`g(w_i, w_{i-2})`) and
    trigger features (T, non-zero only for the selected pairs A -> B; A counts once however often
    it occurs in the window).  ``forward(x, targets) -> (logits, loss)``, where ``x`` is a dict of
    tensors from ``maxent_features``; the loss is the mean cross-entropy (L2 regularisation is
    the optimiser's weight decay).
    """

    FEATURES = ("unigram", "bigram", "distance2", "triggers")

    def __init__(self, size: int, triggers: Sequence[tuple[int, int, float]] = (),
                 use: Sequence[str] = FEATURES) -> None:
        super().__init__()
        unknown = set(use) - set(self.FEATURES)
        if unknown:
            raise ValueError(f"unknown features {sorted(unknown)}; choose from {self.FEATURES}")
        if size < 2:
            raise ValueError(f"the vocabulary must have at least 2 words, got {size}")
        self.size, self.use = size, tuple(use)
        self.bias = nn.Parameter(torch.zeros(size))
        self.bigram = nn.Parameter(torch.zeros(size, size)) if "bigram" in use else None
        self.dist2 = nn.Parameter(torch.zeros(size, size)) if "distance2" in use else None
        pairs = [(a, b) for a, b, _ in triggers] if "triggers" in use else []
        sources = sorted({a for a, _ in pairs})
        row = torch.zeros(size + 1, dtype=torch.long)  # id + 1 -> 1 + row of T (0: not a source)
        if sources:
            row[torch.tensor(sources) + 1] = torch.arange(1, len(sources) + 1)
        self.register_buffer("source_row", row)
        mask = torch.zeros(len(sources) + 1, size)
        for a, b in pairs:
            mask[row[a + 1], b] = 1.0
        self.register_buffer("trigger_mask", mask)
        self.trig = nn.Parameter(torch.zeros(len(sources) + 1, size))

    def forward(self, x: dict, targets=None):
        prev1, prev2 = x["prev1"], x["prev2"]
        logits = self.bias.expand(len(prev1), -1)
        if self.bigram is not None:
            logits = logits + self.bigram[prev1.clamp(min=0)] * (prev1 >= 0).unsqueeze(1)
        if self.dist2 is not None:
            logits = logits + self.dist2[prev2.clamp(min=0)] * (prev2 >= 0).unsqueeze(1)
        if len(self.trigger_mask) > 1:
            rows = self.source_row[x["window"] + 1]  # -1 (padding) and non-sources -> row 0
            active = torch.zeros(len(prev1), len(self.trigger_mask), device=logits.device)
            active.scatter_(1, rows, 1.0)
            active[:, 0] = 0.0
            logits = logits + active @ (self.trig * self.trigger_mask)
        loss = None if targets is None else nn.functional.cross_entropy(logits, targets)
        return logits, loss

    def fit(self, ids: np.ndarray, window: int = 10, epochs: int = 2, batch: int = 2048,
            lr: float = 0.05, l2: float = 1e-7, device=None, progress: bool = True) -> list[float]:
        """Train on an id stream with Adam and L2 (weight decay); returns the loss per step."""
        from tqdm.auto import tqdm

        device = device or torch.device("cpu")
        self.to(device)
        feats = maxent_features(ids, window)
        data = {k: torch.as_tensor(v) for k, v in feats.items()}
        target = torch.as_tensor(np.asarray(ids, dtype=np.int64))
        opt = torch.optim.Adam(self.parameters(), lr=lr, weight_decay=l2)
        gen = torch.Generator().manual_seed(0)
        losses = []
        steps = epochs * math.ceil(len(target) / batch)
        bar = tqdm(total=steps, desc="maxent", disable=not progress)
        for _ in range(epochs):
            perm = torch.randperm(len(target), generator=gen)
            for s in range(0, len(target), batch):
                idx = perm[s:s + batch]
                xb = {k: v[idx].to(device) for k, v in data.items()}
                _, loss = self(xb, target[idx].to(device))
                opt.zero_grad()
                loss.backward()
                opt.step()
                losses.append(loss.item())
                bar.update()
                bar.set_postfix(loss=f"{losses[-1]:.3f}")
        bar.close()
        return losses

    @torch.no_grad()
    def token_logprobs_ids(self, ids: np.ndarray, window: int = 10, batch: int = 4096) -> np.ndarray:
        """ln p of every token of an id stream."""
        self.eval()
        device = self.bias.device
        feats = {k: torch.as_tensor(v) for k, v in maxent_features(ids, window).items()}
        target = torch.as_tensor(np.asarray(ids, dtype=np.int64))
        out = []
        for s in range(0, len(target), batch):
            xb = {k: v[s:s + batch].to(device) for k, v in feats.items()}
            logits, _ = self(xb)
            out.append(torch.log_softmax(logits, 1).gather(1, target[s:s + batch, None].to(device))[:, 0].cpu())
        self.train()
        return torch.cat(out).numpy().astype(float)
