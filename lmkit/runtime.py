"""Where code runs and how big it runs: device choice, seeding and the run profile.

Every chapter starts with ``device = get_device()`` and ``set_seed(0)``.  The profile
(``LMKIT_PROFILE``, default ``"default"``) chooses sizes: the default profile is what CI
executes in at most three minutes per notebook on two CPU cores; ``full`` runs the same
code at paper scale.
"""

from __future__ import annotations

import os
import random
from typing import TypeVar

import numpy as np

__all__ = ["PROFILES", "by_profile", "get_device", "profile", "set_seed"]

PROFILES = ("default", "full")
T = TypeVar("T")


def get_device(prefer: str | None = None):
    """The best available torch device: CUDA, then Apple's MPS, then the CPU.

    ``prefer`` (or the environment variable ``LMKIT_DEVICE``) forces one, e.g. ``"cpu"``.
    """
    import torch

    want = prefer or os.environ.get("LMKIT_DEVICE")
    if want:
        dev = torch.device(want)
        if dev.type == "cuda" and not torch.cuda.is_available():
            raise ValueError(f"device {want!r} was asked for, but torch sees no CUDA GPU; "
                             f"unset LMKIT_DEVICE or install a CUDA build of torch")
        return dev
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def set_seed(seed: int = 0) -> np.random.Generator:
    """Seed Python, numpy and torch (if imported); return a fresh numpy ``Generator``."""
    if not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    random.seed(seed)
    np.random.seed(seed % 2**32)
    try:
        import torch
    except ImportError:  # torch is a core dependency, but seeding numpy alone is still useful
        pass
    else:
        torch.manual_seed(seed)
    return np.random.default_rng(seed)


def profile() -> str:
    """The run profile from ``LMKIT_PROFILE``: ``"default"`` (CI-sized) or ``"full"``."""
    p = os.environ.get("LMKIT_PROFILE", "default").strip().lower() or "default"
    if p not in PROFILES:
        raise ValueError(f"LMKIT_PROFILE={p!r} is not a profile; use one of {PROFILES}")
    return p


def by_profile(default: T, full: T) -> T:
    """``default`` under the default profile, ``full`` under ``LMKIT_PROFILE=full``."""
    return full if profile() == "full" else default
