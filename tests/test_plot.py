"""lmkit.plot: the figures' numbers, and bad input refused with a clear error."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lmkit.plot import zipf  # noqa: E402

ZIPF = 1000.0 / np.arange(1, 201)  # f(r) = 1000 / r: s = 1, C = 1000


def _zipf(counts=ZIPF, fit_range=(10, 100)):
    fig, ax = plt.subplots()
    try:
        return zipf(counts, ax=ax, fit_range=fit_range)
    finally:
        plt.close(fig)


def test_zipf_recovers_the_exponent_and_constant_of_an_exact_power_law():
    s, c = _zipf(np.random.default_rng(0).permutation(ZIPF))
    assert s == pytest.approx(1, abs=1e-9) and c == pytest.approx(1000, rel=1e-9)
    s, c = _zipf(np.concatenate([ZIPF[:5], [0, 0]]), fit_range=(1, 5))  # zeros left out
    assert s == pytest.approx(1, abs=1e-9)


CASES = [  # (id, callable, exception type, fragment of the message that names the problem)
    ("fewer words than fit_range", lambda: _zipf(ZIPF[:5]), ValueError,
     r"fit_range \(10, 100\) holds 0 of the 5 ranks.*within ranks 1-5"),
    ("one rank in range", lambda: _zipf(ZIPF[:10]), ValueError, "holds 1 of the 10 ranks"),
    ("fit_range 3-tuple", lambda: _zipf(fit_range=(1, 10, 100)), ValueError, r"two ranks \(lo, hi\)"),
    ("fit_range an int", lambda: _zipf(fit_range=10), ValueError, r"two ranks \(lo, hi\)"),
    ("fit_range a string", lambda: _zipf(fit_range="ab"), ValueError, r"two ranks \(lo, hi\)"),
    ("fit_range reversed", lambda: _zipf(fit_range=(100, 10)), ValueError, "1 <= lo < hi"),
    ("fit_range lo=0", lambda: _zipf(fit_range=(0, 10)), ValueError,
     r"fit_range\[0\] must be an integer in \[1, inf\), got 0"),
    ("fit_range lo=-1", lambda: _zipf(fit_range=(-1, 10)), ValueError, r"fit_range\[0\] must be an integer"),
    ("fit_range nan", lambda: _zipf(fit_range=(1, float("nan"))), TypeError,
     r"fit_range\[1\] must be an integer, got float nan"),
    ("fit_range inf", lambda: _zipf(fit_range=(1, float("inf"))), TypeError,
     r"fit_range\[1\] must be an integer, got float inf"),
    ("fit_range bool", lambda: _zipf(fit_range=(True, 10)), TypeError,
     r"fit_range\[0\] must be an integer, got bool"),
    ("fit_range 1.5", lambda: _zipf(fit_range=(1.5, 10)), TypeError, r"fit_range\[0\] must be an integer"),
    ("counts NaN", lambda: _zipf(np.append(ZIPF, np.nan)), ValueError, "counts must be finite"),
    ("counts inf", lambda: _zipf(np.append(ZIPF, np.inf)), ValueError, "counts must be finite"),
    ("counts negative", lambda: _zipf(np.append(ZIPF, -3)), ValueError, ">= 0"),
    ("counts 2-d", lambda: _zipf(ZIPF.reshape(20, 10)), ValueError, "1-d"),
    ("counts strings", lambda: _zipf(["a", "b"]), TypeError, "counts must be numbers"),
    ("counts bools", lambda: _zipf([True, False]), TypeError, "counts must be numbers"),
    ("counts a dict", lambda: _zipf({"a": 3}), TypeError, "counts must be numbers"),
    ("one word", lambda: _zipf([5, 0, 0]), ValueError, "at least two words"),
]


@pytest.mark.parametrize("call, exc, fragment", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_gets_a_clear_error(call, exc, fragment):
    with pytest.raises(exc, match=fragment):
        call()


def test_numpy_scalars_and_integer_counts_are_accepted():
    s, _ = _zipf(np.round(ZIPF * 10).astype(np.int64), fit_range=(np.int64(10), np.int32(100)))
    assert s == pytest.approx(1, abs=1e-3)
    assert _zipf(fit_range=[10, 100]) == _zipf(fit_range=(10, 100))
