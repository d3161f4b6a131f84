r"""Learning-rate schedules: the multiplier of the peak learning rate at every step.

A schedule is a function ``(step, steps, warmup) -> multiplier`` of the step about to be taken
(``step = 0 .. steps - 1``), the run's length and its warm-up; ``train`` uses
:math:`\eta_t = \eta \cdot m(t)` with :math:`\eta` its ``lr``.  Every named schedule here starts
with a linear warm-up, :math:`\min(1, (t + 1) / W)`, so the first steps, taken while Adam's
moment estimates are still poor, are small.

``cosine``      :math:`\min(1, \frac{t+1}{W}) \cdot \frac12 (1 + \cos(\pi t / T))` (the default;
                the warm-up multiplies the cosine, which starts at its top);
``linear``      the warm-up to 1 at :math:`t = W - 1`, then :math:`\frac{T - t}{T - \max(W - 1, 0)}`, a
                straight line towards 0 at :math:`t = T`;
``noam``        Vaswani et al.'s :math:`d^{-1/2} \min(s^{-1/2}, s W^{-3/2})` with :math:`s = t + 1`,
                divided by its peak :math:`d^{-1/2} W^{-1/2}` so that it peaks at 1 at
                :math:`s = W` and ``lr`` is the peak; the paper's rate is
                ``lr = d_model ** -0.5 * warmup ** -0.5`` (``noam_peak_lr``);
``constant``    the warm-up, then 1;
``cosine_to(f)`` nanoGPT's: the warm-up to 1 at :math:`t = W - 1`, then a half cosine from 1 at
                :math:`t = W` down to the floor ``f`` at :math:`t = T`,
                :math:`f + (1 - f) \frac12 \big(1 + \cos(\pi \frac{t - W}{T - W})\big)`
                (``cosine_to(0.1)``: nanoGPT's ``min_lr = learning_rate / 10``).

``get_schedule(name_or_callable)`` returns one; ``schedule_values`` tabulates one and
``plot_schedule`` draws it.  The named schedules refuse a step < 0, ``steps`` < 1, ``warmup`` < 0
and any number that is not an integer (numpy integers are welcome).  This module does not
import torch.
"""

from __future__ import annotations

import math
from typing import Callable, Sequence, Union

import numpy as np

from ..checks import check_int, check_real

__all__ = ["SCHEDULES", "Schedule", "constant", "cosine", "cosine_to", "get_schedule", "linear",
           "noam", "noam_peak_lr", "plot_schedule", "schedule_values"]

Schedule = Callable[[int, int, int], float]


def _check(step, steps, warmup) -> tuple[int, int, int]:
    return check_int("step", step, 0), check_int("steps", steps, 1), check_int("warmup", warmup, 0)


def _warm(step: int, warmup: int) -> float:
    return min(1.0, (step + 1) / max(warmup, 1))


def cosine(step: int, steps: int, warmup: int) -> float:
    r""":math:`\min(1, \frac{t+1}{W}) \cdot \frac12 \big(1 + \cos(\pi \frac{t}{T})\big)`: warm-up times a
    half cosine from 1 at step 0 towards 0 at step T (the book's default)."""
    step, steps, warmup = _check(step, steps, warmup)
    return _warm(step, warmup) * 0.5 * (1 + math.cos(math.pi * min(step / steps, 1.0)))


def linear(step: int, steps: int, warmup: int) -> float:
    r"""Linear warm-up to 1 at step W - 1, then linear decay
    :math:`\frac{T - t}{T - \max(W - 1, 0)}` towards 0 at step T."""
    step, steps, warmup = _check(step, steps, warmup)
    if step < warmup:
        return (step + 1) / warmup
    return max(0.0, (steps - step) / max(steps - max(warmup - 1, 0), 1))


def noam(step: int, steps: int, warmup: int) -> float:
    r"""The Transformer's schedule normalised to peak at 1:
    :math:`\sqrt{W} \min\big((t+1)^{-1/2}, (t+1) W^{-3/2}\big)`, i.e. a linear warm-up then a
    decay as :math:`\sqrt{W / (t+1)}` (it never reaches 0; ``steps`` is not used)."""
    step, steps, warmup = _check(step, steps, warmup)
    s, w = step + 1, max(warmup, 1)
    return math.sqrt(w) * min(s ** -0.5, s * w ** -1.5)


def noam_peak_lr(d_model: int, warmup: int) -> float:
    r"""The peak rate :math:`d^{-1/2} W^{-1/2}` of the original Noam schedule: with
    ``lr=noam_peak_lr(d_model, warmup)`` and ``schedule="noam"``, ``train`` follows
    :math:`d^{-1/2} \min(s^{-1/2}, s W^{-3/2})` exactly."""
    d_model = check_int("d_model", d_model, 1)
    warmup = check_int("warmup (of the Noam schedule)", warmup, 1)
    return d_model ** -0.5 * warmup ** -0.5


def constant(step: int, steps: int, warmup: int) -> float:
    r""":math:`\min(1, \frac{t+1}{W})`: the warm-up, then the peak rate to the end
    (``warmup=0``: constant from the first step)."""
    step, steps, warmup = _check(step, steps, warmup)
    return _warm(step, warmup)


def cosine_to(floor: float) -> Schedule:
    r"""nanoGPT's schedule with the floor :math:`f` = ``floor`` (the minimum rate over the peak):
    :math:`\frac{t+1}{W}` for :math:`t < W`, then
    :math:`f + (1 - f) \frac12 \big(1 + \cos(\pi \frac{t - W}{T - W})\big)`, 1 at
    :math:`t = W` and :math:`f` at :math:`t = T`."""
    floor = check_real("floor (the last multiplier)", floor, 0, 1)

    def schedule(step: int, steps: int, warmup: int) -> float:
        step, steps, warmup = _check(step, steps, warmup)
        if step < warmup:
            return (step + 1) / warmup
        frac = min((step - warmup) / max(steps - warmup, 1), 1.0)
        return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * frac))

    schedule.__name__ = schedule.__qualname__ = f"cosine_to({floor:g})"
    return schedule


SCHEDULES: dict[str, Schedule] = {"cosine": cosine, "linear": linear, "noam": noam,
                                  "constant": constant}


def get_schedule(schedule: Union[str, Schedule]) -> Schedule:
    """A schedule by name (one of ``SCHEDULES``) or a callable ``(step, steps, warmup) ->
    multiplier`` passed through."""
    if callable(schedule):
        return schedule
    if isinstance(schedule, str) and schedule in SCHEDULES:
        return SCHEDULES[schedule]
    raise ValueError(f"unknown schedule {schedule!r}: give one of {sorted(SCHEDULES)} or a "
                     f"function (step, steps, warmup) -> multiplier")


def schedule_values(schedule: Union[str, Schedule], steps: int, warmup: int,
                    at: Sequence[int] | None = None) -> np.ndarray:
    """The multiplier at every step ``0 .. steps - 1`` (or at the steps ``at``), as an array."""
    steps, warmup = check_int("steps", steps, 1), check_int("warmup", warmup, 0)
    fn = get_schedule(schedule)
    if at is None:
        at = range(steps)
    elif isinstance(at, (str, bytes)) or not hasattr(at, "__iter__"):
        raise TypeError(f"at must be a sequence of steps, got {type(at).__name__} {at!r}")
    at = [check_int(f"at[{i}]", t, 0) for i, t in enumerate(at)]
    return np.array([float(fn(t, steps, warmup)) for t in at])


def plot_schedule(schedules: Union[str, Schedule, Sequence[Union[str, Schedule]]], steps: int,
                  warmup: int, lr: float = 1.0, ax=None):
    """Draw one schedule or several (learning rate ``lr * multiplier`` against the step);
    returns the axes."""
    if isinstance(schedules, str) or callable(schedules):
        schedules = [schedules]
    if not hasattr(schedules, "__iter__") or not list(schedules):
        raise ValueError(f"no schedule to plot in {schedules!r}: give a name of SCHEDULES, a "
                         f"function (step, steps, warmup) -> multiplier, or a list of them")
    schedules = list(schedules)
    for s in schedules:
        get_schedule(s)
    steps, warmup = check_int("steps", steps, 1), check_int("warmup", warmup, 0)
    lr = check_real("lr", lr, 0, low_open=True)
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.gca()
    for s in schedules:
        label = s if isinstance(s, str) else getattr(s, "__name__", "schedule")
        ax.plot(np.arange(steps), lr * schedule_values(s, steps, warmup), label=label)
    ax.set_xlabel("step")
    ax.set_ylabel("learning rate" if lr != 1.0 else "multiplier of lr")
    ax.set_title(f"{steps} steps, warm-up {warmup}")
    ax.legend()
    return ax
