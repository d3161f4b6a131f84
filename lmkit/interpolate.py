r"""Weights of a linear interpolation, fitted by EM: the one implementation that
Jelinek-Mercer smoothing (``lmkit.ngram``), the cache and the mixture models (``lmkit.adapt``)
and chapter 4's LSTM + Kneser-Ney combination all use.

For fixed components :math:`p_1, \dots, p_M` and held-out tokens :math:`i = 1..N`, EM maximises
:math:`\frac1N \sum_i \ln \sum_m \lambda_m p_m(i)` over the simplex by iterating

.. math::  \lambda_m \leftarrow \frac{1}{N} \sum_{i=1}^{N}
           \frac{\lambda_m\, p_m(i)}{\sum_{m'} \lambda_{m'}\, p_{m'}(i)},

which never decreases the log-likelihood.
"""

from __future__ import annotations

import numpy as np

__all__ = ["em_weights"]


def em_weights(probs: np.ndarray, iterations: int = 100, tol: float = 1e-7,
               init: np.ndarray | None = None) -> tuple[np.ndarray, list[tuple[np.ndarray, float]]]:
    r"""EM for the weights of a mixture whose components are fixed.

    ``probs[m, i]`` is component m's probability of token i.  Stops after ``iterations`` or
    when an iteration gains less than ``tol`` nats per token (``tol=-inf``: never early).
    Returns the weights and the trace ``[(weights, mean log-likelihood per token), ...]``.
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
