"""Batch iterators for ``lmkit.train.train``: each yields what one step consumes, forever
(unless told otherwise), deterministically.

- ``bptt_batches``: (input, next-token target) pairs of ``batch`` parallel streams, ``length``
  tokens at a time (truncated back-propagation through time, for recurrent models);
- ``ngram_batches``: random (context, next word) pairs (the feed-forward models);
- ``shuffled_batches``: rows of a dict of equally long arrays, shuffled anew every epoch, as dict
  batches ``model(**batch)`` (the maximum-entropy model's features and targets).

Under ``torchrun`` every rank builds the same iterator and ``train`` keeps its own share of it
(see ``lmkit.train.distributed``).
"""

from __future__ import annotations

from typing import Iterator, Mapping

import numpy as np
import torch

__all__ = ["bptt_batches", "ngram_batches", "shuffled_batches"]


def bptt_batches(ids: np.ndarray, batch: int, length: int,
                 device=None) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """An id stream cut into ``batch`` parallel streams, yielded ``length`` tokens at a time as
    (input, next-token target) pairs, forever (for truncated back-propagation through time)."""
    if batch < 1 or length < 1:
        raise ValueError(f"batch and length must be >= 1, got {batch} and {length}")
    ids = torch.as_tensor(np.asarray(ids, dtype=np.int64))
    n = (len(ids) - 1) // batch
    if n < 2:
        raise ValueError(f"a stream of {len(ids)} tokens is too short for {batch} parallel streams")
    x = ids[: n * batch].view(batch, n).to(device)
    y = ids[1: n * batch + 1].view(batch, n).to(device)
    while True:
        for i in range(0, n - 1, length):
            yield x[:, i:i + length], y[:, i:i + length]


def ngram_batches(ids: np.ndarray, context: int, batch: int, seed: int = 0,
                  device=None) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Random (context words, next word) pairs of an id stream, ``batch`` at a time, forever:
    the training data of the feed-forward models."""
    ids = torch.as_tensor(np.asarray(ids, dtype=np.int64))
    if len(ids) <= context:
        raise ValueError(f"a stream of {len(ids)} tokens has no window of {context} + 1 words")
    windows = ids.unfold(0, context + 1, 1)
    gen = torch.Generator().manual_seed(seed)
    while True:
        for idx in torch.randperm(len(windows), generator=gen).split(batch):
            w = windows[idx].to(device)
            yield w[:, :-1], w[:, -1]


def shuffled_batches(arrays: Mapping[str, np.ndarray], batch: int, seed: int = 0,
                     epochs: int | None = None, device=None) -> Iterator[dict[str, torch.Tensor]]:
    """Dict batches of the rows of ``arrays`` (equally long along their first axis, one of them
    the ``"targets"``): every epoch a fresh permutation (``torch.randperm`` seeded once with
    ``seed``), cut into consecutive ``batch``-sized pieces, the last one possibly smaller.
    ``epochs=None`` goes on forever; otherwise it stops after ``epochs`` passes, i.e. after
    ``epochs * ceil(n / batch)`` batches."""
    if isinstance(batch, bool) or not isinstance(batch, (int, np.integer)) or batch < 1:
        raise ValueError(f"batch must be an integer >= 1, got {batch!r}")
    if epochs is not None and (isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer))
                               or epochs < 1):
        raise ValueError(f"epochs must be an integer >= 1 or None (forever), got {epochs!r}")
    if "targets" not in arrays:
        raise ValueError(f"the arrays need a 'targets' entry (the tokens to predict); got keys "
                         f"{sorted(arrays)}")
    data = {k: torch.as_tensor(np.asarray(v)) for k, v in arrays.items()}
    sizes = {k: len(v) for k, v in data.items()}
    n = sizes["targets"]
    if n == 0 or len(set(sizes.values())) != 1:
        raise ValueError(f"the arrays must be non-empty and equally long, got lengths {sizes}")
    gen = torch.Generator().manual_seed(seed)
    epoch = 0
    while epochs is None or epoch < epochs:
        perm = torch.randperm(n, generator=gen)
        for s in range(0, n, batch):
            idx = perm[s:s + batch]
            yield {k: v[idx].to(device) for k, v in data.items()}
        epoch += 1
