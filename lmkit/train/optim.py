r"""The optimiser's parameter groups: weight decay on matrices only.

Decoupled weight decay (AdamW) shrinks every decayed weight by :math:`\eta \lambda w` per step,
a Gaussian prior pulling it towards 0.  That suits weight *matrices* (embeddings, projections,
feature tables), whose many entries should stay small; it does not suit biases, the gains of
normalisation layers or other vectors, which set offsets and scales rather than interactions.
As in nanoGPT's ``configure_optimizers``, the rule is by shape: a parameter with ``dim >= 2``
is decayed, one with ``dim < 2`` is not.
"""

from __future__ import annotations

import torch

from ..checks import check_real

__all__ = ["param_groups"]


def param_groups(model: torch.nn.Module, weight_decay: float) -> list[dict]:
    """Two optimiser groups of ``model``'s trainable parameters: ``{"params": matrices,
    "weight_decay": weight_decay}`` (every parameter with ``dim >= 2``) and ``{"params": the rest,
    "weight_decay": 0.0}`` (biases, norm gains, 1-d position weights), each listed once even when
    shared (tied), in ``model.parameters()`` order; an empty group is left out."""
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"param_groups takes a torch.nn.Module, got {type(model).__name__}")
    weight_decay = check_real("weight_decay", weight_decay, 0)
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError(f"{type(model).__name__} has no trainable parameters")
    decay = [p for p in params if p.dim() >= 2]
    rest = [p for p in params if p.dim() < 2]
    groups = [{"params": decay, "weight_decay": weight_decay},
              {"params": rest, "weight_decay": 0.0}]
    return [g for g in groups if g["params"]]
