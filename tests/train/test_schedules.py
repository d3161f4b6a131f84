"""Learning-rate schedules: the old cosine bit for bit, known values, names, tables, plots."""

import math

import matplotlib
import numpy as np
import pytest
from hypothesis import given, strategies as st

from lmkit.train.schedules import (SCHEDULES, constant, cosine, cosine_to, get_schedule, linear,
                                   noam, noam_peak_lr, plot_schedule, schedule_values)

matplotlib.use("Agg")


def old_cosine(step, steps, warmup):
    """The multiplier of the old ``lmkit/train.py`` (a steps budget: frac = step / steps)."""
    frac = max(step / steps if steps else 0.0, 0.0)
    return min(1.0, (step + 1) / max(warmup, 1)) * 0.5 * (1 + math.cos(math.pi * min(frac, 1.0)))


@given(steps=st.integers(1, 100_000), warmup=st.integers(0, 5000), data=st.data())
def test_cosine_is_bit_identical_to_the_old_loop(steps, warmup, data):
    step = data.draw(st.integers(0, steps - 1))
    assert cosine(step, steps, warmup) == old_cosine(step, steps, warmup)


def test_cosine_at_known_steps():
    assert cosine(0, 100, 10) == 0.1                       # warm-up 1/10, cosine at its top
    assert cosine(9, 100, 10) == pytest.approx(0.5 * (1 + math.cos(math.pi * 0.09)))
    assert cosine(50, 100, 0) == pytest.approx(0.5)        # half way down
    assert cosine(99, 100, 0) == pytest.approx(0.5 * (1 + math.cos(math.pi * 0.99)))
    assert cosine(0, 100, 0) == cosine(0, 100, 1) == 1.0


def test_linear_at_known_steps():
    assert [linear(t, 100, 4) for t in range(4)] == [0.25, 0.5, 0.75, 1.0]
    assert linear(4, 100, 4) == pytest.approx(96 / 97)
    assert linear(99, 100, 4) == pytest.approx(1 / 97)
    assert linear(0, 10, 0) == 1.0 and linear(5, 10, 0) == pytest.approx(0.5)


def test_noam_peaks_at_one_and_follows_the_paper():
    w = 400
    assert noam(w - 1, 10_000, w) == pytest.approx(1.0)
    assert noam(w // 2 - 1, 10_000, w) == pytest.approx(0.5)        # linear warm-up
    assert noam(4 * w - 1, 10_000, w) == pytest.approx(0.5)         # sqrt(W / s) decay
    d = 512
    lr = noam_peak_lr(d, w)
    for t in (0, 10, w - 1, w, 3000):
        s = t + 1
        assert lr * noam(t, 10_000, w) == pytest.approx(d ** -0.5 * min(s ** -0.5, s * w ** -1.5))
    with pytest.raises(ValueError, match=r"warmup \(of the Noam schedule\) must be an integer in \[1, "):
        noam_peak_lr(d, 0)


def nanogpt_decay(it, lr, warmup_iters, lr_decay_iters, min_lr):
    """nanoGPT's rate after its warm-up (``get_lr`` in train.py, from its formula): a cosine
    from lr at warmup_iters to min_lr at lr_decay_iters.  (Its linear warm-up differs by a
    step between versions; ours reaches lr at step W - 1.)"""
    ratio = (it - warmup_iters) / (lr_decay_iters - warmup_iters)
    return min_lr + 0.5 * (1 + math.cos(math.pi * ratio)) * (lr - min_lr)


def test_cosine_to_is_nanogpts_schedule():
    f = cosine_to(0.1)
    for t in (100, 101, 1000, 1999):
        assert 1e-3 * f(t, 2000, 100) == pytest.approx(nanogpt_decay(t, 1e-3, 100, 2000, 1e-4))
    assert [f(t, 2000, 4) for t in range(4)] == [0.25, 0.5, 0.75, 1.0]
    assert f(99, 2000, 100) == f(100, 2000, 100) == 1.0 and f(2000, 2000, 100) == pytest.approx(0.1)
    assert cosine_to(0.0)(1050, 2000, 100) == pytest.approx(0.5)        # half way down
    assert f.__name__ == "cosine_to(0.1)" and get_schedule(f) is f
    with pytest.raises(ValueError, match=r"floor \(the last multiplier\) must be"):
        cosine_to(1.5)


def test_constant_is_the_warm_up_then_one():
    assert [constant(t, 10, 3) for t in range(5)] == [1 / 3, 2 / 3, 1.0, 1.0, 1.0]
    assert constant(0, 10, 0) == 1.0


@given(name=st.sampled_from(sorted(SCHEDULES)), steps=st.integers(1, 5000),
       warmup=st.integers(0, 500), data=st.data())
def test_every_named_schedule_stays_in_zero_one(name, steps, warmup, data):
    step = data.draw(st.integers(0, steps - 1))
    assert 0.0 <= get_schedule(name)(step, steps, warmup) <= 1.0


def test_names_callables_tables_and_plots():
    assert get_schedule("noam") is noam
    half = lambda step, steps, warmup: 0.5  # noqa: E731
    assert get_schedule(half) is half
    with pytest.raises(ValueError, match="unknown schedule 'cosin'"):
        get_schedule("cosin")
    table = schedule_values("linear", 10, 2)
    assert table.shape == (10,) and table[1] == 1.0 and table[0] == 0.5
    np.testing.assert_array_equal(schedule_values("cosine", 10, 2, at=[0, 5]),
                                  [cosine(0, 10, 2), cosine(5, 10, 2)])
    with pytest.raises(ValueError, match=r"steps must be an integer in \[1, inf\)"):
        schedule_values("cosine", 0, 2)
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    assert plot_schedule(list(SCHEDULES), 50, 5, lr=3e-3, ax=ax) is ax
    assert len(ax.lines) == 4
    np.testing.assert_allclose(ax.lines[0].get_ydata(), 3e-3 * schedule_values("cosine", 50, 5))
    plt.close(fig)


def test_schedules_do_not_import_torch():
    import subprocess
    import sys

    code = "import sys, lmkit.train as t; t.cosine(0, 2, 1); assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
