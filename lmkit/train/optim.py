r"""The optimiser's parameter groups: weight decay on matrices only.

Decoupled weight decay (AdamW) shrinks every decayed weight by :math:`\eta \lambda w` per step,
a Gaussian prior pulling it towards 0.  That suits weight *matrices* (embeddings, projections,
feature tables), whose many entries should stay small; it does not suit biases, the gains of
normalisation layers or other vectors, which set offsets and scales rather than interactions.
As in nanoGPT's ``configure_optimizers``, the rule is by shape: a parameter with ``dim >= 2``
is decayed, one with ``dim < 2`` is not.

``make_optimizer`` builds the loop's optimiser from those groups: AdamW by default, or AdaGrad
(GloVe's), whose step for a parameter :math:`\theta` with gradient :math:`g_t` is
:math:`G_t = G_{t-1} + g_t^2,\ \theta_t = \theta_{t-1} - \eta\, g_t / (\sqrt{G_t} + \epsilon)`
(element-wise; :math:`G_0` = ``initial_accumulator_value``; a parameter that gets no gradient
in a step does not move, so a dense step equals the sparse one).
"""

from __future__ import annotations

from typing import Callable, Union

import torch

from ..checks import check_real

__all__ = ["OPTIMIZERS", "make_optimizer", "param_groups"]

#: the optimisers the loop knows by name: a factory ``(param_groups, lr=...) -> Optimizer``
OPTIMIZERS: dict[str, Callable] = {
    "adamw": torch.optim.AdamW,
    "adagrad": torch.optim.Adagrad,
}


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


def make_optimizer(optimizer: Union[str, Callable], model: torch.nn.Module, lr: float,
                   weight_decay: float) -> torch.optim.Optimizer:
    """The optimiser of ``model``'s ``param_groups(model, weight_decay)`` at rate ``lr``.

    ``optimizer`` is a name of ``OPTIMIZERS`` (``"adamw"``, ``"adagrad"``) or a factory called
    as ``optimizer(groups, lr=lr)``: a ``torch.optim`` class, or ``functools.partial`` of one
    with its options (GloVe: ``partial(torch.optim.Adagrad, initial_accumulator_value=1.0)``)."""
    if isinstance(optimizer, str):
        if optimizer not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {optimizer!r}: use one of {sorted(OPTIMIZERS)} "
                             f"or a factory (param_groups, lr=...) -> torch.optim.Optimizer")
        optimizer = OPTIMIZERS[optimizer]
    if not callable(optimizer):
        raise TypeError(f"optimizer must be a name ({sorted(OPTIMIZERS)}) or a factory "
                        f"(param_groups, lr=...) -> torch.optim.Optimizer, got "
                        f"{type(optimizer).__name__}")
    opt = optimizer(param_groups(model, weight_decay), lr=lr)
    if not isinstance(opt, torch.optim.Optimizer):
        raise TypeError(f"the optimizer factory returned {type(opt).__name__}, not a "
                        f"torch.optim.Optimizer")
    return opt


def optimizer_name(optimizer: Union[str, Callable]) -> str:
    """A name for ``optimizer`` (for a checkpoint's settings): the string, or the factory's
    class name with the options of a ``functools.partial``."""
    if isinstance(optimizer, str):
        return optimizer
    keywords = getattr(optimizer, "keywords", None)
    inner = getattr(optimizer, "func", optimizer)
    name = getattr(inner, "__qualname__", type(inner).__name__)
    return f"{name}{sorted(keywords.items())}" if keywords else name
