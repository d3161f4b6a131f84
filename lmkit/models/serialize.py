"""One file per model: its config, its vocabulary and its tensors, reloaded from the file alone.

``save(model, path)`` writes a dict of plain values and tensors (the model's class name, its
config as a dict, the vocabulary's ``itos`` and specials, and the state dict, whose buffers hold
every structure derived from the counts); ``load(path)`` rebuilds the model from the config
and loads the tensors with ``torch.load(..., weights_only=True)``: no arbitrary object is ever
unpickled.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import zipfile
from pathlib import Path

import torch

from .base import NeuralLM

__all__ = ["load", "save"]

FORMAT = "lmkit.models/1"


def save(model: NeuralLM, path: str | os.PathLike) -> Path:
    """Write ``model`` (config, vocabulary if any, state dict) to ``path``; returns the path.

    The file is written beside ``path`` and then renamed onto it, so that an interrupted save
    never leaves a truncated model at ``path``."""
    if not isinstance(model, NeuralLM):
        raise TypeError(f"save takes an lmkit.models model, got {type(model).__name__}; for "
                        f"another module save its state_dict with torch.save")
    path = _path(path)
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder: give the model a file name, e.g. "
                                f"{path / 'model.pt'}")
    if not path.parent.is_dir():
        raise FileNotFoundError(f"cannot save the model to {path}: the folder {path.parent} does "
                                f"not exist (create it first, e.g. with "
                                f"Path(...).mkdir(parents=True))")
    vocab = model.vocab
    payload = {
        "format": FORMAT,
        "model": type(model).__name__,
        "config": dataclasses.asdict(model.config),
        "vocab": None if vocab is None else {"itos": list(vocab.itos),
                                             "specials": list(vocab.specials), "unk": vocab.unk},
        "state_dict": model.state_dict(),
    }
    write_atomic(payload, path)
    return path


def write_atomic(payload: dict, path: Path) -> None:
    """``torch.save(payload)`` to a temporary file beside ``path``, then renamed onto it: an
    interrupted write never leaves a truncated file (models here, checkpoints in lmkit.train)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        torch.save(payload, tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def load(path: str | os.PathLike, map_location=None) -> NeuralLM:
    """The model saved at ``path`` by ``save``, on ``map_location`` (default: where it was).

    The model is rebuilt from its config without counts: its output layer adopts the saved
    structure (classes, Huffman tree, proposal).  Building it does not disturb the global
    random state.  A missing file raises ``FileNotFoundError``; a file that is not a model
    saved by ``save``, or one that is truncated or damaged, raises ``ValueError`` naming it."""
    from .. import models
    from ..text import Vocab

    path = _path(path)
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder, not a model file: give the path of a file "
                                f"written by lmkit.models.save")
    if not path.exists():
        raise FileNotFoundError(f"no model file at {path}: check the path, or save a model there "
                                f"first with lmkit.models.save(model, path)")
    try:
        payload = torch.load(path, map_location=map_location, weights_only=True)
    except OSError:
        raise
    except pickle.UnpicklingError as e:
        if "weights_only" not in str(e) and "Weights only" not in str(e):
            raise _unreadable(path) from e
        raise ValueError(f"{path} is not a model saved by lmkit.models.save: it holds Python "
                         f"objects other than tensors and plain values, which are not loaded "
                         f"(weights_only=True); save the model with lmkit.models.save") from e
    except Exception as e:
        if _intact_zip(path):   # the file is whole: the fault is elsewhere (e.g. map_location)
            raise
        raise _unreadable(path) from e
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ValueError(f"{path} is not a model saved by lmkit.models.save (format {FORMAT!r}); "
                         f"a bare state dict loads with model.load_state_dict(torch.load(path, "
                         f"weights_only=True)) into a model built from its config")
    name = payload.get("model")
    cls = getattr(models, name, None) if isinstance(name, str) else None
    if not (isinstance(cls, type) and issubclass(cls, NeuralLM)):
        raise ValueError(f"{path} holds a {name!r}, which lmkit.models does not define")
    try:
        v = payload["vocab"]
        vocab = None if v is None else Vocab.from_itos(v["itos"], specials=v["specials"],
                                                      unk=v["unk"])
        with torch.random.fork_rng(devices=[]):
            model = cls(cls.config_class(**payload["config"]), vocab=vocab)
        state = payload["state_dict"]
        model.load_state_dict(state)
    except (KeyError, TypeError, ValueError, RuntimeError) as e:
        raise ValueError(f"{path} is damaged: its {name} does not rebuild ({type(e).__name__}: "
                         f"{e}); save the model again with lmkit.models.save") from e
    if state:
        model.to(next(iter(state.values())).device)
    return model


def _path(path) -> Path:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file path (str or pathlib.Path), got {type(path).__name__}")
    return Path(path)


def _intact_zip(path: Path) -> bool:
    """Whether ``path`` is a complete zip archive (the container torch.save writes)."""
    try:
        with zipfile.ZipFile(path) as z:
            return z.testzip() is None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return False


def _unreadable(path: Path) -> ValueError:
    with open(path, "rb") as f:
        zip_magic = f.read(4) == b"PK\x03\x04"
    what = ("is truncated or damaged (an incomplete torch.save archive)" if zip_magic else
            "is not a model file written by lmkit.models.save (nor by torch.save)")
    return ValueError(f"{path} {what}: save the model again with lmkit.models.save(model, path)")
