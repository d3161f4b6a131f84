r"""Positional encodings: attention is blind to order, so each position adds a vector to its token.

- ``sinusoidal_positions`` / ``SinusoidalPositions`` (Vaswani et al. 2017), fixed:

  .. math::  PE_{(pos, 2i)} = \sin(pos / 10000^{2i/d}), \qquad
             PE_{(pos, 2i+1)} = \cos(pos / 10000^{2i/d})

  Each pair (2i, 2i+1) turns at its own frequency :math:`\omega_i = 10000^{-2i/d}`, so a shift
  by k positions is one linear map for every pos: :math:`PE_{pos+k} = M_k PE_{pos}`, with
  :math:`M_k` block diagonal, one 2×2 rotation by :math:`k\omega_i` per pair
  (``relative_offset_matrix``): the relative-offset property.
- ``LearnedPositions``: one trained vector per position (GPT), :math:`P \in
  \mathbb{R}^{max\_len \times d}`.
- ``RecurrentPositions``: a GRU over the sequence whose outputs are added, the notes' question
  whether an RNN layer could replace positional encodings (order comes from the recurrence).

Each module's ``forward(x, offset=0)`` returns ``x + P[offset : offset + T]`` for x (B, T, d);
``offset`` is the number of positions already seen (``KVCache.length`` during generation).
"""

from __future__ import annotations

import math

import torch
from torch import nn

from ..checks import check_int, check_real

__all__ = ["LearnedPositions", "RecurrentPositions", "SinusoidalPositions",
           "relative_offset_matrix", "sinusoidal_positions"]


def _frequencies(d: int) -> torch.Tensor:
    r""":math:`\omega_i = 10000^{-2i/d}`, i = 0 ... ceil(d/2) - 1, in float64."""
    return torch.exp(-math.log(10000.0) * torch.arange(0, d, 2, dtype=torch.float64) / d)


def sinusoidal_positions(T: int, d: int, dtype: torch.dtype | None = None) -> torch.Tensor:
    r"""The (T, d) table :math:`PE_{(pos, 2i)} = \sin(pos\,\omega_i)`, :math:`PE_{(pos, 2i+1)} =
    \cos(pos\,\omega_i)`, :math:`\omega_i = 10000^{-2i/d}` (computed in float64, returned in
    ``dtype``, torch's default if None)."""
    T = check_int("T (the number of positions)", T, 0)
    d = check_int("d (the width)", d, 1)
    angles = torch.arange(T, dtype=torch.float64)[:, None] * _frequencies(d)
    pe = torch.empty(T, d, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(angles)
    pe[:, 1::2] = torch.cos(angles[:, : d // 2])
    return pe.to(dtype or torch.get_default_dtype())


def relative_offset_matrix(d: int, k: float, dtype: torch.dtype | None = None) -> torch.Tensor:
    r"""The linear map :math:`M_k` (d, d) with :math:`PE_{pos+k} = M_k PE_{pos}` for every pos:
    block diagonal, the block of pair i is

    .. math::  \begin{pmatrix} \cos k\omega_i & \sin k\omega_i \\
                               -\sin k\omega_i & \cos k\omega_i \end{pmatrix}

    (from :math:`\sin(a + b) = \sin a \cos b + \cos a \sin b`, :math:`\cos(a + b) = \cos a \cos b
    - \sin a \sin b`).  It depends on k alone, not on pos.  ``d`` must be even (pairs)."""
    d = check_int("d (the width)", d, 2)
    if d % 2:
        raise ValueError(f"relative_offset_matrix needs an even width d (sin/cos pairs), got {d}")
    k = check_real("k (the offset)", k)
    a = k * _frequencies(d)
    c, s = torch.cos(a), torch.sin(a)
    m = torch.zeros(d, d, dtype=torch.float64)
    i = torch.arange(0, d, 2)
    m[i, i], m[i, i + 1], m[i + 1, i], m[i + 1, i + 1] = c, s, -s, c
    return m.to(dtype or torch.get_default_dtype())


class _Positions(nn.Module):
    """Shared: the checks of ``x`` and of the length against the block size."""

    def __init__(self, d_model: int, max_len: int | None) -> None:
        super().__init__()
        self.d_model = check_int("d_model", d_model, 1)
        self.max_len = None if max_len is None else check_int("max_len (the block size)", max_len, 1)

    def _check(self, x: torch.Tensor, offset: int) -> int:
        if not isinstance(x, torch.Tensor) or x.dim() != 3 or x.shape[-1] != self.d_model:
            got = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
            raise ValueError(f"x must have shape (batch, T, d_model={self.d_model}), got {got}")
        offset = check_int("offset (the positions already seen)", offset, 0)
        T = x.shape[1]
        if self.max_len is not None and offset + T > self.max_len:
            seen = f" after {offset} cached positions" if offset else ""
            raise ValueError(f"a sequence of length {T}{seen} (positions up to {offset + T}) is "
                             f"longer than the block size max_len={self.max_len}: crop the input "
                             f"to its last {self.max_len - offset if offset < self.max_len else 0}"
                             f" tokens{' (or reset the cache)' if offset else ''}, or build the "
                             f"model with a larger block size")
        return offset

    def extra_repr(self) -> str:
        return f"d_model={self.d_model}, max_len={self.max_len}"


class SinusoidalPositions(_Positions):
    """``x + PE[offset : offset + T]``, the fixed sinusoids (``sinusoidal_positions``) of the
    first ``max_len`` positions, kept in a buffer that is not saved (it follows from the sizes)."""

    def __init__(self, d_model: int, max_len: int) -> None:
        super().__init__(d_model, max_len)
        self.register_buffer("table", sinusoidal_positions(self.max_len, self.d_model),
                             persistent=False)

    def positions(self, T: int, offset: int = 0) -> torch.Tensor:
        """The (T, d_model) encodings of positions offset ... offset + T - 1."""
        return self.table[offset: offset + T]

    def forward(self, x: torch.Tensor, offset: int = 0) -> torch.Tensor:
        offset = self._check(x, offset)
        return x + self.table[offset: offset + x.shape[1]].to(x.dtype)


class LearnedPositions(_Positions):
    """``x + P[offset : offset + T]``, one learned vector per position (``weight``, max_len x
    d_model, started at N(0, 0.02²) as GPT-2)."""

    def __init__(self, d_model: int, max_len: int) -> None:
        super().__init__(d_model, max_len)
        self.weight = nn.Parameter(torch.randn(self.max_len, self.d_model) * 0.02)

    def positions(self, T: int, offset: int = 0) -> torch.Tensor:
        """The (T, d_model) vectors of positions offset ... offset + T - 1."""
        return self.weight[offset: offset + T]

    def forward(self, x: torch.Tensor, offset: int = 0) -> torch.Tensor:
        offset = self._check(x, offset)
        return x + self.weight[offset: offset + x.shape[1]]


class RecurrentPositions(_Positions):
    r"""``x + GRU(x)``: order from a recurrence instead of a table, :math:`o_t = \mathrm{GRU}(x_t,
    s_{t-1})` added to :math:`x_t` (a one-directional GRU, so causal; no length limit).

    The GRU reads the sequence from its start: to continue after ``offset`` positions (a KV
    cache), pass the ``state`` it returned then (``return_state=True``); an offset without a
    state is refused, since the positions before it are not there to be read."""

    def __init__(self, d_model: int) -> None:
        super().__init__(d_model, None)
        self.gru = nn.GRU(self.d_model, self.d_model, batch_first=True)

    def forward(self, x: torch.Tensor, offset: int = 0, state: torch.Tensor | None = None,
                return_state: bool = False) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
        offset = self._check(x, offset)
        if offset and state is None:
            raise ValueError(f"RecurrentPositions cannot start at offset={offset} without the GRU "
                             f"state after those positions: pass state= (returned with "
                             f"return_state=True on the earlier call), or run the whole sequence "
                             f"without a KV cache")
        out, state = self.gru(x, state)
        return (x + out, state) if return_state else x + out
