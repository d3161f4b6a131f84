"""Shared rows of the bad-input tables (``tests/*/test_*_bad_inputs.py``): the values every
numeric parameter is tried with, and the lmkit.checks wording each must be refused with."""

from __future__ import annotations

import re

NAN, INF = float("nan"), float("inf")


def int_cases(label, make, name, low, high=None):
    """0 (when below ``low``), -1, NaN, inf, True, 2.5 (and ``high + 1``) for an integer
    parameter; ``make(value)`` builds the call."""
    n = re.escape(name)
    rng = rf"{n} must be an integer in \[{low}, "
    cases = [(f"{label}=-1", lambda: make(-1), ValueError, rng + r".*got -1"),
             (f"{label}=nan", lambda: make(NAN), TypeError, rf"{n} must be an integer, got float nan"),
             (f"{label}=inf", lambda: make(INF), TypeError, rf"{n} must be an integer, got float inf"),
             (f"{label}=True", lambda: make(True), TypeError, rf"{n} must be an integer, got bool"),
             (f"{label}=2.5", lambda: make(2.5), TypeError, rf"{n} must be an integer, got float 2.5")]
    if low > 0:
        cases.insert(0, (f"{label}=0", lambda: make(0), ValueError, rng + r".*got 0"))
    if high is not None:
        cases.append((f"{label}={high + 1}", lambda: make(high + 1), ValueError,
                      rng + rf"{high}\], got {high + 1}"))
    return cases


def real_cases(label, make, name, zero_ok=True, negative_ok=False, minus_inf=False):
    """0 (unless ``zero_ok``), -1 (unless ``negative_ok``), NaN, inf (and -inf) and True for a
    real parameter; ``make(value)`` builds the call."""
    n = re.escape(name)
    bad = rf"{n} must be a finite number in "
    cases = [(f"{label}=nan", lambda: make(NAN), ValueError, bad + r".*got nan"),
             (f"{label}=inf", lambda: make(INF), ValueError, bad + r".*got inf"),
             (f"{label}=True", lambda: make(True), TypeError, rf"{n} must be a number, got bool")]
    if minus_inf:
        cases.insert(2, (f"{label}=-inf", lambda: make(-INF), ValueError, bad + r".*got -inf"))
    if not negative_ok:
        cases.insert(0, (f"{label}=-1", lambda: make(-1.0), ValueError, bad + r".*got -1"))
    if not zero_ok:
        cases.insert(0, (f"{label}=0", lambda: make(0.0), ValueError, bad + r"\(0, .*got 0"))
    return cases
