"""Checkpoints of a training run: everything ``train`` needs to continue as if never stopped.

A checkpoint holds the model's and the optimiser's state dicts, the step, the history, the
running loss, the random-number generators' states (torch CPU and CUDA, numpy's and Python's
global ones, per rank), a recurrent model's carried state, the gradient scaler's state, and
the run's settings (a resumed run must use the same ones).  It is one ``torch.save`` file of
tensors and plain Python values, read back with ``torch.load(..., weights_only=True)``, and
written atomically: to a temporary file in the same folder, then renamed over the old one, so
an interruption while saving leaves the previous checkpoint intact.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import torch

from ..models.serialize import write_atomic

__all__ = ["capture_rng", "load_checkpoint", "restore_rng", "save_checkpoint"]


def capture_rng() -> dict:
    """The states of torch's (CPU and every CUDA device), numpy's and Python's global generators."""
    kind, keys, pos, has_gauss, gauss = np.random.get_state()
    return {"torch": torch.get_rng_state(),
            "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
            "numpy": {"kind": kind, "keys": torch.from_numpy(keys.astype(np.int64)), "pos": int(pos),
                      "has_gauss": int(has_gauss), "gauss": float(gauss)},
            "python": random.getstate()}


def restore_rng(state: dict) -> None:
    """Set the generators back to ``capture_rng``'s ``state``."""
    if not isinstance(state, dict) or not {"torch", "cuda", "numpy", "python"} <= set(state):
        raise ValueError(f"restore_rng takes the dict of capture_rng() (keys torch, cuda, numpy, "
                         f"python), got {type(state).__name__}"
                         f"{' with keys ' + str(sorted(state)) if isinstance(state, dict) else ''}")
    torch.set_rng_state(state["torch"])
    if state["cuda"] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
    n = state["numpy"]
    np.random.set_state((n["kind"], n["keys"].numpy().astype(np.uint32), n["pos"], n["has_gauss"],
                         n["gauss"]))
    version, internal, gauss = state["python"]
    random.setstate((version, tuple(internal), gauss))


def save_checkpoint(path, payload: dict) -> None:
    """``torch.save(payload)`` to ``path`` atomically (temporary file, then ``os.replace``)."""
    if not isinstance(payload, dict):
        raise TypeError(f"a checkpoint is a dict of tensors and plain values, got "
                        f"{type(payload).__name__}")
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder: give the checkpoint's file name, e.g. "
                                f"{path / 'checkpoint.pt'}")
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(payload, path)


def load_checkpoint(path) -> dict:
    """A checkpoint written by ``save_checkpoint``, on the CPU (tensors and plain values only).

    A missing file is a ``FileNotFoundError``; a file that is not such a checkpoint (another
    format, a truncated file, pickled objects other than tensors and plain values) a
    ``ValueError``, each naming the path."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no checkpoint at {path}: check the path (train(..., "
                                f"checkpoint=path) writes one)")
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder, not a checkpoint: give the checkpoint's "
                                f"file name")
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:
        raise ValueError(f"{path} is not a readable training checkpoint ({type(err).__name__}: "
                         f"{brief(err)}); delete it or give another path") from err


def brief(err: BaseException, limit: int = 300) -> str:
    """An exception's message on one line, at most ``limit`` characters (for wrapping it)."""
    text = " ".join(str(err).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."
