"""Batch iterators for ``lmkit.train.train``: each yields what one step consumes, forever
(unless told otherwise), deterministically.

- ``bptt_batches``: (input, next-token target) pairs of ``batch`` parallel streams, ``length``
  tokens at a time (truncated back-propagation through time, for recurrent models);
- ``ngram_batches``: random (context, next word) pairs (the feed-forward models);
- ``random_windows``: windows of a stream drawn at random, (x, y) with y the next token at every
  position (the GPTs; nanoGPT's ``get_batch``);
- ``shuffled_batches``: rows of a dict of equally long arrays, shuffled anew every epoch, as dict
  batches ``model(**batch)`` (the maximum-entropy model's features and targets).

Each checks its arguments when called (not at the first ``next``) and refuses bad ones with an
error naming the problem.  Under ``torchrun`` every rank builds the same iterator and ``train``
keeps its own share of it (see ``lmkit.train.distributed``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Iterator

import numpy as np
import torch

from ..checks import check_ids, check_int

__all__ = ["bptt_batches", "ngram_batches", "random_windows", "shuffled_batches"]

SEED_MAX = 2**63 - 1  # the seeds of torch's generators are 64-bit


def check_seed(seed, name: str = "seed") -> int:
    """``seed`` as an int in [0, 2**63 - 1] (the range every generator of the loop accepts)."""
    return check_int(name, seed, 0, SEED_MAX)


def id_stream(ids, name: str = "ids", size: int | None = None, empty: bool = False) -> np.ndarray:
    """``ids`` (an array, a list or a tensor) as a 1-d int64 array of token ids, checked by
    ``lmkit.checks.check_ids``: integers (floats are refused, never rounded) in [0, ``size``),
    or merely >= 0 when the vocabulary's size is not known (``size=None``); an empty stream is refused
    unless ``empty``."""
    if isinstance(ids, torch.Tensor):
        ids = ids.detach().cpu().numpy()
    arr = check_ids(ids, size, what=name)
    if len(arr) == 0 and not empty:
        raise ValueError(f"{name} is empty: give a non-empty stream of token ids")
    return arr


def bptt_batches(ids: np.ndarray, batch: int, length: int,
                 device=None) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """An id stream cut into ``batch`` parallel streams, yielded ``length`` tokens at a time as
    (input, next-token target) pairs, forever (for truncated back-propagation through time)."""
    ids = id_stream(ids)
    batch = check_int("batch", batch, 1)
    length = check_int("length", length, 1)
    n = (len(ids) - 1) // batch
    if n < 2:
        raise ValueError(f"a stream of {len(ids)} tokens is too short for {batch} parallel "
                         f"streams: use fewer streams (batch) or a longer text")
    ids = torch.as_tensor(ids)
    x = ids[: n * batch].view(batch, n).to(device)
    y = ids[1: n * batch + 1].view(batch, n).to(device)

    def forever():
        while True:
            for i in range(0, n - 1, length):
                yield x[:, i:i + length], y[:, i:i + length]

    return forever()


def random_windows(ids: np.ndarray, block: int, batch: int, seed: int = 0, device=None
                   ) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Endless batches (x, y) of ``batch`` windows of ``block`` ids, each starting at a position
    of ``ids`` drawn uniformly (seeded), y the next id at every position of x; on ``device``."""
    ids = id_stream(ids)
    block, batch = check_int("block", block, 1), check_int("batch", batch, 1)
    seed = check_seed(seed)
    if len(ids) < block + 2:
        raise ValueError(f"a stream of {len(ids)} ids has no window of {block} + 1: use a "
                         f"shorter block or a longer stream")
    t = torch.as_tensor(ids).to(device)
    gen = torch.Generator().manual_seed(seed)
    offsets = torch.arange(block + 1, device=t.device)

    def forever():
        while True:
            start = torch.randint(0, len(t) - block, (batch,), generator=gen).to(t.device)
            w = t[start[:, None] + offsets]
            yield w[:, :-1], w[:, 1:]

    return forever()


def ngram_batches(ids: np.ndarray, context: int, batch: int, seed: int = 0,
                  device=None) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Random (context words, next word) pairs of an id stream, ``batch`` at a time, forever:
    the training data of the feed-forward models."""
    ids = id_stream(ids, empty=True)
    context = check_int("context", context, 1)
    batch = check_int("batch", batch, 1)
    seed = check_seed(seed)
    if len(ids) <= context:
        raise ValueError(f"a stream of {len(ids)} tokens has no window of {context} + 1 words: "
                         f"give a longer text or a shorter context")
    windows = torch.as_tensor(ids).unfold(0, context + 1, 1)
    gen = torch.Generator().manual_seed(seed)

    def forever():
        while True:
            for idx in torch.randperm(len(windows), generator=gen).split(batch):
                w = windows[idx].to(device)
                yield w[:, :-1], w[:, -1]

    return forever()


def shuffled_batches(arrays: Mapping[str, np.ndarray], batch: int, seed: int = 0,
                     epochs: int | None = None, device=None) -> Iterator[dict[str, torch.Tensor]]:
    """Dict batches of the rows of ``arrays`` (equally long along their first axis, one of them
    the ``"targets"``): every epoch a fresh permutation (``torch.randperm`` seeded once with
    ``seed``), cut into consecutive ``batch``-sized pieces, the last one possibly smaller.
    ``epochs=None`` goes on forever; otherwise it stops after ``epochs`` passes, i.e. after
    ``epochs * ceil(n / batch)`` batches."""
    if not isinstance(arrays, Mapping):
        raise TypeError(f"arrays must be a dict of equally long arrays (one of them 'targets'), "
                        f"got {type(arrays).__name__}")
    batch = check_int("batch", batch, 1)
    if epochs is not None:
        try:
            epochs = check_int("epochs", epochs, 1)
        except (TypeError, ValueError) as err:
            raise type(err)(f"{err} (or None: forever)") from None
    seed = check_seed(seed)
    if "targets" not in arrays:
        raise ValueError(f"the arrays need a 'targets' entry (the tokens to predict); got keys "
                         f"{sorted(arrays)}")
    data = {k: torch.as_tensor(np.asarray(v)) for k, v in arrays.items()}
    if any(v.dim() == 0 for v in data.values()):
        raise ValueError(f"every entry of arrays must have rows (at least one dimension), got "
                         f"shapes { {k: tuple(v.shape) for k, v in data.items()} }")
    sizes = {k: len(v) for k, v in data.items()}
    n = sizes["targets"]
    if n == 0 or len(set(sizes.values())) != 1:
        raise ValueError(f"the arrays must be non-empty and equally long, got lengths {sizes}")
    gen = torch.Generator().manual_seed(seed)

    def passes():
        epoch = 0
        while epochs is None or epoch < epochs:
            perm = torch.randperm(n, generator=gen)
            for s in range(0, n, batch):
                idx = perm[s:s + batch]
                yield {k: v[idx].to(device) for k, v in data.items()}
            epoch += 1

    return passes()
