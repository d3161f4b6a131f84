r"""Good-Turing and the methods built on it: Good-Turing itself, Katz back-off, Church-Gale.

Good-Turing replaces a count r by :math:`r^* = (r+1) n_{r+1} / n_r`, where :math:`n_r` is the
number of distinct n-grams seen exactly r times (the *counts of counts*).
"""

from __future__ import annotations

import math

import numpy as np

from ...checks import check_int, check_real
from .base import Discounting, Smoothing, _fmt, _order_of

__all__ = ["ChurchGale", "GoodTuring", "KATZ_MAX_K", "Katz", "count_of_counts", "simple_good_turing",
           "turing_estimates"]

#: The largest k Katz may discount up to.  Katz used k = 5; far above it the counts of counts
#: n_r are too sparse for Good-Turing's ratios, and the discounts cost memory and time in k.
KATZ_MAX_K = 100


def turing_estimates(r: np.ndarray, n_r: np.ndarray) -> np.ndarray:
    r"""Turing's raw estimate :math:`r^* = (r+1)\, n_{r+1} / n_r` for the observed counts ``r``
    (sorted, distinct) with counts-of-counts ``n_r``: 0 where no n-gram was seen r+1 times,
    which is why ``simple_good_turing`` smooths it."""
    r, n_r = _checked_counts_of_counts(r, n_r)
    return _turing(r, n_r)[0]


def _turing(r: np.ndarray, n_r: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Turing's estimate, :math:`n_{r+1}`, and whether r+1 was observed (checked inputs)."""
    nxt = np.searchsorted(r, r + 1)
    has_next = (nxt < len(r)) & (r[np.minimum(nxt, len(r) - 1)] == r + 1)
    n_next = np.zeros_like(n_r)
    n_next[has_next] = n_r[nxt[has_next]]
    return (r + 1) * n_next / n_r, n_next, has_next


def simple_good_turing(r: np.ndarray, n_r: np.ndarray, confidence: float = 1.96) -> np.ndarray:
    r"""Good-Turing adjusted counts :math:`r^*` for the observed counts ``r`` (sorted,
    distinct) with counts-of-counts ``n_r``: Gale and Sampson's *simple Good-Turing*.

    The Turing estimate :math:`r^* = (r+1) n_{r+1} / n_r` is used for small r, for as
    long as it differs significantly from the smoothed estimate
    :math:`(r+1) S(r+1)/S(r)`, where :math:`S(r) = e^{a + b \ln r}` is a line fitted to
    :math:`\ln Z_r` with :math:`Z_r = n_r / (0.5 (t - q))` (q, t: the neighbouring observed
    counts).  After the first r where they agree, the smoothed estimate is used: it never
    gives 0 where :math:`n_{r+1} = 0`, which the raw Turing estimate does.
    """
    confidence = check_real("confidence", confidence, 0.0, low_open=True)
    r, n_r = _checked_counts_of_counts(r, n_r)
    if len(r) == 0:
        return r
    q = np.concatenate(([0.0], r[:-1]))
    t = np.concatenate((r[1:], [2 * r[-1] - q[-1]]))
    z = n_r / (0.5 * (t - q))
    if len(r) > 1:
        b, a = np.polyfit(np.log(r), np.log(z), 1)
    else:
        b, a = -2.0, math.log(max(z[0], 1e-12))
    b = min(b, -1.0 - 1e-6)  # the smoothed r* must stay below r (Gale and Sampson need b < -1)
    smoothed = (r + 1) * np.exp(b * (np.log(r + 1) - np.log(r)))
    turing, n_next, has_next = _turing(r, n_r)
    spread = confidence * np.sqrt((r + 1) ** 2 * n_next / n_r ** 2 * (1 + n_next / n_r))
    use_turing = has_next & (np.abs(turing - smoothed) > spread)
    use_turing = np.cumprod(use_turing).astype(bool)  # once smoothed, always smoothed
    return np.where(use_turing, turing, smoothed)


def _checked_counts_of_counts(r, n_r) -> tuple[np.ndarray, np.ndarray]:
    """``r`` and ``n_r`` as float arrays, checked to be what ``count_of_counts`` returns."""
    r, n_r = np.asarray(r, dtype=float), np.asarray(n_r, dtype=float)
    if r.ndim != 1 or r.shape != n_r.shape:
        raise ValueError(f"r and n_r must be 1-D arrays of one length, got shapes {r.shape} and "
                         f"{n_r.shape}: pass what count_of_counts returns")
    if not (np.all(np.isfinite(r)) and np.all(np.isfinite(n_r)) and np.all(r >= 1) and np.all(n_r >= 1)
            and np.all(np.diff(r) > 0)):
        raise ValueError("r must be the distinct observed counts (>= 1, increasing) and n_r how many "
                         "n-grams have each (>= 1): pass what count_of_counts returns")
    return r, n_r


def count_of_counts(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct non-zero counts r and how many n-grams have each, n_r."""
    counts = np.asarray(counts)
    whole = np.issubdtype(counts.dtype, np.integer) or (
        np.issubdtype(counts.dtype, np.floating) and bool(np.all(counts == np.round(counts))))
    if counts.ndim != 1 or not whole:
        raise ValueError(f"counts must be a 1-D array of whole counts, got {counts.dtype} of shape "
                         f"{counts.shape}, e.g. NgramLM.counts_of_order(k)")
    if np.any(counts < 0):
        raise ValueError(f"counts must be >= 0, got {counts.min()}")
    r, n_r = np.unique(counts[counts > 0], return_counts=True)
    return r, n_r


def _adjusted(cnt: np.ndarray) -> np.ndarray:
    """Simple Good-Turing r* (at most r) for every count of ``cnt`` (0 stays 0)."""
    r, n_r = count_of_counts(cnt)
    r_star = np.minimum(simple_good_turing(r, n_r), r)
    adjusted = np.zeros(len(cnt))
    seen = cnt > 0
    adjusted[seen] = r_star[np.searchsorted(r, cnt[seen])]
    return adjusted


class GoodTuring(Smoothing):
    r"""Good-Turing: every count r >= 1 of an order is replaced by simple Good-Turing's
    adjusted count :math:`r^*` (``simple_good_turing`` over that order's counts of counts),
    capped at r.

    Simple Good-Turing is not a patch for the gaps only: it takes Turing's raw estimate
    :math:`(r+1) n_{r+1} / n_r` for the small r, as long as that differs significantly from
    the smoothed estimate of a line fitted to the counts of counts on a log-log scale, and
    the smoothed estimate for every r from the first one where the two agree on (so also
    where :math:`n_{r+1} = 0`, where the raw estimate would give 0).

    .. math::  \alpha(hw) = p_{GT}(w \mid h) = \frac{r^*(c(hw))}{c(h)} \ \text{(seen)}, \qquad
               \gamma(h) = 1 - \sum_{w\ seen} \frac{r^*(c(hw))}{c(h)}
               \text{ shared equally by the unseen words.}

    Sharing equally is backing off to the uniform distribution (``recursive = False``).
    """

    name, form, recursive = "good-turing", "backoff", False

    def alpha_gamma(self, k: int, cnt: np.ndarray, stats: dict[str, np.ndarray]
                    ) -> tuple[np.ndarray, np.ndarray]:
        alpha = _adjusted(cnt) / np.maximum(stats["total"], 1)[self.c.history(k)]
        return alpha, 1.0 - self.per_history(k, alpha)


class Katz(Discounting):
    r"""Katz back-off: Good-Turing discounts for counts r <= k (default 5), none above,

    .. math::

        d_r = \frac{r^*/r - (k+1) n_{k+1}/n_1}{1 - (k+1) n_{k+1}/n_1} \ (r \le k), \quad
        d_r = 1 \ (r > k), \qquad
        p_{Katz}(w \mid h) = \begin{cases} d_r\, r / c(h) & r = c(hw) > 0 \\
        \beta(h)\, p_{Katz}(w \mid h') & r = 0 \end{cases}

    where the back-off weight

    .. math::

        \beta(h) = \frac{1 - \sum_{w:\, c(hw) > 0} p_{Katz}(w \mid h)}
                        {1 - \sum_{w:\, c(hw) > 0} p_{Katz}(w \mid h')}

    gives the unseen words exactly the mass the discounts freed (Katz writes it
    :math:`\alpha(h)`; the book writes :math:`\beta(h)`, as :math:`\alpha_k(hw)` is the
    discounted term).  The discount ratio :math:`d_r` depends on the count only, the back-off
    weight on the history only.  ``discounts[order]`` holds :math:`d_1 \dots d_k`.  Where the Good-Turing ratios are
    unusable (a tiny corpus, or a closed vocabulary's unigrams: some :math:`d_r` outside
    (0, 1]), fitting raises unless ``discount_fallback=True``; then the simple Good-Turing
    ratio :math:`r^*/r` is used, and failing that absolute discounting with
    :math:`D = n_1/(n_1 + 2 n_2)`.
    """

    name, form = "katz", "backoff"

    def __init__(self, counts, vocab, heldout=None, k: int = 5, discount_fallback: bool = False) -> None:
        self.k = Katz.check_options(_order_of(counts), k=k)["k"]
        super().__init__(counts, vocab, heldout, discount_fallback)

    @classmethod
    def check_options(cls, order: int, k: int = 5) -> dict:
        """``k``, the largest count discounted: an integer in [1, ``KATZ_MAX_K``]."""
        try:
            return {"k": check_int("Katz's k (the largest discounted count)", k, 1, KATZ_MAX_K)}
        except ValueError as err:
            raise ValueError(f"{err}. Katz used k = 5; far above it the counts of counts n_r are "
                             f"too sparse for Good-Turing, and the discounts cost memory in k") from None

    def estimate_discounts(self, order: int, cnt: np.ndarray) -> np.ndarray:
        """:math:`d_1 \\dots d_k` of one order from its counts ``cnt``."""
        K = self.k
        if not np.any(cnt > 0):  # no n-grams of this order (sentences shorter than n): unused
            return np.ones(K)
        n = np.bincount(cnt[cnt > 0], minlength=K + 2)[: K + 2].astype(float)
        r = np.arange(1, K + 1, dtype=float)
        shown = f"the counts of counts n_1..n_{K + 1} = {_fmt(n[1:])}"
        if not np.all(n[1:K + 1] > 0):
            problem = f"{shown} include a zero, so some d_r is undefined"
        else:
            common = (K + 1) * n[K + 1] / n[1]
            turing = (r + 1) * n[2:K + 2] / n[1:K + 1]
            if common >= 1:
                problem = f"{shown} give (k+1) n_{K + 1} / n_1 = {common:.4g}, which must be < 1"
            else:
                dr = (turing / r - common) / (1 - common)
                if np.all((dr > 0) & (dr <= 1)):
                    return dr
                problem = f"{shown} give d_1..d_{K} = {_fmt(np.round(dr, 4))}, which must lie in (0, 1]"
        return self._out_of_range(order, problem, self._fallback(cnt, n, r),
                                  "simple Good-Turing ratios r*/r (absolute discounting if those fail)",
                                  "choose a smaller k (the largest count Katz discounts)")

    @staticmethod
    def _fallback(cnt: np.ndarray, n: np.ndarray, r: np.ndarray) -> np.ndarray:
        rr, n_r = count_of_counts(cnt)
        sgt = np.minimum(simple_good_turing(rr, n_r), rr) / rr
        idx = np.searchsorted(rr, r)
        ok = (idx < len(rr)) & (rr[np.minimum(idx, len(rr) - 1)] == r)
        if np.all(sgt[idx[ok]] > 0):
            return np.where(ok, sgt[np.minimum(idx, len(rr) - 1)], 1.0)
        D = n[1] / (n[1] + 2 * n[2]) if n[1] > 0 else 0.5
        return 1 - D / r

    def alpha_gamma(self, k: int, cnt: np.ndarray, stats: dict[str, np.ndarray]
                    ) -> tuple[np.ndarray, np.ndarray]:
        d = np.concatenate(([1.0], self.estimate_discounts(k, cnt)))
        self.discounts[k] = d[1:]
        factor = np.where(cnt <= self.k, d[np.minimum(cnt, self.k)], 1.0)
        alpha = factor * cnt / np.maximum(stats["total"], 1)[self.c.history(k)]
        return alpha, 1.0 - self.per_history(k, alpha)


class ChurchGale(GoodTuring):
    r"""Church-Gale (bigrams): Good-Turing applied separately within buckets of bigrams
    whose unigram counts have a similar product :math:`c(w_{i-1})\, c(w_i)`, so that an unseen
    bigram of two frequent words gets more than one of two rare words.

    .. math::  p_{CG}(w_i \mid w_{i-1}) = \frac{r^*_{b}(c(w_{i-1} w_i))}{\sum_{w} r^*_{b}(c(w_{i-1} w))},
               \qquad b = \text{bucket of } c(w_{i-1})\, c(w_i),

    with :math:`r^*_b(0) = n_{1,b} / n_{0,b}` (:math:`0.5/n_{0,b}` where :math:`n_{1,b} = 0`)
    and simple Good-Turing for r >= 1.  Buckets are quantiles of the product over the seen
    bigrams, so each holds enough of them.  The unigram level (a history never seen, or an
    empty context) is Good-Turing.  ``parameters``: ``r0`` (:math:`r^*_b(0)` per bucket) and
    ``edges`` (the buckets' bounds on :math:`\ln c(w_{i-1}) c(w_i)`).

    The one method that is not in the back-off frame: an unseen bigram's probability depends
    on its bucket, not on a lower-order distribution, so ``unseen_prob`` is overridden.
    """

    name = "church-gale"
    fitted = ("r0", "edges")
    extra_count = False  # the unseen mass is computed from r0, not left over by discounts

    def __init__(self, counts, vocab, heldout=None, buckets: int = 20) -> None:
        self.n_buckets = ChurchGale.check_options(_order_of(counts), buckets=buckets)["buckets"]
        super().__init__(counts, vocab, heldout)

    @classmethod
    def check_options(cls, order: int, buckets: int = 20) -> dict:
        """A bigram model only; ``buckets`` >= 1 (at most one per 50 seen bigrams is used)."""
        if order != 2:
            raise ValueError(f"Church-Gale is defined for bigrams (order=2), not order={order}")
        return {"buckets": check_int("buckets", buckets, 1)}

    def _bucket(self, total_h: np.ndarray, words: np.ndarray) -> np.ndarray:
        logprod = np.log(np.maximum(total_h, 1) * np.maximum(self.uni[words], 0.5))
        return np.searchsorted(self.edges, logprod, side="right")

    def alpha_gamma(self, k: int, cnt: np.ndarray, stats: dict[str, np.ndarray]
                    ) -> tuple[np.ndarray, np.ndarray]:
        if k == 1:
            return super().alpha_gamma(k, cnt, stats)
        V, total = self.c.V, stats["total"]
        self.uni = uni = self.c.counts[1].astype(float)
        hist, word = self.c.history(2), self.c.word(2)
        logprod = np.log(total[hist] * np.maximum(uni[word], 0.5))
        nb = max(1, min(self.n_buckets, len(cnt) // 50))
        self.edges = np.quantile(logprod, np.linspace(0, 1, nb + 1)[1:-1]) if nb > 1 else np.zeros(0)
        b_seen = np.searchsorted(self.edges, logprod, side="right")
        # how many outcome words fall in each bucket, for each distinct history count: bucketed
        # exactly as scoring does it (``_bucket``), by distinct unigram count
        outcomes = np.ones(V, bool)
        outcomes[self.bos] = False
        u_values, u_number = np.unique(np.maximum(uni[outcomes], 0.5), return_counts=True)
        t_values, t_index = np.unique(total, return_inverse=True)
        words_in = np.zeros((len(t_values), nb))  # (distinct totals) x buckets
        step = max(1, 2_000_000 // len(u_values))
        for i in range(0, len(t_values), step):
            t = np.maximum(t_values[i:i + step], 1)
            b = np.searchsorted(self.edges, np.log(t[:, None] * u_values[None, :]), side="right")
            rows = np.repeat(np.arange(i, i + len(t)), len(u_values))
            np.add.at(words_in, (rows, b.ravel()), np.tile(u_number, len(t)))
        seen_in = np.zeros((len(total), nb))
        np.add.at(seen_in, (hist, b_seen), 1.0)
        unseen_in = np.where((total > 0)[:, None], words_in[t_index] - seen_in, 0.0)
        n0 = unseen_in.sum(axis=0)
        r_star = np.zeros(len(cnt))
        self.r0 = np.zeros(nb)
        for b in range(nb):
            m = b_seen == b
            n1 = 0
            if m.any():
                r_star[m] = _adjusted(cnt[m])
                n1 = np.count_nonzero(cnt[m] == 1)
            self.r0[b] = n1 / n0[b] if n0[b] > 0 and n1 > 0 else (0.5 / n0[b] if n0[b] > 0 else 0.0)
        self.z = np.maximum(np.bincount(hist, weights=r_star, minlength=len(total)) + unseen_in @ self.r0,
                            1e-300)
        self.total = total
        return r_star / self.z[hist], unseen_in @ self.r0 / self.z

    def unseen_prob(self, k: int, hist: np.ndarray, words: np.ndarray, p_lower: np.ndarray) -> np.ndarray:
        """An unseen bigram after a seen history: :math:`r^*_b(0) / z(h)` for its bucket b;
        after a history never seen: the Good-Turing unigram."""
        if k == 1:
            return super().unseen_prob(k, hist, words, p_lower)
        ok = hist >= 0
        ok[ok] = self.total[hist[ok]] > 0
        h = np.maximum(hist, 0)
        p = self.r0[self._bucket(self.total[h], words)] / self.z[h]
        return np.where(ok & (words != self.bos), p, np.where(ok, 0.0, p_lower))
