"""The book's figures: small helpers over matplotlib, each returning the numbers it shows."""

from __future__ import annotations

import re

import numpy as np

__all__ = ["learning_curves", "lines_by_order", "markdown_table", "zipf"]


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


def lines_by_order(values, orders, marks=None, ax=None, ylabel: str = "test perplexity"):
    """One line per method over the model orders, with published points marked.

    ``values`` maps a method to its numbers, one per order of ``orders`` (e.g. test
    perplexities for n = 1..5); ``marks`` maps a label to a published ``(order, value)``
    point, drawn as a black cross with its value written beside it.  Returns the lowest
    point of the lines, ``(method, order, value)``."""
    import matplotlib.pyplot as plt

    if isinstance(orders, (str, bytes)) or not hasattr(orders, "__len__") or not len(orders):
        raise ValueError(f"orders must be a non-empty list of model orders, got {orders!r}")
    orders = list(orders)
    if not isinstance(values, dict) or not values:
        raise ValueError("values must be a non-empty dict {method: one number per order}")
    lines = {}
    for m, v in values.items():
        y = np.asarray(v, dtype=float)
        if y.shape != (len(orders),) or not np.all(np.isfinite(y)):
            raise ValueError(f"values[{m!r}] must hold {len(orders)} finite numbers "
                             f"(one per order {orders}), got {v!r}")
        lines[m] = y
    marks = dict(marks or {})
    for label, point in marks.items():
        if (not hasattr(point, "__len__") or len(point) != 2
                or not np.isfinite(np.asarray(point, dtype=float)).all()):
            raise ValueError(f"marks[{label!r}] must be a point (order, value), got {point!r}")
    if ax is None:
        ax = plt.gca()
    for m, y in lines.items():
        ax.plot(orders, y, "o-", ms=3, label=m)
    for label, (n, v) in marks.items():
        ax.plot([n], [v], "kx", ms=9, mew=2)
        ax.annotate(f"{label} {v:g}", (n, v), textcoords="offset points", xytext=(6, 6),
                    fontsize=8)
    ax.set_xticks(orders)
    ax.set_xlabel("order n")
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8)
    best = min(((m, orders[int(np.argmin(y))], float(y.min())) for m, y in lines.items()),
               key=lambda t: t[2])
    return best


def learning_curves(histories, final=None, ax=None, which: str = "valid",
                    label: str = "test PP"):
    """Learning curves against training tokens seen, one line per model.

    ``histories`` maps a model's name to the dict that ``lmkit.train.train`` returned;
    ``tokens / steps`` converts its steps to tokens.  ``which="valid"`` draws the validation
    perplexity :math:`e^{\\text{loss}}` of its ``valid_loss`` points (log scale);
    ``which="train"`` draws its ``train_loss``, the running training loss in nats per token
    (for a sampled output layer, the sampled loss: comparable between models trained with
    the same layer, not a perplexity).  ``final`` maps a name to a number printed beside its
    name in the legend (e.g. its test perplexity), labelled ``label``.  Returns each model's
    last plotted value."""
    import matplotlib.pyplot as plt

    if which not in ("valid", "train"):
        raise ValueError(f"which must be 'valid' or 'train', got {which!r}")
    key = f"{which}_loss"
    if not isinstance(histories, dict) or not histories:
        raise ValueError("histories must be a non-empty dict {name: train(...)'s history}")
    curves = {}
    for name, h in histories.items():
        if not isinstance(h, dict) or not h.get(key) or not h.get("steps"):
            raise ValueError(f"histories[{name!r}] has no {key} points"
                             + (": train with evaluate=..." if which == "valid" else ""))
        steps, loss = (np.asarray(v, dtype=float) for v in zip(*h[key]))
        if not np.all(np.isfinite(loss)):
            raise ValueError(f"histories[{name!r}] holds a loss that is not finite")
        y = np.exp(loss) if which == "valid" else loss
        curves[name] = (steps * h["tokens"] / h["steps"], y)
    final = dict(final or {})
    unknown = sorted(set(final) - set(curves))
    if unknown:
        raise ValueError(f"final names models without a history: {unknown}")
    if ax is None:
        ax = plt.gca()
    for name, (x, y) in curves.items():
        draw = ax.semilogy if which == "valid" else ax.plot
        text = f"{name}: {label} {final[name]:.1f}" if name in final else name
        draw(x, y, "o-" if which == "valid" else "-", ms=3, label=text)
    ax.set_xlabel("training tokens seen")
    ax.set_ylabel("validation perplexity" if which == "valid"
                  else "training loss (nats per token)")
    ax.legend(fontsize=8)
    return {name: float(y[-1]) for name, (x, y) in curves.items()}


def glue(key: str, value, display: bool = False) -> None:
    """Store ``value`` under ``key`` for the prose to paste (myst-nb's ``{glue:text}`key:.1f```).

    A numpy or torch scalar becomes a Python number first: myst-nb formats the pasted text by
    reading it back as a Python literal, which ``np.float64(3.2)`` is not.  Arrays, non-finite
    numbers and other objects are refused, naming the key: the prose pastes numbers and text."""
    import math

    if hasattr(value, "item") and getattr(value, "ndim", 0) == 0:
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise TypeError(f"glue({key!r}, ...) takes a number or a string, not "
                        f"{type(value).__name__}; glue one element, e.g. float(x[0])")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"glue({key!r}, {value}): the prose would show a non-finite number")
    try:
        from myst_nb import glue as _glue
    except ImportError as err:
        raise ImportError("lmkit.plot.glue needs myst-nb: pip install -e '.[lab]' (or '.[test]', "
                          "'.[book]')") from err
    _glue(key, value, display=display)
