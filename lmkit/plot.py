"""The book's figures: small helpers over matplotlib, each returning the numbers it shows."""

from __future__ import annotations

import re

import numpy as np

__all__ = ["markdown_table", "zipf"]


def zipf(counts: np.ndarray, ax=None, fit_range: tuple[int, int] = (10, 1000), label: str = "corpus"):
    r"""Rank/frequency on log-log axes with the least-squares line
    :math:`\log f = \log C - s \log r` fitted over ranks ``fit_range``.

    Returns ``(s, C)``: Zipf's exponent (the negated slope) and the constant.  ``counts``
    are finite and >= 0 (zeros are left out); ``fit_range`` must hold at least two of the
    ranks with a non-zero count.
    """
    import matplotlib.pyplot as plt

    from .checks import check_int

    try:
        c = np.asarray(counts)
    except ValueError as err:  # ragged
        raise ValueError(f"counts must be a 1-d array of word counts: {err}") from None
    if c.dtype == bool or c.dtype.kind not in "iuf":
        raise TypeError(f"counts must be numbers (one count per word), got dtype {c.dtype}; "
                        f"for a Counter pass list(counter.values())")
    if c.ndim != 1:
        raise ValueError(f"counts must be a 1-d array (one count per word), got shape {c.shape}")
    c = c.astype(float)
    if not np.all(np.isfinite(c)) or np.any(c < 0):
        raise ValueError("counts must be finite and >= 0 (one count per word); got NaN, inf "
                         "or a negative count")
    freq = np.sort(c[c > 0])[::-1]
    if len(freq) < 2:
        raise ValueError("need at least two words with non-zero counts")
    if isinstance(fit_range, (str, bytes)) or not hasattr(fit_range, "__len__") or len(fit_range) != 2:
        raise ValueError(f"fit_range must be two ranks (lo, hi) with 1 <= lo < hi, got {fit_range!r}")
    lo, hi = (check_int(f"fit_range[{i}]", r, low=1) for i, r in enumerate(fit_range))
    if not lo < hi:
        raise ValueError(f"fit_range must be (lo, hi) with 1 <= lo < hi, got {fit_range}")
    rank = np.arange(1, len(freq) + 1)
    sel = (rank >= lo) & (rank <= min(hi, len(freq)))
    if sel.sum() < 2:
        raise ValueError(f"fit_range {tuple(fit_range)} holds {int(sel.sum())} of the "
                         f"{len(freq)} ranks with a non-zero count: the line needs at least two; "
                         f"pass a fit_range within ranks 1-{len(freq)}")
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


def markdown_table(rows: list[dict[str, str]], columns: list[str] | None = None,
                   cite: str | None = "source"):
    """``rows`` (dicts of strings) as a Markdown table that Jupyter and the book render.

    The ``cite`` column's bibliography keys become ``{cite:t}`` references in the book (a
    value that is not a key of ``references.bib``, such as ``notes``, stays as it is)."""
    from pathlib import Path

    from IPython.display import Markdown

    if not rows:
        raise ValueError("markdown_table needs at least one row")
    columns = columns or list(rows[0])
    bib = Path(__file__).resolve().parent.parent / "references.bib"
    keys = set(re.findall(r"@\w+\{([^,]+),", bib.read_text("utf-8"))) if bib.exists() else set()

    def cell(col: str, value: str) -> str:
        value = str(value).replace("|", "\\|").replace("\n", " ")
        return f"{{cite:t}}`{value}`" if col == cite and value in keys else value

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(c, r.get(c, "")) for c in columns) + " |" for r in rows]
    return Markdown("\n".join(lines))
