"""The one training loop of the book, its schedules, batches, live plot and distributed mode.

- ``train`` (``loop``): seeded AdamW training of any model returning ``(logits, loss)``, with
  warm-up and a learning-rate schedule, clipping, gradient accumulation, autocast,
  checkpoints, periodic evaluation, a progress bar and a live plot; the same call under
  ``torchrun`` trains with ``DistributedDataParallel`` (``distributed``);
- ``schedules``: ``cosine`` (the default), ``linear``, ``noam``, ``constant``, and
  ``plot_schedule`` / ``schedule_values`` to look at them;
- ``param_groups`` (``optim``): weight decay on weight matrices only;
- ``bptt_batches``, ``ngram_batches``, ``shuffled_batches`` (``batches``): the batch iterators;
- ``LivePlot`` (``liveplot``), ``bf16_supported`` (``precision``), ``save_checkpoint`` /
  ``load_checkpoint`` (``checkpoint``).

The schedules need no torch; everything else loads it on first use (PEP 562).
"""

from __future__ import annotations

import importlib
from typing import Any

from .schedules import (SCHEDULES, constant, cosine, get_schedule, linear, noam, noam_peak_lr,
                        plot_schedule, schedule_values)

_LAZY = {"train": "loop", "param_groups": "optim", "bptt_batches": "batches",
         "ngram_batches": "batches", "shuffled_batches": "batches", "LivePlot": "liveplot",
         "bf16_supported": "precision", "save_checkpoint": "checkpoint",
         "load_checkpoint": "checkpoint"}
_SUBMODULES = ("batches", "checkpoint", "distributed", "liveplot", "loop", "optim", "precision",
               "schedules")

__all__ = sorted(["SCHEDULES", "constant", "cosine", "get_schedule", "linear", "noam",
                  "noam_peak_lr", "plot_schedule", "schedule_values", *_LAZY])


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'lmkit.train' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__ + list(_SUBMODULES))
