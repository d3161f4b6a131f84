r"""Methods that take a fixed amount from every seen count: absolute discounting, Kneser-Ney,
modified Kneser-Ney; and Witten-Bell (both forms), whose lower-order weight counts new words.

Every discounting method estimates its discounts per order from counts of counts
:math:`n_r` into ``discounts[k]``; out-of-range estimates raise unless
``discount_fallback=True`` (see ``Discounting``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ...checks import check_int
from .base import Discounting, Smoothing, _check_discount, _fmt, _order_of

__all__ = ["AbsoluteDiscounting", "KneserNey", "KneserNeyCounts", "ModifiedKneserNey",
           "WittenBell", "WittenBellBackoff"]


class WittenBell(Smoothing):
    r"""Witten-Bell, interpolated: the weight of the lower order is the chance that the
    next word after h is a new one.

    .. math::  p_{WB}(w \mid h) = \frac{c(h w) + N_{1+}(h \bullet)\, p_{WB}(w \mid h')}{c(h) + N_{1+}(h \bullet)}
    """

    name = "witten-bell"

    def alpha_gamma(self, k: int, cnt: np.ndarray, stats: dict[str, np.ndarray]
                    ) -> tuple[np.ndarray, np.ndarray]:
        safe = np.maximum(stats["total"] + stats["types"], 1)
        return cnt / safe[self.c.history(k)], stats["types"] / safe


class WittenBellBackoff(Smoothing):
    r"""Witten-Bell in back-off form: seen words keep :math:`c(hw) / (c(h) + N_{1+}(h\bullet))`;
    the unseen share :math:`N_{1+}(h\bullet)/(c(h) + N_{1+}(h\bullet))` goes to the lower
    order, renormalised over the unseen words only."""

    name, form = "witten-bell-backoff", "backoff"

    def alpha_gamma(self, k: int, cnt: np.ndarray, stats: dict[str, np.ndarray]
                    ) -> tuple[np.ndarray, np.ndarray]:
        den = np.maximum(stats["total"] + stats["types"], 1)
        return cnt / den[self.c.history(k)], stats["types"] / den


class AbsoluteDiscounting(Discounting):
    r"""Absolute discounting, interpolated: subtract a fixed D from every seen count.

    .. math::  p_{abs}(w \mid h) = \frac{\max(c(hw) - D, 0)}{c(h)}
               + \frac{D\, N_{1+}(h \bullet)}{c(h)}\, p_{abs}(w \mid h'),
               \qquad D = \frac{n_1}{n_1 + 2 n_2} \text{ per order (Ney et al.)}

    ``discount=D`` fixes it for every order; ``discounts[k]`` holds the one used.  Where
    :math:`n_1 = 0` or :math:`n_2 = 0` puts D outside (0, 1), fitting raises unless
    ``discount_fallback=True`` (then D = 0.5).
    """

    name = "absolute"

    def __init__(self, counts, vocab, heldout=None, discount: float | None = None,
                 discount_fallback: bool = False) -> None:
        self.discount = AbsoluteDiscounting.check_options(_order_of(counts), discount=discount)["discount"]
        super().__init__(counts, vocab, heldout, discount_fallback)

    @classmethod
    def check_options(cls, order: int, discount: float | None = None) -> dict:
        """``discount``: None (estimated per order) or a D in (0, 1]."""
        return {"discount": None if discount is None else _check_discount(discount)}

    def estimate_discounts(self, k: int, cnt: np.ndarray) -> float:
        """D of order k from its counts ``cnt`` (the given ``discount`` if there is one)."""
        if self.discount is not None:
            return self.discount
        if not np.any(cnt > 0):  # no n-grams of this order: D is never used
            return 0.5
        n1, n2 = np.count_nonzero(cnt == 1), np.count_nonzero(cnt == 2)
        if n1 > 0:
            d = n1 / (n1 + 2 * n2)
            if 0 < d < 1:
                return d
        return self._out_of_range(k, f"the counts of counts n_1 = {n1}, n_2 = {n2} give "
                                     f"D = n_1 / (n_1 + 2 n_2) = {n1 / max(n1 + 2 * n2, 1):g}, "
                                     f"which must lie in (0, 1)",
                                  0.5, "D = 0.5", "fix it: discount=0.5")

    def alpha_gamma(self, k: int, cnt: np.ndarray, stats: dict[str, np.ndarray]
                    ) -> tuple[np.ndarray, np.ndarray]:
        D = self.discounts[k] = self.estimate_discounts(k, cnt)
        total = np.maximum(stats["total"], 1e-300)
        return np.maximum(cnt - D, 0) / total[self.c.history(k)], D * stats["types"] / total


class KneserNeyCounts:
    r"""Kneser-Ney's lower orders count *contexts* instead of occurrences: a k-gram below the
    top order counts the distinct words seen before it, :math:`N_{1+}(\bullet\, w_{i-k+1}^{i})`
    (a k-gram that starts with ``<s>`` keeps its raw count, as in KenLM)."""

    def counts_at(self, k: int) -> np.ndarray:
        return self.c.counts[k] if k == self.order else self.c.continuation(k, self.bos)


class KneserNey(KneserNeyCounts, AbsoluteDiscounting):
    r"""Kneser-Ney, interpolated: absolute discounting whose lower orders count *contexts*
    instead of occurrences.  A lower-order n-gram's count is the number of distinct words
    seen before it, its continuation count :math:`N_{1+}(\bullet\, w_{i-k+1}^{i})`, so that
    *Francisco*, frequent but only ever after *San*, gets a small unigram probability.  For a
    bigram model,

    .. math::  p_{KN}(w \mid v) = \frac{\max(c(vw) - D, 0)}{c(v)}
               + \frac{D\, N_{1+}(v \bullet)}{c(v)}\, p_{KN}(w), \qquad
               p_{KN}(w) = \frac{N_{1+}(\bullet\, w)}{N_{1+}(\bullet \bullet)},

    and in general :math:`\alpha_k(hw) = \max(c_k(hw) - D_k, 0) / \sum_{w'} c_k(hw')`,
    :math:`\gamma_k(h) = D_k N_{1+}(h \bullet) / \sum_{w'} c_k(hw')`, with :math:`c_k` the
    raw counts at the top order and the continuation counts below it, and one D per order.
    This is Chen and Goodman's interpolated form, as KenLM estimates it: the unigram level is
    discounted too and interpolated with the uniform distribution.  (Kneser and Ney's 1995
    model backed off, and derived the lower-order distribution from marginal constraints.)"""

    name = "kneser-ney"


class ModifiedKneserNey(KneserNeyCounts, Discounting):
    r"""Modified Kneser-Ney (Chen and Goodman): three discounts per order, for counts 1, 2
    and 3+, from the counts of counts of that order's (continuation) counts,

    .. math::  Y = \frac{n_1}{n_1 + 2 n_2}, \quad D_1 = 1 - 2Y\frac{n_2}{n_1}, \quad
               D_2 = 2 - 3Y\frac{n_3}{n_2}, \quad D_{3+} = 3 - 4Y\frac{n_4}{n_3},

    .. math::  p(w \mid h) = \frac{c(hw) - D(c(hw))}{c(h)} + \gamma_k(h)\, p(w \mid h'), \quad
               \gamma_k(h) = \frac{D_1 N_1(h\bullet) + D_2 N_2(h\bullet) + D_{3+} N_{3+}(h\bullet)}{c(h)},

    where :math:`D(c)` is :math:`D_1`, :math:`D_2` or :math:`D_{3+}` for c = 1, 2, >= 3, and
    :math:`N_1(h\bullet)`, :math:`N_2(h\bullet)`, :math:`N_{3+}(h\bullet)` are the numbers of
    distinct words seen after h with count 1, 2 and 3 or more (continuation counts below the
    top order, as in ``KneserNey``), as KenLM's ``lmplz`` estimates it, the unigrams interpolated with the uniform distribution.
    ``discounts={k: (D1, D2, D3)}`` fixes them for order k; ``discounts[k]`` holds the ones
    used.  Where the counts of counts cannot give discounts in range (a tiny corpus), fitting
    raises unless ``discount_fallback=True`` (then (0.5, 1.0, 1.5), as KenLM's
    ``--discount_fallback``).
    """

    name = "modified-kneser-ney"

    def __init__(self, counts, vocab, heldout=None, discounts: dict | None = None,
                 discount_fallback: bool = False) -> None:
        self.fixed: dict[int, tuple[float, float, float]] = \
            ModifiedKneserNey.check_options(_order_of(counts), discounts=discounts)["discounts"] or {}
        super().__init__(counts, vocab, heldout, discount_fallback)

    @classmethod
    def check_options(cls, order: int, discounts: dict | None = None) -> dict:
        """``discounts``: None, or ``{k: (D1, D2, D3+)}`` for some orders k of the model, with
        each :math:`D_r` in (0, r]."""
        if discounts is None:
            return {"discounts": None}
        example = f"e.g. {{{order}: (0.5, 1.0, 1.5)}}"
        if not isinstance(discounts, Mapping):
            raise TypeError(f"discounts must be a dict {{order: (D1, D2, D3+)}}, {example}; "
                            f"got {type(discounts).__name__} {discounts!r}")
        fixed = {}
        for k, ds in discounts.items():
            k = check_int("an order of discounts", k)
            if not 1 <= k <= order:
                raise ValueError(f"discounts gives (D1, D2, D3+) for order {k}, but this {order}-gram "
                                 f"model has orders 1 to {order}: remove it, or raise the model's order")
            if isinstance(ds, (str, bytes)) or not isinstance(ds, (Sequence, np.ndarray)) or len(ds) != 3:
                raise ValueError(f"discounts[{k}] must be (D1, D2, D3+), three numbers, {example}; "
                                 f"got {ds!r}")
            fixed[k] = tuple(_check_discount(d, upper=r, name=f"D{r} of discounts[{k}]")
                             for r, d in zip((1, 2, 3), ds))
        return {"discounts": fixed}

    def estimate_discounts(self, k: int, cnt: np.ndarray) -> tuple[float, float, float]:
        """(D1, D2, D3+) of order k from its (continuation) counts ``cnt``."""
        if k in self.fixed:
            return self.fixed[k]
        fallback = (0.5, 1.0, 1.5)
        if not np.any(cnt > 0):  # no n-grams of this order: the discounts are never used
            return fallback
        n = np.bincount(cnt[cnt > 0], minlength=5)[:5].astype(float)
        shown = f"the counts of counts n_1..n_4 = {_fmt(n[1:])}"
        if np.all(n[1:5] > 0):
            Y = n[1] / (n[1] + 2 * n[2])
            ds = (1 - 2 * Y * n[2] / n[1], 2 - 3 * Y * n[3] / n[2], 3 - 4 * Y * n[4] / n[3])
            if all(0 < d <= r for d, r in zip(ds, (1, 2, 3))):
                return ds
            problem = f"{shown} give D1, D2, D3+ = {_fmt(np.round(ds, 4))}; D_r must lie in (0, r]"
        else:
            problem = f"{shown} include a zero, so the discounts are undefined"
        return self._out_of_range(k, problem, fallback, "(D1, D2, D3+) = (0.5, 1, 1.5)",
                                  f"fix them: discounts={{{k}: (D1, D2, D3)}}")

    def alpha_gamma(self, k: int, cnt: np.ndarray, stats: dict[str, np.ndarray]
                    ) -> tuple[np.ndarray, np.ndarray]:
        D1, D2, D3 = self.discounts[k] = self.estimate_discounts(k, cnt)
        disc = np.select([cnt == 0, cnt == 1, cnt == 2], [0.0, D1, D2], D3)
        total = np.maximum(stats["total"], 1e-300)
        alpha = np.maximum(cnt - disc, 0) / total[self.c.history(k)]
        gamma = (D1 * stats["n1"] + D2 * stats["n2"] + D3 * stats["n3+"]) / total
        return alpha, gamma
