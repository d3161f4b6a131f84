r"""Weights of a linear interpolation, fitted by EM: the one implementation that
Jelinek-Mercer smoothing (``lmkit.ngram``), the cache and the mixture models (``lmkit.adapt``)
and chapter 4's LSTM + Kneser-Ney combination all use.

For fixed components :math:`p_1, \dots, p_M` and held-out tokens :math:`i = 1..N`, EM maximises
:math:`\frac1N \sum_i \ln \sum_m \lambda_m p_m(i)` over the simplex by iterating

.. math::  \lambda_m \leftarrow \frac{1}{N} \sum_{i=1}^{N}
           \frac{\lambda_m\, p_m(i)}{\sum_{m'} \lambda_{m'}\, p_{m'}(i)},

which never decreases the log-likelihood.  ``mix_logprobs`` scores a mixture once its weights
are known: :math:`\ln \sum_m \lambda_m p_m(i)` per token, from the components' log-probabilities.
"""

from __future__ import annotations

import math
import warnings
from numbers import Real

import numpy as np

from .checks import check_int, check_real, check_weights, numeric_rows

__all__ = ["em_options", "em_weights", "mix_logprobs"]


def em_options(iterations, tol) -> tuple[int, float]:
    """``iterations`` (an integer >= 1) and ``tol`` (a number, or -inf: never stop early)."""
    iterations = check_int("iterations", iterations, low=1)
    if isinstance(tol, Real) and not isinstance(tol, bool) and tol == -math.inf:
        return iterations, -math.inf
    try:
        tol = check_real("tol", tol)
    except ValueError as err:
        raise ValueError(f"{err}; tol is the smallest gain in nats per token worth another "
                         f"iteration (-inf: run every iteration)") from None
    return iterations, tol


def _check_probs(probs) -> np.ndarray:
    p = numeric_rows(probs, "em_weights", "(components x tokens) array of probabilities")
    if p.ndim != 2 or p.shape[0] == 0 or p.shape[1] == 0:
        raise ValueError(f"em_weights needs a (components x tokens) array with at least one "
                         f"component and one token, got shape {p.shape}; is the held-out set empty?")
    bad = ~np.isfinite(p) | (p < 0)
    if bad.any():
        m, i = np.argwhere(bad)[0]
        raise ValueError(f"probabilities must be finite and >= 0, but component {m} gives token "
                         f"{i} {p[m, i]}; pass probabilities, not log-probabilities (np.exp(lp))")
    over = p > 1 + 1e-9
    if over.any():
        m, i = np.argwhere(over)[0]
        raise ValueError(f"probabilities must be <= 1, but component {m} gives token {i} "
                         f"{p[m, i]}; pass each component's probability of each held-out token, "
                         f"np.exp(model.token_logprobs(sentences)), not counts or scores")
    return p


def mix_logprobs(logprobs: np.ndarray, weights) -> np.ndarray:
    r"""ln :math:`\sum_m \lambda_m p_m(i)` for every token i, from ``logprobs[m, i]`` = ln p_m(i)
    (a components x tokens array, each entry <= 0 or -inf) and the weights λ (finite, >= 0,
    summing to 1).

    Computed stably, by log-sum-exp over the components with weight > 0: :math:`a_m = \ln
    \lambda_m + \ln p_m(i)`, :math:`\ln \sum_m e^{a_m} = a^* + \ln \sum_m e^{a_m - a^*}` with
    :math:`a^* = \max_m a_m`; a token that every component with weight > 0 gives probability 0
    gets -inf.
    """
    lp = numeric_rows(logprobs, "mix_logprobs", "(components x tokens) array of log-probabilities")
    if lp.ndim != 2 or lp.shape[0] == 0:
        raise ValueError(f"mix_logprobs needs a (components x tokens) array with at least one "
                         f"component, e.g. np.stack([lm1.token_logprobs(s), lm2.token_logprobs(s)]), "
                         f"got shape {lp.shape}")
    bad = np.isnan(lp) | (lp > 1e-9)
    if bad.any():
        m, i = np.argwhere(bad)[0]
        raise ValueError(f"log-probabilities must be <= 0 (or -inf), but component {m} gives token "
                         f"{i} {lp[m, i]}; pass np.log of probabilities, e.g. "
                         f"model.token_logprobs(sentences)")
    w = check_weights("weights", weights, lp.shape[0])
    use = w > 0
    with np.errstate(divide="ignore"):
        a = np.log(w[use])[:, None] + lp[use]
    top = a.max(axis=0)
    finite = np.isfinite(top)
    safe = np.where(finite, top, 0.0)
    with np.errstate(divide="ignore"):
        out = safe + np.log(np.exp(a - safe).sum(axis=0))
    return np.where(finite, out, -np.inf)


def em_weights(probs: np.ndarray, iterations: int = 100, tol: float = 1e-7,
               init: np.ndarray | None = None) -> tuple[np.ndarray, list[tuple[np.ndarray, float]]]:
    r"""EM for the weights of a mixture whose components are fixed.

    ``probs[m, i]`` is component m's probability of token i (finite, >= 0).  Stops after
    ``iterations`` (an integer >= 1) or when an iteration gains less than ``tol`` nats per
    token (``tol=-inf``: never early).  ``init`` gives the starting weights (default uniform).
    Returns the weights, which always sum to 1, and the trace ``[(weights, mean log-likelihood
    per token), ...]``, from ``init`` to the returned weights: its last entry reports the
    returned weights' log-likelihood (after at most ``iterations`` updates, the trace holds at
    most ``iterations`` + 1 entries).

    A token to which the mixture gives probability 0 (every component with weight > 0 gives it
    probability 0) says nothing about the weights: it is left out of the update (the sum over i runs over the
    other tokens, divided by their number), so the weights still sum to 1.  Its log-probability
    is :math:`-\infty`, and so is the held-out log-likelihood that the trace reports; a
    ``RuntimeWarning`` says how many such tokens there are (the convergence test ``tol`` then
    uses the other tokens).  If no token has a probability above 0, there is nothing to fit:
    that is a ``ValueError``.
    """
    probs = _check_probs(probs)
    iterations, tol = em_options(iterations, tol)
    m = probs.shape[0]
    lam = (np.full(m, 1.0 / m) if init is None
           else check_weights("init", init, m, "or leave init=None (uniform)"))
    zero = int(np.count_nonzero(lam @ probs == 0))
    if zero == probs.shape[1]:
        raise ValueError("no held-out token has a probability above 0 under the mixture, so EM "
                         "has nothing to fit: smooth the components (e.g. NgramLM(..., "
                         "'kneser-ney')) or add a uniform one (lmkit.UniformLM)")
    if zero:
        warnings.warn(f"{zero} of {probs.shape[1]} held-out tokens get probability 0 from every "
                      f"component with weight > 0: they are left out of the EM update, and the held-out "
                      f"log-likelihood is -inf (perplexity inf); smooth the components or add a "
                      f"uniform one (lmkit.UniformLM)", RuntimeWarning, stacklevel=2)
    trace = []
    prev = -np.inf
    for step in range(iterations + 1):
        mix = lam @ probs
        ok = mix > 0
        if ok.all():
            p, ll = probs, float(np.log(mix).mean())
            fit_ll = ll
        else:  # tokens the mixture cannot predict: ln p = -inf, and left out of the update
            p, mix = probs[:, ok], mix[ok]
            ll, fit_ll = -np.inf, float(np.log(mix).mean())
        trace.append((lam.copy(), ll))  # the weights returned are always trace[-1]'s
        if step == iterations or fit_ll - prev < tol:
            break
        prev = fit_ll
        lam = (lam[:, None] * p / mix).mean(axis=1)
    return lam, trace
