"""lmkit.plot: the figures' numbers, and bad input refused with a clear error."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lmkit import plot  # noqa: E402
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


def test_lines_by_order_draws_every_line_and_mark_and_returns_the_lowest_point():
    from lmkit.plot import lines_by_order

    fig, ax = plt.subplots()
    try:
        best = lines_by_order({"a": [300, 200, 150], "b": [310, 190, 170]}, [1, 2, 3],
                              marks={"paper": (3, 148.3)}, ax=ax)
        assert best == ("a", 3, 150.0)
        assert len(ax.lines) == 3 and list(ax.get_xticks()) == [1, 2, 3]
        assert any("paper 148.3" in t.get_text() for t in ax.texts)
        with pytest.raises(ValueError, match=r"values\['a'\] must hold 3 finite numbers"):
            lines_by_order({"a": [1, 2]}, [1, 2, 3], ax=ax)
        with pytest.raises(ValueError, match="orders must be a non-empty list"):
            lines_by_order({"a": [1]}, [], ax=ax)
        with pytest.raises(ValueError, match="values must be a non-empty dict"):
            lines_by_order({}, [1], ax=ax)
        with pytest.raises(ValueError, match=r"marks\['p'\] must be a point"):
            lines_by_order({"a": [1]}, [1], marks={"p": 3}, ax=ax)
    finally:
        plt.close(fig)


def test_learning_curves_draws_one_line_per_model_against_tokens():
    from lmkit.plot import learning_curves

    hists = {"a": {"valid_loss": [(10, np.log(300.0)), (20, np.log(200.0))], "tokens": 2000,
                   "steps": 20},
             "b": {"valid_loss": [(20, np.log(250.0))], "tokens": 2000, "steps": 20}}
    fig, ax = plt.subplots()
    try:
        last = learning_curves(hists, final={"a": 190.0}, ax=ax)
        assert last == pytest.approx({"a": 200.0, "b": 250.0})
        assert len(ax.lines) == 2
        assert list(ax.lines[0].get_xdata()) == [1000.0, 2000.0]   # 100 tokens per step
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert legend == ["a: test PP 190.0", "b"]
        with pytest.raises(ValueError, match="non-empty dict"):
            learning_curves({}, ax=ax)
        with pytest.raises(ValueError, match=r"histories\['c'\] has no valid_loss points"):
            learning_curves({"c": {"valid_loss": [], "tokens": 1, "steps": 1}}, ax=ax)
        ax.clear()
        hists["a"]["train_loss"] = [(10, 6.0), (20, 5.5)]
        assert learning_curves({"a": hists["a"]}, ax=ax, which="train") == {"a": 5.5}
        assert list(ax.lines[0].get_ydata()) == [6.0, 5.5]     # nats, not exponentiated
        with pytest.raises(ValueError, match="which must be"):
            learning_curves(hists, ax=ax, which="test")
        with pytest.raises(ValueError, match="without a history"):
            learning_curves(hists, final={"z": 1.0}, ax=ax)
    finally:
        plt.close(fig)


def test_glue_stores_python_numbers_for_the_prose(monkeypatch):
    import sys
    import types

    import torch

    stored = {}
    fake = types.ModuleType("myst_nb")
    fake.glue = lambda key, value, display=False: stored.__setitem__(key, (value, display))
    monkeypatch.setitem(sys.modules, "myst_nb", fake)
    plot.glue("a", np.float64(3.25))
    plot.glue("b", torch.tensor(7))
    plot.glue("c", "text")
    assert stored == {"a": (3.25, False), "b": (7, False), "c": ("text", False)}
    assert type(stored["a"][0]) is float and type(stored["b"][0]) is int
    with pytest.raises(TypeError, match="'v'.*one element"):
        plot.glue("v", np.arange(3))
    with pytest.raises(ValueError, match="non-finite"):
        plot.glue("n", float("nan"))
