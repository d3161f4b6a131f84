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
from pathlib import Path

import torch

from .base import NeuralLM

__all__ = ["load", "save"]

FORMAT = "lmkit.models/1"


def save(model: NeuralLM, path: str | os.PathLike) -> Path:
    """Write ``model`` (config, vocabulary if any, state dict) to ``path``; returns the path."""
    if not isinstance(model, NeuralLM):
        raise TypeError(f"save takes an lmkit.models model, got {type(model).__name__}; for "
                        f"another module save its state_dict with torch.save")
    vocab = model.vocab
    payload = {
        "format": FORMAT,
        "model": type(model).__name__,
        "config": dataclasses.asdict(model.config),
        "vocab": None if vocab is None else {"itos": list(vocab.itos),
                                             "specials": list(vocab.specials), "unk": vocab.unk},
        "state_dict": model.state_dict(),
    }
    path = Path(path)
    torch.save(payload, path)
    return path


def load(path: str | os.PathLike, map_location=None) -> NeuralLM:
    """The model saved at ``path`` by ``save``, on ``map_location`` (default: where it was).

    The model is rebuilt from its config without counts: its output layer adopts the saved
    structure (classes, Huffman tree, proposal).  Building it does not disturb the global
    random state."""
    from .. import models
    from ..text import Vocab

    payload = torch.load(path, map_location=map_location, weights_only=True)
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ValueError(f"{path} is not a model saved by lmkit.models.save (format {FORMAT!r}); "
                         f"a bare state dict loads with model.load_state_dict(torch.load(path, "
                         f"weights_only=True)) into a model built from its config")
    cls = getattr(models, payload["model"], None)
    if not (isinstance(cls, type) and issubclass(cls, NeuralLM)):
        raise ValueError(f"{path} holds a {payload['model']!r}, which lmkit.models does not define")
    v = payload["vocab"]
    vocab = None if v is None else Vocab.from_itos(v["itos"], specials=v["specials"], unk=v["unk"])
    with torch.random.fork_rng(devices=[]):
        model = cls(cls.config_class(**payload["config"]), vocab=vocab)
    model.load_state_dict(payload["state_dict"])
    state = payload["state_dict"]
    if state:
        model.to(next(iter(state.values())).device)
    return model
