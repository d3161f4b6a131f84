r"""Training on several processes: the same ``train`` under ``torchrun``.

Run a script that calls ``lmkit.train.train`` with ``torchrun --nproc_per_node=N script.py``
(on one machine; ``--nnodes`` and a rendezvous address for several).  ``torchrun`` starts N
copies of the script and tells each its ``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK`` and where to
meet (``MASTER_ADDR``, ``MASTER_PORT``).  ``train`` then

- joins the process group (``init``: the NCCL backend on GPUs, gloo on CPUs), unless the script
  did already;
- wraps the model in ``DistributedDataParallel``, which starts every rank from rank 0's weights
  and, after each backward pass, averages the gradients over the ranks, so that every rank
  takes the same optimiser step and the weights stay identical;
- **shards the batches**: every rank builds the *same* batch iterator (same data, same seed),
  whose batches are the *global* batches, and keeps its share of the rows of each: the batch
  (each tensor of a pair or a dict) is cut along its first dimension into N nearly equal
  blocks (``torch.tensor_split``) and rank r keeps block r.  A step thus sees the same global
  batch as a single process running the same iterator, and the averaged gradient equals that
  process's (exactly when N divides the batch size; otherwise the blocks' mean losses are
  averaged with equal weights).  For ``bptt_batches`` the rows are parallel streams, so each
  rank keeps the same streams from batch to batch and a recurrent state stays continuous;
- seeds rank r with ``seed + r`` (dropout differs between ranks; rank 0 is the single-process
  run's seed);
- shows the progress bar and the live plot, evaluates and writes checkpoints on rank 0 only
  (the other ranks' ``history`` has no validation losses; ``tokens`` counts all ranks).

Put ``init()`` first in the script when the device depends on the rank: it sets each GPU
process's default CUDA device to its ``LOCAL_RANK``, so ``lmkit.get_device()`` after it is
that process's GPU.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

import torch
import torch.distributed as dist

from ..checks import check_int

__all__ = ["DistContext", "cleanup", "init", "shard", "split_batch"]


@dataclass(frozen=True)
class DistContext:
    """Where this process stands: its rank among ``world_size`` processes (rank 0 is the main one)."""

    rank: int = 0
    world_size: int = 1
    local_rank: int = 0

    @property
    def active(self) -> bool:
        """More than one process takes part."""
        return self.world_size > 1

    @property
    def main(self) -> bool:
        """This process shows progress and writes files."""
        return self.rank == 0


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"the environment variable {name}={value!r} is not an integer; "
                         f"start the script with torchrun, which sets it") from None


def init(backend: str | None = None) -> DistContext:
    """Join the process group that ``torchrun`` describes in the environment and return this
    process's ``DistContext``; a single process (no ``WORLD_SIZE`` > 1) gets rank 0 of 1.

    The backend defaults to NCCL when CUDA is available and gloo otherwise.  Calling it again,
    or after the script joined the group itself, returns the existing group's context.
    """
    if dist.is_available() and dist.is_initialized():
        return DistContext(dist.get_rank(), dist.get_world_size(),
                           _env_int("LOCAL_RANK", dist.get_rank()))
    world = _env_int("WORLD_SIZE", 1)
    if world <= 1:
        return DistContext()
    if not dist.is_available():
        raise RuntimeError("WORLD_SIZE > 1 but this torch build has no torch.distributed")
    rank, local = _env_int("RANK", 0), _env_int("LOCAL_RANK", 0)
    for name in ("MASTER_ADDR", "MASTER_PORT"):
        if name not in os.environ:
            raise ValueError(f"WORLD_SIZE={world} but {name} is not set: start the script with "
                             f"torchrun (or set MASTER_ADDR and MASTER_PORT)")
    backend = backend or ("nccl" if torch.cuda.is_available() else "gloo")
    if backend == "nccl":
        torch.cuda.set_device(local)
    dist.init_process_group(backend=backend, rank=rank, world_size=world)
    return DistContext(rank, world, local)


def split_batch(batch, rank: int, world_size: int):
    """Rank ``rank``'s block of the rows of ``batch`` (a tensor, a pair or tuple of them, or a
    dict; other values are shared): ``torch.tensor_split(t, world_size)[rank]`` of each."""
    world_size = check_int("world_size", world_size, 1)
    rank = check_int(f"rank (of {world_size} processes)", rank, 0, world_size - 1)
    if isinstance(batch, torch.Tensor):
        if len(batch) < world_size:
            raise ValueError(f"a batch of {len(batch)} rows cannot be shared by {world_size} "
                             f"processes: use batches of at least {world_size} rows")
        return torch.tensor_split(batch, world_size)[rank]
    if isinstance(batch, (tuple, list)):
        return type(batch)(split_batch(b, rank, world_size) for b in batch)
    if isinstance(batch, dict):
        return {k: split_batch(v, rank, world_size) for k, v in batch.items()}
    return batch


def shard(batches: Iterable, rank: int, world_size: int) -> Iterator:
    """Rank ``rank``'s share of every batch of ``batches`` (``split_batch``)."""
    world_size = check_int("world_size", world_size, 1)
    rank = check_int(f"rank (of {world_size} processes)", rank, 0, world_size - 1)
    return (split_batch(b, rank, world_size) for b in batches)


def wrap(model: torch.nn.Module, ctx: DistContext) -> torch.nn.Module:
    """``model`` in ``DistributedDataParallel`` when ``ctx`` is active, else ``model`` itself."""
    if not ctx.active:
        return model
    from torch.nn.parallel import DistributedDataParallel

    device = next(model.parameters()).device
    ids = None
    if device.type == "cuda":
        ids = [device.index if device.index is not None else ctx.local_rank]
    return DistributedDataParallel(model, device_ids=ids)


def gather(obj: Any, ctx: DistContext) -> list:
    """Every rank's ``obj`` (picklable, on the CPU), in rank order; ``[obj]`` for one process."""
    if not ctx.active:
        return [obj]
    out: list = [None] * ctx.world_size
    dist.all_gather_object(out, obj)
    return out


def cleanup() -> None:
    """Leave the process group (at the end of a ``torchrun`` script)."""
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()
