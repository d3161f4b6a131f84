"""Where code runs and how big it runs: device choice, seeding and the run profile.

Every chapter starts with ``device = get_device()`` and ``set_seed(0)``.  The profile
(``LMKIT_PROFILE``, default ``"default"``) chooses sizes: the default profile is what CI
executes in at most three minutes per notebook on two CPU cores; ``full`` runs the same
code at paper scale.
"""

from __future__ import annotations

import os
import random
import sys
from contextlib import contextmanager
from typing import TypeVar

import numpy as np

from .checks import check_int

__all__ = ["PROFILES", "apply_pending_seed", "by_profile", "evaluating", "fastest",
           "get_device", "keep_freed_memory", "length_batches", "profile", "set_seed"]

PROFILES = ("default", "full")
T = TypeVar("T")


def get_device(prefer=None):
    """The best available torch device: CUDA, then Apple's MPS, then the CPU.

    ``prefer`` (a name such as ``"cpu"``, ``"cuda:1"``, ``"mps"``, or a ``torch.device``), or
    else the environment variable ``LMKIT_DEVICE`` (unset or empty: choose), forces one.  A
    forced device must exist on this machine: an unknown name, a GPU that torch does not see
    (CUDA index included) or MPS where it is not available is a ``ValueError`` naming the fix.
    """
    import torch

    if prefer is not None:
        want, origin = prefer, f"get_device({prefer!r})"
        fix = "ask for 'cpu', or call get_device() to take the best available device"
        if not isinstance(prefer, (str, torch.device)):
            raise TypeError(f"prefer must be a device name such as 'cpu' or a torch.device, got "
                            f"{type(prefer).__name__}")
    else:
        want = os.environ.get("LMKIT_DEVICE", "").strip()
        origin = f"LMKIT_DEVICE={want!r}"
        fix = "unset LMKIT_DEVICE, or set it to 'cpu'"
    if isinstance(want, str) and not want and prefer is None:
        return _best(torch)
    try:
        dev = torch.device(want)
    except (RuntimeError, TypeError, ValueError):
        raise ValueError(f"{origin}: {want!r} is not a device name; use 'cpu', 'cuda', "
                         f"'cuda:N' or 'mps' ({fix})") from None
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(f"{origin}: device {str(dev)!r} was asked for, but torch sees no CUDA "
                             f"GPU; {fix}, or install a CUDA build of torch")
        count = torch.cuda.device_count()
        if dev.index is not None and dev.index >= count:
            raise ValueError(f"{origin}: there is no GPU {dev.index}, torch sees {count} "
                             f"(cuda:0 to cuda:{count - 1}); {fix}")
    elif dev.type == "mps":
        mps = getattr(torch.backends, "mps", None)
        if mps is None or not mps.is_available():
            raise ValueError(f"{origin}: Apple's MPS was asked for, but it is not available on "
                             f"this machine (it needs Apple silicon and macOS 12.3+); {fix}")
    elif dev.type != "cpu":
        backend = getattr(torch, dev.type, None)
        available = getattr(backend, "is_available", None)
        if not (callable(available) and available()):
            raise ValueError(f"{origin}: device type {dev.type!r} is not available here; lmkit "
                             f"runs on 'cpu', 'cuda' or 'mps' ({fix})")
    return dev


def _best(torch):
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


_pending_torch_seed: int | None = None


def set_seed(seed: int = 0) -> np.random.Generator:
    """Seed Python, numpy and torch; return a fresh numpy ``Generator``.

    ``seed``: an integer in [0, 2**64 - 1] (numpy integers welcome).  torch is seeded now if it
    is imported, and otherwise when lmkit first loads one of its neural modules (so that a
    chapter that never uses torch never imports it)."""
    global _pending_torch_seed
    seed = check_int("seed", seed, 0, 2**64 - 1)
    random.seed(seed)
    np.random.seed(seed % 2**32)
    _pending_torch_seed = seed
    apply_pending_seed()
    return np.random.default_rng(seed)


def apply_pending_seed() -> None:
    """Seed torch with the last ``set_seed`` if torch is imported and not yet seeded with it."""
    global _pending_torch_seed
    torch = sys.modules.get("torch")
    if _pending_torch_seed is not None and torch is not None and hasattr(torch, "manual_seed"):
        torch.manual_seed(_pending_torch_seed)
        _pending_torch_seed = None


def profile() -> str:
    """The run profile from ``LMKIT_PROFILE``: ``"default"`` (CI-sized) or ``"full"``."""
    p = os.environ.get("LMKIT_PROFILE", "default").strip().lower() or "default"
    if p not in PROFILES:
        raise ValueError(f"LMKIT_PROFILE={p!r} is not a profile; use one of {PROFILES}")
    return p


def by_profile(default: T, full: T) -> T:
    """``default`` under the default profile, ``full`` under ``LMKIT_PROFILE=full``."""
    return full if profile() == "full" else default


def fastest(fns: dict, reps: int = 8) -> dict[str, float]:
    """Seconds per call of each function in ``fns`` (name -> callable): the fastest of ``reps``
    runs, after one warm-up call each.  The functions take turns, so that a busy spell of the
    machine slows them all alike, and the minimum is the least disturbed measurement: what a
    ratio of two of them needs to hold on a loaded laptop or CI machine."""
    import time

    reps = check_int("reps", reps, 1)
    if not fns or not all(callable(f) for f in fns.values()):
        raise TypeError("fastest takes a non-empty dict of name -> function of no arguments")
    for fn in fns.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(reps):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return {name: min(t) for name, t in times.items()}


_HEAP_KEPT = False


def keep_freed_memory() -> bool:
    """Ask the C allocator to keep large freed blocks for reuse instead of returning them to
    the operating system (glibc's ``mallopt``: mmap threshold 1 GiB, trim threshold 2 GiB).

    A CPU training step allocates and frees the same tens of megabytes of activations and
    gradients every step; by default glibc serves blocks that large by ``mmap`` and unmaps
    them when freed, so every step faults its pages in again.  On GloVe's batches of 65,536
    cells this page-fault (system) time was about half of the CPU time; kept, it nearly
    vanishes.  The cost: the process keeps its peak heap.  Called by ``lmkit.train.train``
    for CPU runs; once per process (later calls do nothing).  Returns whether the setting
    took effect (False off glibc: macOS, musl, Windows)."""
    global _HEAP_KEPT
    if _HEAP_KEPT:
        return True
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
    _HEAP_KEPT = bool(mallopt(M_MMAP_THRESHOLD, 1 << 30)) and bool(mallopt(M_TRIM_THRESHOLD, 1 << 31))
    return _HEAP_KEPT


@contextmanager
def evaluating(model):
    """``with evaluating(model):`` runs the block with ``model`` in evaluation mode (dropout
    off) and without gradients, and restores its training mode afterwards, even on an
    error."""
    import torch

    was = model.training
    model.eval()
    try:
        with torch.no_grad():
            yield model
    finally:
        model.train(was)


def length_batches(lengths, batch: int) -> list[np.ndarray]:
    """The row numbers 0..n-1 in order of ``lengths`` (ties in their order), cut into batches
    of ``batch``: rows of similar length share a batch, so a batch cut to its longest row
    holds little padding."""
    batch = check_int("batch", batch, 1)
    order = np.argsort(np.asarray(lengths), kind="stable")
    return [order[s:s + batch] for s in range(0, len(order), batch)]
