r"""ELMo's scalar mix (Peters et al. 2018, eq. 1): a task's learned weighting of a model's layers.

Given the L + 1 representations :math:`h_{k,t}` of token t (k = 0 the token's embedding,
k = 1..L the layers),

.. math::  \mathrm{ELMo}_t^{task} = \gamma^{task} \sum_{k=0}^{L} s_k^{task}\, h_{k,t},
           \qquad s^{task} = \mathrm{softmax}(w^{task}),

so the weights :math:`s_k` are positive and sum to 1 (which layer the task prefers) and the
scale :math:`\gamma` sets the vector's size for the task's model.  The weights start equal
(:math:`w = 0`) and :math:`\gamma = 1`.
"""

from __future__ import annotations

import torch
from torch import nn

from ..checks import check_int

__all__ = ["ScalarMix"]


class ScalarMix(nn.Module):
    """``ScalarMix(n_layers)(h)``: :math:`\\gamma \\sum_k \\mathrm{softmax}(w)_k h_k` over the
    first axis of ``h`` (``n_layers``, ...); ``weights`` are the normalised :math:`s_k`."""

    def __init__(self, n_layers: int) -> None:
        super().__init__()
        self.n_layers = check_int("n_layers", n_layers, 1)
        self.w = nn.Parameter(torch.zeros(self.n_layers))
        self.gamma = nn.Parameter(torch.ones(()))

    @property
    def weights(self) -> torch.Tensor:
        """:math:`s = \\mathrm{softmax}(w)`, detached: one weight per layer, summing to 1."""
        return torch.softmax(self.w.detach(), 0)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        if not isinstance(h, torch.Tensor) or h.dim() < 1 or h.shape[0] != self.n_layers:
            got = tuple(h.shape) if isinstance(h, torch.Tensor) else type(h).__name__
            raise ValueError(f"ScalarMix({self.n_layers}) mixes a tensor whose first axis holds "
                             f"the {self.n_layers} layers, got {got}")
        s = torch.softmax(self.w, 0).to(h.dtype)
        return self.gamma * torch.tensordot(s, h, dims=1)
