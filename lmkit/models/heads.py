r"""Task heads on top of pre-trained representations (chapter 8's downstream models).

``MixClassifier`` is ELMo's recipe for a sentence task (Peters et al. 2018, section 3.3): the
biLM is frozen, each of its L + 1 layers is pooled over the sentence's tokens (the mean) and
layer-normalised, the task's ``ScalarMix`` weights them, and a linear layer classifies:

.. math::  z_k = \mathrm{LN}\Big(\frac1T \sum_t h_{k,t}\Big), \qquad
           \mathrm{logits} = W\,\gamma \sum_{k=0}^{L} s_k z_k + b.

Normalising each layer first (ELMo's option) makes the weights :math:`s_k` compare the
layers' content, not their scale.  Like every model of the book it takes one config and
answers ``forward(x, targets) -> (logits, loss)``; ``predict`` gives the labels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from ..checks import check_int, check_real
from ..nn.mix import ScalarMix
from ..runtime import evaluating

__all__ = ["MixClassifier", "MixClassifierConfig", "batched_logits", "fit_mix", "predict"]


@dataclass(frozen=True)
class MixClassifierConfig:
    """``n_layers`` representations of width ``dim`` per example, ``n_classes`` labels,
    ``dropout`` on the mixed vector; ``layer`` fixes the mix to one layer (an int: that
    layer alone, no weights learned) or learns it (None)."""

    n_layers: int
    dim: int
    n_classes: int
    dropout: float = 0.0
    layer: int | None = None

    def __post_init__(self) -> None:
        check_int("n_layers", self.n_layers, 1)
        check_int("dim", self.dim, 1)
        check_int("n_classes", self.n_classes, 2)
        check_real("dropout", self.dropout, 0, 1, high_open=True)
        if self.layer is not None:
            check_int("layer", self.layer, 0, self.n_layers - 1)


class MixClassifier(nn.Module):
    """A linear classifier of the scalar mix of pooled layers (see the module's docstring):
    ``forward(x, targets=None)``, x (B, n_layers, dim) -> (logits (B, n_classes), loss)."""

    def __init__(self, config: MixClassifierConfig) -> None:
        super().__init__()
        if not isinstance(config, MixClassifierConfig):
            raise TypeError(f"MixClassifier takes a MixClassifierConfig, got "
                            f"{type(config).__name__}")
        self.config = c = config
        self.mix = ScalarMix(c.n_layers)
        self.drop = nn.Dropout(c.dropout)
        self.out = nn.Linear(c.dim, c.n_classes)

    def forward(self, x: torch.Tensor, targets: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, torch.Tensor | None]:
        c = self.config
        if not isinstance(x, torch.Tensor) or x.dim() != 3 or tuple(x.shape[1:]) != (
                c.n_layers, c.dim):
            got = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
            raise ValueError(f"x must be (batch, {c.n_layers} layers, {c.dim}), the pooled "
                             f"layers of each example, got {got}")
        z = F.layer_norm(x.float(), (c.dim,)).transpose(0, 1)        # (layers, B, dim)
        mixed = z[c.layer] if c.layer is not None else self.mix(z)
        logits = self.out(self.drop(mixed))
        loss = None if targets is None else F.cross_entropy(logits, targets)
        return logits, loss


def batched_logits(model: nn.Module, batch_size: int = 512, **inputs) -> torch.Tensor:
    """``model(**inputs)[0]``, the logits, in evaluation mode and in batches of ``batch_size``
    rows, gathered on the CPU (the inputs are arrays or tensors with equally many rows)."""
    batch_size = check_int("batch_size", batch_size, 1)
    data = {k: torch.as_tensor(np.asarray(v) if not isinstance(v, torch.Tensor) else v)
            for k, v in inputs.items()}
    n = {len(v) for v in data.values()}
    if len(n) != 1:
        raise ValueError(f"the inputs must have equally many rows, got "
                         f"{ {k: len(v) for k, v in data.items()} }")
    device = next(model.parameters()).device
    with evaluating(model):
        return torch.cat([model(**{k: v[s:s + batch_size].to(device)
                                   for k, v in data.items()})[0].cpu()
                          for s in range(0, n.pop(), batch_size)])


def predict(model: nn.Module, batch_size: int = 512, **inputs) -> np.ndarray:
    """The argmax label of every example: ``batched_logits(model, batch_size, **inputs)``."""
    return batched_logits(model, batch_size, **inputs).argmax(-1).numpy()


def fit_mix(features: dict, task, layer: int | None = None, steps: int = 400,
            lr: float = 1e-2, batch: int = 64, dropout: float = 0.1, seed: int = 0
            ) -> tuple[MixClassifier, dict]:
    """Train a ``MixClassifier`` on ``features[split]`` (n, layers, dim) with the labels of
    ``task`` (a ``lmkit.data.TextTask``) by ``fine_tune`` (``steps`` AdamW steps, batches
    of ``batch``, weight decay 0.01 on the matrix); return it and its accuracy on every split
    of ``features``.  ``layer``: one fixed layer, or None to learn the mix."""
    from .finetune import fine_tune

    if not isinstance(features, dict) or "train" not in features:
        raise ValueError(f"features must be a dict split -> array with a 'train' entry, got "
                         f"{type(features).__name__}")
    for split, x in features.items():
        if np.ndim(x) != 3 or len(x) != len(getattr(task, split)):
            raise ValueError(f"features[{split!r}] must be (examples, layers, dim) with one row "
                             f"per example of task.{split} ({len(getattr(task, split))}), got "
                             f"shape {np.shape(x)}")
    _, n_layers, dim = np.shape(features["train"])
    torch.manual_seed(seed)
    model = MixClassifier(MixClassifierConfig(n_layers, dim, len(task.names), dropout, layer))
    data = {s: {"x": x, "targets": task.labels(s)} for s, x in features.items()}
    acc = fine_tune(model, data, steps=steps, lr=lr, batch=batch, warmup=20,
                    weight_decay=0.01, seed=seed, progress=False)
    return model, acc
