r"""Linear interpolation of relative frequencies with a lower order: additive smoothing
(with the uniform distribution), Jelinek-Mercer (λ per bucket of history counts, fitted by
EM) and the Dirichlet prior (λ = c(h) / (c(h) + μ)).
"""

from __future__ import annotations

import math

import numpy as np

from ...checks import check_int, check_real
from ...interpolate import em_weights
from .base import Smoothing, _order_of

__all__ = ["AddOne", "Additive", "Dirichlet", "JelinekMercer"]


class Additive(Smoothing):
    r"""Add-δ (Lidstone; add-one is δ = 1, Laplace): pretend every n-gram was seen δ more times.

    .. math::  p_{add}(w_i \mid h) = \frac{c(h\, w_i) + \delta}{c(h) + \delta |V|}
               = \frac{c(h\, w_i)}{c(h) + \delta |V|} + \frac{\delta |V|}{c(h) + \delta |V|}\,\frac{1}{|V|}

    that is, interpolation with the uniform distribution (not recursive: an unseen history
    gets the uniform distribution).  With ``delta=None`` (the default), δ is chosen on
    held-out data (a grid search over :math:`10^{-4} \dots 10`, the same δ for every order).
    """

    name, recursive = "additive", False
    fitted = ("delta",)

    def __init__(self, counts, vocab, heldout=None, delta: float | None = None) -> None:
        delta = Additive.check_options(_order_of(counts), delta=delta)["delta"]
        if delta is None:
            self.needs_heldout = True
        self.delta = delta
        super().__init__(counts, vocab, heldout)

    @classmethod
    def check_options(cls, order: int, delta: float | None = None) -> dict:
        """``delta``: None (chosen on held-out data) or a finite number > 0."""
        if delta is None:
            return {"delta": None}
        return {"delta": check_real("delta (add-one is delta=1)", delta, 0.0, low_open=True)}

    def _fit(self) -> None:
        if self.delta is not None and not math.isfinite(self.delta * self.size):
            raise ValueError(f"delta = {self.delta:g} times the {self.size} outcomes overflows: choose a "
                             f"delta below {1e300 / self.size:.0e} (delta = 10 is already nearly uniform)")
        if self.delta is None:  # one δ for the whole model: fit it all for each candidate
            grid = np.logspace(-4, 1, 26)
            lls = []
            for delta in grid:
                self.delta = delta
                super()._fit()
                lls.append(self.heldout_loglik())
            self.delta = float(grid[np.argmax(lls)])
        super()._fit()

    def alpha_gamma(self, k: int, cnt: np.ndarray, stats: dict[str, np.ndarray]
                    ) -> tuple[np.ndarray, np.ndarray]:
        den = stats["total"] + self.delta * self.size
        return cnt / den[self.c.history(k)], self.delta * self.size / den


class AddOne(Additive):
    """Laplace's add-one smoothing: ``Additive`` with δ = 1."""

    name = "add-one"

    def __init__(self, counts, vocab, heldout=None) -> None:
        super().__init__(counts, vocab, heldout, delta=1.0)

    @classmethod
    def check_options(cls, order: int) -> dict:
        """No options: δ is 1."""
        return {}


class JelinekMercer(Smoothing):
    r"""Jelinek-Mercer: linear interpolation of maximum-likelihood estimates of every order,

    .. math::  p_{JM}(w \mid h) = \lambda(h)\, p_{ML}(w \mid h) + (1 - \lambda(h))\, p_{JM}(w \mid h'),
               \qquad \lambda(h) = \lambda_{b(c(h))},

    so :math:`\alpha_k(hw) = \lambda(h)\, p_{ML}(w \mid h)` and :math:`\gamma_k(h) = 1 - \lambda(h)`.
    The weight depends on the history, through one λ per bucket b of the history count c(h)
    (buckets double in width: c(h) = 1, 2-3, 4-7, ...), fitted on held-out data by EM (``lmkit.interpolate.em_weights``, a fixed
    number of ``iterations``), order by order from the unigrams up.  ``lambdas[k]`` holds
    order k's λ per bucket.
    """

    name, needs_heldout = "jelinek-mercer", True
    fitted = ("lambdas",)

    def __init__(self, counts, vocab, heldout=None, buckets: int = 12, iterations: int = 30) -> None:
        opts = JelinekMercer.check_options(_order_of(counts), buckets=buckets, iterations=iterations)
        self.n_buckets, self.iterations = opts["buckets"], opts["iterations"]
        self.lambdas: dict[int, np.ndarray] = {}
        super().__init__(counts, vocab, heldout)

    @classmethod
    def check_options(cls, order: int, buckets: int = 12, iterations: int = 30) -> dict:
        """``buckets`` in [1, 64] (a count below 2^64 falls in one of 64 buckets of doubling
        width) and ``iterations`` of EM in [1, 10,000] (it converges in tens)."""
        return {"buckets": check_int("buckets", buckets, 1, 64),
                "iterations": check_int("iterations (of EM)", iterations, 1, 10_000)}

    def bucket(self, total: np.ndarray) -> np.ndarray:
        """The bucket of each history count: floor(log2 c(h)), at most ``buckets - 1``."""
        return np.minimum(np.floor(np.log2(np.maximum(total, 1))).astype(int), self.n_buckets - 1)

    def alpha_gamma(self, k: int, cnt: np.ndarray, stats: dict[str, np.ndarray]
                    ) -> tuple[np.ndarray, np.ndarray]:
        total = stats["total"]
        hist, words, p_low = self.heldout_lower(k)
        seen_h = hist >= 0
        seen_h[seen_h] = total[hist[seen_h]] > 0
        h = hist[seen_h]
        num = self.c.count(k, self.c.child(k, h, words[seen_h]))
        p_ml, p_low, b = num / total[h], p_low[seen_h], self.bucket(total[h])
        lam = np.full(self.n_buckets, 0.5)
        for j in np.unique(b):  # EM for the two components (p_ML, p_lower) of each bucket
            m = b == j
            weights, _ = em_weights(np.stack([p_ml[m], p_low[m]]), iterations=self.iterations,
                                    tol=-np.inf, init=np.array([0.5, 0.5]))
            lam[j] = weights[0]
        lam = np.clip(lam, 1e-6, 1 - 1e-6)
        self.lambdas[k] = lam
        lam_h = lam[self.bucket(total)]
        hist_k = self.c.history(k)
        return lam_h[hist_k] * cnt / np.maximum(total, 1)[hist_k], 1 - lam_h


class Dirichlet(Smoothing):
    r"""Bayesian smoothing with a Dirichlet prior whose mean is the lower-order distribution:
    the posterior mean is

    .. math::  p_{Dir}(w \mid h) = \frac{c(hw) + \mu\, p_{Dir}(w \mid h')}{c(h) + \mu}.

    It *is* interpolation, with :math:`\lambda(h) = c(h)/(c(h) + \mu)`: Jelinek-Mercer with
    a λ that grows with the history count.  With a uniform prior mean it is add-δ with
    :math:`\delta = \mu/|V|`, and Witten-Bell is the same formula with
    :math:`\mu = N_{1+}(h\bullet)`.  μ (one per order, in ``mu[k]``) is given, or chosen on
    held-out data (a grid over :math:`10^{-2} \dots 10^4`).
    """

    name = "dirichlet"
    fitted = ("mu",)

    def __init__(self, counts, vocab, heldout=None, mu: float | None = None) -> None:
        mu = Dirichlet.check_options(_order_of(counts), mu=mu)["mu"]
        if mu is None:
            self.needs_heldout = True
        self.fixed_mu = mu
        self.mu: dict[int, float] = {}
        super().__init__(counts, vocab, heldout)

    def alpha_gamma(self, k: int, cnt: np.ndarray, stats: dict[str, np.ndarray]
                    ) -> tuple[np.ndarray, np.ndarray]:
        total, hist = stats["total"], self.c.history(k)

        def alpha_gamma(mu):
            return cnt / (total + mu)[hist], mu / (total + mu)

        if self.fixed_mu is not None:
            self.mu[k] = self.fixed_mu
        else:
            best = None
            for mu in np.logspace(-2, 4, 25):
                ll = self.heldout_score(k, *alpha_gamma(mu))
                if best is None or ll > best[0]:
                    best = (ll, mu)
            self.mu[k] = float(best[1])
        return alpha_gamma(self.mu[k])

    @classmethod
    def check_options(cls, order: int, mu: float | None = None) -> dict:
        """``mu``: None (chosen on held-out data) or a finite number > 0."""
        if mu is None:
            return {"mu": None}
        return {"mu": check_real("mu (the prior's strength)", mu, 0.0, low_open=True)}
