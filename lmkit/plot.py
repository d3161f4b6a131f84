"""The book's figures: small helpers over matplotlib, each returning the numbers it shows."""

from __future__ import annotations

import numpy as np

__all__ = ["zipf"]


def zipf(counts: np.ndarray, ax=None, fit_range: tuple[int, int] = (10, 1000), label: str = "corpus"):
    r"""Rank/frequency on log-log axes with the least-squares line
    :math:`\log f = \log C - s \log r` fitted over ranks ``fit_range``.

    Returns ``(s, C)``: Zipf's exponent (the negated slope) and the constant.
    """
    import matplotlib.pyplot as plt

    freq = np.sort(np.asarray(counts, dtype=float)[np.asarray(counts) > 0])[::-1]
    if len(freq) < 2:
        raise ValueError("need at least two words with non-zero counts")
    rank = np.arange(1, len(freq) + 1)
    lo, hi = fit_range
    if not 1 <= lo < hi:
        raise ValueError(f"fit_range must be (lo, hi) with 1 <= lo < hi, got {fit_range}")
    sel = (rank >= lo) & (rank <= min(hi, len(freq)))
    slope, intercept = np.polyfit(np.log10(rank[sel]), np.log10(freq[sel]), 1)
    if ax is None:
        ax = plt.gca()
    ax.loglog(rank, freq, ".", ms=2, label=label)
    ax.loglog(rank[sel], 10 ** intercept * rank[sel] ** slope, "r-", lw=1.5,
              label=f"fit over ranks {lo}-{hi}: slope {slope:.2f}")
    ax.set_xlabel("rank r")
    ax.set_ylabel("frequency f(r)")
    ax.legend()
    return -slope, 10 ** intercept
