"""The one training loop of the book, its schedules, batches, live plot and distributed mode.

- ``train`` (``loop``): seeded AdamW training of any model returning ``(logits, loss)``, with
  warm-up and a learning-rate schedule, clipping, gradient accumulation, autocast,
  checkpoints, periodic evaluation, a progress bar and a live plot; the same call under
  ``torchrun`` trains with ``DistributedDataParallel`` (``distributed``);
- ``schedules``: ``cosine`` (the default), ``linear``, ``noam``, ``constant``, nanoGPT's
  ``cosine_to(floor)``, and ``plot_schedule`` / ``schedule_values`` to look at them;
- ``param_groups`` (``optim``): weight decay on weight matrices only;
- ``bptt_batches``, ``ngram_batches``, ``random_windows``, ``shuffled_batches`` (``batches``):
  the batch iterators;
- ``LivePlot`` (``liveplot``), ``bf16_supported`` (``precision``), ``save_checkpoint`` /
  ``load_checkpoint`` (``checkpoint``).

The schedules need no torch; everything else loads it on first use (PEP 562).
"""

from __future__ import annotations

from ..lazy import attach
from .schedules import (SCHEDULES, constant, cosine, cosine_to, get_schedule, linear, noam,
                        noam_peak_lr, plot_schedule, schedule_values)

__getattr__, __dir__, __all__ = attach(
    __name__,
    {"train": "loop", "param_groups": "optim", "bptt_batches": "batches",
     "ngram_batches": "batches", "random_windows": "batches", "shuffled_batches": "batches",
     "LivePlot": "liveplot",
     "bf16_supported": "precision", "save_checkpoint": "checkpoint",
     "load_checkpoint": "checkpoint"},
    eager=["SCHEDULES", "constant", "cosine", "cosine_to", "get_schedule", "linear", "noam",
           "noam_peak_lr", "plot_schedule", "schedule_values"],
    submodules=["batches", "checkpoint", "distributed", "liveplot", "loop", "optim", "precision",
                "schedules"])
