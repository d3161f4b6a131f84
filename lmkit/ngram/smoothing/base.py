r"""The frame every smoothing method shares, and maximum likelihood (no smoothing).

For each order k a smoothed model stores a probability :math:`P_k(hw)` for every k-gram seen
in training and a back-off weight :math:`\beta_k(h)` for every (k-1)-gram history, and

.. math::

    p_k(w \mid h) = \begin{cases} P_k(h w) & \text{if } h w \text{ was seen,} \\
                                  \beta_k(h)\, p_{k-1}(w \mid h') & \text{otherwise,}\end{cases}
    \qquad p_0(w) = 1/|V|,

where :math:`h'` drops the first word of :math:`h` and :math:`\beta_k(h) = 1` for a history
never seen.  This is the ARPA back-off format.  A method states only what is its own, order
by order, in one hook (as NLTK's ``alpha_gamma``, but over all k-gram nodes at once):

``alpha_gamma(k, cnt, stats) -> (alpha, gamma)``
    ``alpha`` over the k-gram nodes (for k = 1, over every word id) and ``gamma`` over the
    (k-1)-gram histories.  An **interpolated** method (``form = "interpolated"``) means
    :math:`p_k(w \mid h) = \alpha_k(hw) + \gamma_k(h)\, p_{k-1}(w \mid h')`, so that
    :math:`P_k = \alpha_k + \gamma_k p_{k-1}` and :math:`\beta_k = \gamma_k`.  A **back-off**
    method (``form = "backoff"``) means :math:`P_k = \alpha_k` for the seen n-grams, and
    :math:`\gamma_k(h)` is the mass left for the unseen words, shared in proportion to the
    lower order: :math:`\beta_k(h) = \gamma_k(h) / (1 - \sum_{w\ seen} p_{k-1}(w \mid h'))`.

``recursive = False`` makes the lower order the uniform distribution instead of
:math:`p_{k-1}`.  The base class does the rest: the normalisation, ``<s>`` (never predicted:
:math:`P_1(\langle s\rangle) = 0`), the held-out data of the methods that tune on it, and
scoring.
"""

from __future__ import annotations

import numpy as np

from ...checks import check_real
from ...text import Vocab, pad_sentences
from ..counts import NgramCounts, _take

__all__ = ["MLE", "Smoothing"]


class MLE:
    r"""Maximum likelihood: relative frequency, no smoothing.

    .. math::  p_{ML}(w_i \mid w_{i-n+1}^{i-1}) = \frac{c(w_{i-n+1}^{i})}{\sum_{w} c(w_{i-n+1}^{i-1} w)}

    Unseen n-grams get probability 0; an unseen history gets 0 for every word (the MLE is
    undefined there, so this is not a distribution): chapter 2 fixes both.
    """

    name = "mle"
    recursive = False
    fits_discounts = False

    def __init__(self, counts: NgramCounts, vocab: Vocab | None = None, heldout=None) -> None:
        self.c = counts

    @classmethod
    def check_options(cls, order: int) -> dict:
        """No options to check."""
        return {}

    @property
    def parameters(self) -> dict:
        """Nothing is fitted but the counts."""
        return {}

    def logprob(self, ctx: list[np.ndarray], words: np.ndarray, kmax: np.ndarray) -> np.ndarray:
        """ln p(word | history) per query; ``ctx[k]`` holds the (k-1)-history nodes,
        ``kmax`` the highest order whose history is available for that query."""
        out = np.empty(len(words))
        for k in np.unique(kmax):
            sel = np.flatnonzero(kmax == k)
            hist = ctx[k][sel]
            num = self.c.count(k, self.c.child(k, hist, words[sel]))
            den = _take(self.c.context_total[k - 1], hist, 0)
            with np.errstate(divide="ignore", invalid="ignore"):
                out[sel] = np.where(den > 0, np.log(num) - np.log(np.maximum(den, 1)), -np.inf)
        return out


class Smoothing:
    """Base of every smoothing method: see the module's docstring for the frame.

    After fitting, ``P[k]`` (over the k-gram nodes; for k = 1, over all word ids) and
    ``bow[k]`` (over the (k-1)-gram nodes) hold the model in back-off form, and
    ``parameters`` the fitted parameters, by name.
    """

    name = "?"
    form = "interpolated"      # or "backoff"
    recursive = True           # lower order p_{k-1}; False: the uniform distribution
    needs_heldout = False
    fits_discounts = False     # estimates discounts from counts of counts (see discount_fallback)
    extra_count = True         # back-off: SRILM's extra count where nothing is left for the unseen
    fitted: tuple[str, ...] = ()  # the attributes ``parameters`` reports

    def __init__(self, counts: NgramCounts, vocab: Vocab, heldout=None) -> None:
        if not isinstance(counts, NgramCounts) or not isinstance(vocab, Vocab):
            raise TypeError(f"{type(self).__name__} takes an NgramCounts and the Vocab it counted; "
                            f"use NgramLM(order, {self.name!r}).fit(sentences)")
        if len(vocab) != counts.V or vocab.bos_id < 0:
            raise ValueError(f"the vocabulary ({len(vocab)} tokens) is not the one counted "
                             f"({counts.V} ids, <s> among them): pass the Vocab the counts were made with")
        self.c, self.vocab, self.order = counts, vocab, counts.order
        self.size = len(vocab) - 1  # outcomes: every id but <s>
        self.uniform = 1.0 / self.size
        self.bos = vocab.bos_id
        if self.needs_heldout and heldout is None:
            raise ValueError(f"{self.name} fits its parameters on held-out data: "
                             f"call fit(train, heldout=sentences)")
        self.heldout = None if heldout is None else self._prepare_heldout(heldout)
        self._heldout_cache: tuple | None = None
        self.P: dict[int, np.ndarray] = {}
        self.bow: dict[int, np.ndarray] = {}
        self._fit()

    @classmethod
    def check_options(cls, order: int, **options) -> dict:
        """The method's options (its keyword arguments after ``heldout``) checked for an
        ``order``-gram model, numpy scalars made Python numbers; a bad one raises an error that
        names it.  ``NgramLM`` calls it when it is built, before any counting."""
        return dict(options)

    @property
    def parameters(self) -> dict:
        """The fitted parameters by name (discounts, lambdas, ...): ``{}`` if none."""
        return {name: getattr(self, name) for name in self.fitted}

    # -- the hook
    def alpha_gamma(self, k: int, cnt: np.ndarray, stats: dict[str, np.ndarray]
                    ) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - abstract
        """``(alpha, gamma)`` of order k (see the module's docstring).  ``cnt`` holds the
        counts this method uses for the k-grams (``counts_at(k)``), ``stats`` the per-history
        sums of ``history_stats``."""
        raise NotImplementedError

    def counts_at(self, k: int) -> np.ndarray:
        """The counts order k uses, per k-gram node (Kneser-Ney replaces the lower orders')."""
        return self.c.counts[k]

    def history_stats(self, k: int, cnt: np.ndarray) -> dict[str, np.ndarray]:
        r"""Per (k-1)-gram history h: ``total`` :math:`\sum_w c(hw)`, ``types``
        :math:`N_{1+}(h\,\bullet)`, ``n1``, ``n2``, ``n3+`` (words seen once, twice, 3+ times)."""
        hist = self.c.history(k)
        m = self.c.num_nodes(k - 1)
        return {"total": np.bincount(hist, weights=cnt, minlength=m),
                "types": np.bincount(hist, weights=cnt > 0, minlength=m),
                "n1": np.bincount(hist, weights=cnt == 1, minlength=m),
                "n2": np.bincount(hist, weights=cnt == 2, minlength=m),
                "n3+": np.bincount(hist, weights=cnt >= 3, minlength=m)}

    def per_history(self, k: int, values: np.ndarray) -> np.ndarray:
        """The sum of ``values`` (one per k-gram node) over each (k-1)-gram history."""
        return np.bincount(self.c.history(k), weights=values, minlength=self.c.num_nodes(k - 1))

    # -- fitting: order by order, from the unigrams up
    def _fit(self) -> None:
        self._heldout_cache = None
        for k in range(1, self.order + 1):
            cnt = self.counts_at(k)
            alpha, gamma = self.alpha_gamma(k, cnt, self.history_stats(k, cnt))
            self._install(k, alpha, gamma, cnt)

    def lower(self, k: int) -> np.ndarray:
        """p_{k-1}(w | h') for every k-gram node (h w): the uniform distribution for k = 1 or
        a non-recursive method."""
        if k == 1 or not self.recursive:
            return np.full(self.c.num_nodes(k), self.uniform)
        return self.P[k - 1][self.c.suffix(k)]

    def _install(self, k: int, alpha: np.ndarray, gamma: np.ndarray, cnt: np.ndarray) -> None:
        """Set ``P[k]`` and ``bow[k]`` from the method's ``(alpha, gamma)``."""
        total = self.per_history(k, cnt)
        if self.form == "interpolated":
            gamma = np.where(total > 0, gamma, 1.0)
            self.P[k] = alpha + gamma[self.c.history(k)] * self.lower(k)
            self.bow[k] = gamma
        elif self.form == "backoff":
            self._install_backoff(k, cnt, total, alpha, gamma)
        else:  # pragma: no cover - a subclass's mistake
            raise ValueError(f"{type(self).__name__}.form must be 'interpolated' or 'backoff'")
        if k == 1:
            self.P[1][self.bos] = 0.0

    def _install_backoff(self, k, cnt, total, alpha, gamma) -> None:
        r"""P_k = alpha for the seen n-grams and :math:`\beta(h) = \gamma(h) / (1 - \sum_{seen}
        p_{k-1})`.  Where the discounts left no mass for the unseen words (every count of h
        above Katz's k), one extra count is added to c(h), as SRILM does; where the lower order
        has no mass left for them (every outcome seen after h), the seen words are
        renormalised instead."""
        hist, m = self.c.history(k), self.c.num_nodes(k - 1)
        seen = cnt > 0
        if k == 1:
            seen = seen & (np.arange(self.c.V) != self.bos)
        low = self.lower(k)
        alpha = np.where(seen, alpha, 0.0)
        if k == 1 or not self.recursive:  # uniform lower order: exact, no rounding
            low_left = (self.size - np.bincount(hist, weights=seen, minlength=m)) / self.size
        else:
            low_left = 1.0 - np.bincount(hist, weights=np.where(seen, low, 0.0), minlength=m)
        no_mass = (gamma <= 1e-12) & (low_left > 1e-12)
        if self.extra_count and no_mass.any():
            alpha = alpha * np.where(no_mass, total / (total + 1), 1.0)[hist]
            gamma = np.where(no_mass, 1.0 - np.bincount(hist, weights=alpha, minlength=m), gamma)
        stuck = low_left <= 1e-12
        scale = np.where(stuck, 1.0 / np.maximum(1.0 - gamma, 1e-300), 1.0)
        bow = np.where(stuck, 0.0, np.maximum(gamma, 0.0) / np.where(stuck, 1.0, low_left))
        any_seen = np.bincount(hist, weights=seen, minlength=m) > 0
        bow = np.where(any_seen, bow, 1.0)
        scale = np.where(any_seen, scale, 1.0)
        self.P[k] = np.where(seen, alpha * scale[hist], bow[hist] * low)
        self.bow[k] = bow

    # -- scoring
    def unseen_prob(self, k: int, hist: np.ndarray, words: np.ndarray, p_lower: np.ndarray) -> np.ndarray:
        """p_k(w | h) of k-grams never seen: :math:`\\beta_k(h)\\, p_{k-1}(w \\mid h')` (the
        uniform distribution instead of p_{k-1} for a non-recursive method)."""
        return _take(self.bow[k], hist, 1.0) * (p_lower if self.recursive else self.uniform)

    def _score_order(self, k: int, hist: np.ndarray, words: np.ndarray, p_lower: np.ndarray) -> np.ndarray:
        node = self.c.child(k, hist, words)
        return np.where(node >= 0, _take(self.P[k], node, 0.0), self.unseen_prob(k, hist, words, p_lower))

    def prob(self, ctx: list[np.ndarray], words: np.ndarray, kmax: np.ndarray) -> np.ndarray:
        """p(word | history) per query; ``ctx[k]`` holds the (k-1)-history nodes, ``kmax``
        the highest order whose history is available for that query."""
        p = np.full(len(words), self.uniform)
        for k in range(1, int(kmax.max(initial=0)) + 1):
            act = kmax >= k
            hist = np.where(act, ctx[k], -1)
            p = np.where(act, self._score_order(k, hist, words, p), p)
        return p

    def logprob(self, ctx: list[np.ndarray], words: np.ndarray, kmax: np.ndarray) -> np.ndarray:
        """ln p(word | history) per query; see ``prob``."""
        with np.errstate(divide="ignore"):
            return np.log(self.prob(ctx, words, kmax))

    # -- held-out data, for the methods that fit parameters on it
    def _prepare_heldout(self, sentences):
        tokens, pos = pad_sentences(self.vocab, sentences)
        sel = np.flatnonzero(pos >= 1)
        if len(sel) == 0:
            raise ValueError("the held-out set is empty: give it at least one sentence")
        ctx = [c[sel] for c in self.c.contexts(tokens, pos)]
        return ctx, tokens[sel], np.minimum(pos[sel] + 1, self.order)

    def heldout_lower(self, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The held-out tokens that use order k: their history nodes, words and p_{k-1}
        (orders below k must be fitted already)."""
        if self._heldout_cache is None or self._heldout_cache[0] != k:
            ctx, words, kmax = self.heldout
            p = self.prob(ctx, words, np.minimum(kmax, k - 1)) if k > 1 else np.full(len(words), self.uniform)
            act = kmax >= k
            self._heldout_cache = (k, ctx[k][act], words[act], p[act])
        return self._heldout_cache[1:]

    def heldout_score(self, k: int, alpha: np.ndarray, gamma: np.ndarray) -> float:
        """Held-out log-likelihood of the tokens that use order k, with order k set to
        ``(alpha, gamma)``: what a method that tunes order k's parameters maximises."""
        self._install(k, alpha, gamma, self.counts_at(k))
        hist, words, p_low = self.heldout_lower(k)
        return float(np.log(self._score_order(k, hist, words, p_low)).sum())

    def heldout_loglik(self) -> float:
        """Held-out log-likelihood of the whole model as it stands."""
        ctx, words, kmax = self.heldout
        return float(np.log(self.prob(ctx, words, kmax)).sum())


def _order_of(counts) -> int:
    """The order of ``counts``, checked to be an ``NgramCounts`` (for the methods that check
    their options before ``Smoothing.__init__`` runs)."""
    if not isinstance(counts, NgramCounts):
        raise TypeError(f"a smoothing method takes an NgramCounts and the Vocab it counted, got "
                        f"{type(counts).__name__}; use NgramLM(order, smoothing).fit(sentences)")
    return counts.order


class Discounting(Smoothing):
    """A method whose discounts are estimated from counts of counts, per order, into
    ``discounts[k]``.  Where the estimate falls out of range (a tiny corpus, or a closed
    vocabulary with few rare words), it raises unless ``discount_fallback=True`` (as KenLM's
    ``--discount_fallback``), which uses the method's fallback and records the order in
    ``fallback_orders``."""

    fits_discounts = True
    fitted = ("discounts", "fallback_orders")

    def __init__(self, counts, vocab, heldout=None, discount_fallback: bool = False) -> None:
        if not isinstance(discount_fallback, (bool, np.bool_)):
            raise ValueError(f"discount_fallback must be True or False, got {discount_fallback!r}")
        self.discount_fallback = bool(discount_fallback)
        self.discounts: dict = {}
        self.fallback_orders: list[int] = []
        super().__init__(counts, vocab, heldout)

    def _out_of_range(self, k: int, problem: str, fallback, fallback_text: str, fix: str):
        """``fallback`` (and note order k) if the caller allowed it, else a clear error."""
        if self.discount_fallback:
            if k not in self.fallback_orders:
                self.fallback_orders.append(k)
            return fallback
        raise ValueError(f"{self.name}: the order-{k} discounts are out of range: {problem}. The "
                         f"training corpus is too small (or its vocabulary too closed) to estimate "
                         f"them. Pass discount_fallback=True to use {fallback_text} instead (as "
                         f"KenLM's --discount_fallback), or {fix}")


def _check_discount(d, upper: float = 1.0, name: str = "discount") -> float:
    """A discount in (0, upper]: a count r loses at most r."""
    return check_real(name, d, 0.0, upper, low_open=True)


def _fmt(values) -> str:
    return ", ".join(f"{v:g}" for v in values)

