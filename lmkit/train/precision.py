"""Mixed precision for ``train``: which autocast modes the hardware runs natively.

``autocast="bf16"`` runs the forward pass in bfloat16 where the hardware computes in it: a CUDA
GPU that supports it, or a CPU with AVX512-BF16 or AMX (x86) or the BF16 extension (Arm).
Elsewhere bfloat16 is emulated, slower than float32 and no smaller in practice, so ``train``
refuses it with an error rather than quietly running slower; write
``autocast="bf16" if bf16_supported(device) else None`` to fall back to float32.
``autocast="fp16"`` needs a CUDA GPU and uses a gradient scaler (float16 gradients underflow).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import torch

__all__ = ["AUTOCAST", "autocast_context", "bf16_supported", "check_autocast"]

AUTOCAST = (None, "bf16", "fp16")


def _cpu_flags() -> set[str]:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:  # not Linux: only torch's own probes are available
        return set()
    flags = set()
    for line in text.splitlines():
        if line.startswith(("flags", "Features")):
            flags.update(line.split(":", 1)[1].split())
    return flags


def _device(device) -> torch.device:
    try:
        return torch.device(device)
    except (RuntimeError, TypeError, ValueError):
        raise ValueError(f"{device!r} is not a torch device: give e.g. 'cpu', 'cuda', 'cuda:0' or "
                         f"a torch.device (lmkit.get_device() picks the best one)") from None


def bf16_supported(device) -> bool:
    """Whether ``device`` computes in bfloat16 natively (see the module's docstring)."""
    device = _device(device)
    if device.type == "cuda":
        return torch.cuda.is_available() and torch.cuda.is_bf16_supported()
    if device.type == "cpu":
        cpu = torch.cpu
        for probe in ("_is_avx512_bf16_supported", "_is_amx_tile_supported"):
            fn = getattr(cpu, probe, None)
            if fn is not None and fn():
                return True
        return bool(_cpu_flags() & {"avx512_bf16", "amx_bf16", "bf16"})
    return False


def check_autocast(autocast, device) -> None:
    """Raise a clear error if ``autocast`` is not a mode this ``device`` runs natively."""
    if autocast not in AUTOCAST:
        raise ValueError(f"autocast must be one of {AUTOCAST}, got {autocast!r}")
    device = _device(device)
    if autocast == "bf16" and not bf16_supported(device):
        raise ValueError(f"autocast='bf16' needs hardware bfloat16 (a CUDA GPU with bf16, or a CPU "
                         f"with AVX512-BF16/AMX/Arm BF16); {device} has none, so it would be "
                         f"emulated and slow: use autocast=None (float32)")
    if autocast == "fp16" and device.type != "cuda":
        raise ValueError(f"autocast='fp16' needs a CUDA GPU (with a gradient scaler); the model "
                         f"is on {device}: use autocast=None, or 'bf16' where supported")


def autocast_context(autocast, device):
    """The context manager for the forward pass: ``torch.autocast`` or nothing."""
    if autocast not in AUTOCAST:
        raise ValueError(f"autocast must be one of {AUTOCAST}, got {autocast!r}")
    if autocast is None:
        return contextlib.nullcontext()
    dtype = torch.bfloat16 if autocast == "bf16" else torch.float16
    return torch.autocast(device_type=torch.device(device).type, dtype=dtype)
