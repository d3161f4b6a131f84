"""Argument checks shared by every module: one wording for every bad number.

Each check returns the value as a plain Python ``int`` or ``float`` (numpy scalars are
welcome; ``True``/``False`` are not numbers here), or raises ``ValueError``/``TypeError``
naming the argument, what it must be, and what it got.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np

__all__ = ["check_ids", "check_int", "check_real", "check_strings", "check_weights",
           "numeric_rows"]


def check_int(name: str, value, low: int | None = None, high: int | None = None) -> int:
    """``value`` as an int in [low, high] (either bound optional)."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"{name} must be an integer in {_range(low, high, True, True)}, "
                         f"got {value}")
    return value


def check_real(name: str, value, low: float | None = None, high: float | None = None,
               low_open: bool = False, high_open: bool = False) -> float:
    """``value`` as a finite float in the interval given by ``low``/``high`` (closed unless
    ``low_open``/``high_open``)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    value = float(value)
    bad = not math.isfinite(value)
    bad |= low is not None and (value <= low if low_open else value < low)
    bad |= high is not None and (value >= high if high_open else value > high)
    if bad:
        raise ValueError(f"{name} must be a finite number in "
                         f"{_range(low, high, not low_open, not high_open)}, got {value}")
    return value


def _fmt(x) -> str:
    return str(x) if isinstance(x, int) else f"{x:g}"


def _range(low, high, low_closed: bool, high_closed: bool) -> str:
    lo = "(-inf" if low is None else ("[" if low_closed else "(") + _fmt(low)
    hi = "inf)" if high is None else _fmt(high) + ("]" if high_closed else ")")
    return f"{lo}, {hi}"


def check_ids(ids, size: int | None, what: str = "ids", scalar_ok: bool = False) -> np.ndarray:
    """``ids`` as a 1-d int64 array of ids in [0, size) (merely >= 0 with ``size=None``, where
    the vocabulary is not known), or an error naming the problem and the fix (the one check
    of id arrays)."""
    try:
        arr = np.asarray(ids)
    except ValueError as err:  # ragged
        raise ValueError(f"{what} must be a 1-d sequence of integer ids: {err}") from None
    if scalar_ok and arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(f"{what} must be a 1-d sequence of integer ids, got shape {arr.shape}")
    if arr.size == 0:
        return arr.astype(np.int64)
    if arr.dtype == bool or arr.dtype.kind not in "iu":
        raise TypeError(f"{what} must be integer ids, got dtype {arr.dtype} (e.g. {arr[0]!r}); "
                        f"encode tokens with vocab.encode(tokens) or lmkit.text.stream")
    lo, hi = arr.min(), arr.max()
    if size is None and lo < 0:
        raise ValueError(f"{what} must be token ids >= 0, got {lo}: encode the text with "
                         f"lmkit.text.stream (or lm_ids)")
    if size is not None and (lo < 0 or hi >= size):
        raise ValueError(f"{what} must lie in [0, {size}) (the ids of a vocabulary of {size}), "
                         f"got min {lo} and max {hi}; encode the text with the same vocabulary")
    return arr.astype(np.int64, copy=False)


def check_weights(name: str, weights, n: int, fix: str = "normalise them") -> np.ndarray:
    """``n`` finite weights >= 0 that sum to 1 (within 1e-6), returned normalised exactly:
    the weights of a mixture."""
    try:
        w = np.asarray(weights)
    except ValueError as err:  # ragged
        raise ValueError(f"{name} must be {n} numbers, one per component: {err}") from None
    if w.dtype == bool or w.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be {n} numbers, one per component, got {weights!r} "
                        f"(dtype {w.dtype})")
    w = w.astype(float)
    if w.shape != (n,):
        raise ValueError(f"{name} needs {n} weights, one per component, got shape {w.shape}")
    if not np.all(np.isfinite(w)) or np.any(w < 0) or abs(w.sum() - 1) > 1e-6:
        raise ValueError(f"{name} must be finite weights >= 0 that sum to 1, got "
                         f"{np.round(w, 6).tolist()} (sum {w.sum():.6f}); {fix}")
    return w / w.sum()


def check_strings(name: str, seq, example: str = "['the', 'cat']", noun: str = "token") -> list[str]:
    """``seq`` as a list of strings (tokens, words, member names), or a TypeError that shows
    the right form: a bare string is refused (it would be read character by character)."""
    if isinstance(seq, (str, bytes)):
        raise TypeError(f"{name} must be a sequence of {noun}s, e.g. {example}, not a string")
    try:
        items = list(seq)
    except TypeError:
        raise TypeError(f"{name} must be a sequence of {noun}s, e.g. {example}; "
                        f"got {type(seq).__name__} {seq!r}") from None
    for x in items:
        if not isinstance(x, str):
            raise TypeError(f"{name} {noun} {x!r} ({type(x).__name__}) is not a string")
    return items


def numeric_rows(x, who: str, form: str) -> np.ndarray:
    """``x`` as a float array (one row per component), or the error that names ``who`` needs
    ``form``: ragged rows raise ValueError, a non-numeric or boolean dtype TypeError.  The
    caller checks the shape and the values."""
    try:
        a = np.asarray(x)
    except ValueError as err:  # ragged rows
        raise ValueError(f"{who} needs a {form}, one row of equal length per component: "
                         f"{err}") from None
    if a.dtype == bool or a.dtype.kind not in "iuf":
        raise TypeError(f"{who} needs a numeric {form}, got dtype {a.dtype}")
    return a.astype(float, copy=False)
