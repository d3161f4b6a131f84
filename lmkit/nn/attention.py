r"""Attention: scaled dot-product attention, its masks, a KV cache and multi-head attention.

Scaled dot-product attention (Vaswani et al. 2017) mixes the values by how well each query
matches each key:

.. math::  \mathrm{Attention}(Q, K, V) = \mathrm{softmax}\Big(\frac{Q K^\top}{\sqrt{d_k}}\Big) V

with :math:`Q \in \mathbb{R}^{T_q \times d_k}`, :math:`K \in \mathbb{R}^{T_k \times d_k}` and
:math:`V \in \mathbb{R}^{T_k \times d_v}` (leading batch and head dimensions broadcast).  A
*mask* says which keys a query may see: a bool tensor broadcastable to ``(..., T_q, T_k)``,
True = may attend (torch's SDPA convention).  A masked score is set to ``NEG_INF`` = −10¹⁰
(the notes' value), so its weight is exactly 0 after the softmax.  A query that may see *no*
key at all gets all-zero weights and a zero output (what torch's SDPA returns on the CPU),
rather than the uniform average that −10¹⁰ alone would give.

``causal_mask`` lets query i see the keys up to its own position, aligned at the *end*
(query i sits at absolute position :math:`T_k - T_q + i`), so that it also holds when the keys
run longer than the queries: a KV cache (``KVCache``) or a segment memory.  ``padding_mask``
hides the padding of a batch of unequal lengths.

Multi-head attention runs h heads on learned projections, "project, then split":

.. math::  \mathrm{MultiHead}(Q, K, V) = \mathrm{Concat}(\mathrm{head}_1, \dots, \mathrm{head}_h) W^O,
   \qquad \mathrm{head}_i = \mathrm{Attention}(Q W^Q_i, K W^K_i, V W^V_i)

where :math:`W^Q = [W^Q_1 \dots W^Q_h]` is one :math:`d_{model} \times d_{model}` matrix whose
column block i (of width :math:`d_k = d_{model}/h`) is head i's projection; likewise
:math:`W^K, W^V`.  ``attention(..., use_sdpa=True)`` runs the same formula in
``torch.nn.functional.scaled_dot_product_attention``; both paths agree to 1e-5.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

from ..checks import check_int, check_real

__all__ = ["NEG_INF", "KVCache", "MultiHeadAttention", "attention", "causal_mask",
           "padding_mask", "scaled_dot_product"]

#: the score given to a masked position (the notes' value): exp(NEG_INF - max) == 0 exactly
NEG_INF = -1e10


def _check_mask(mask: torch.Tensor | None, T_q: int, T_k: int, lead: tuple[int, ...]
                ) -> torch.Tensor | None:
    """``mask`` as a bool tensor broadcastable to the scores' shape ``lead + (T_q, T_k)``, or a
    TypeError/ValueError naming both shapes and the expected one."""
    if mask is None:
        return None
    if not isinstance(mask, torch.Tensor) or mask.dtype != torch.bool:
        got = f"a {mask.dtype} tensor" if isinstance(mask, torch.Tensor) else type(mask).__name__
        raise TypeError(f"mask must be a bool tensor (True = may attend), got {got}: build one "
                        f"with causal_mask / padding_mask, or compare, e.g. ids != pad_id")
    scores = (*lead, T_q, T_k)
    try:
        ok = torch.broadcast_shapes(mask.shape, scores) == torch.Size(scores)
    except RuntimeError:
        ok = False
    if not ok:
        raise ValueError(f"mask of shape {tuple(mask.shape)} does not broadcast to the attention "
                         f"scores' shape {scores}: expected a bool mask broadcastable to "
                         f"(batch, heads, T_q={T_q}, T_k={T_k}), e.g. ({T_q}, {T_k}) from "
                         f"causal_mask or (batch, 1, 1, {T_k}) from padding_mask")
    return mask


def _neg_inf(dtype: torch.dtype) -> float:
    """``NEG_INF``, or the most negative number of a narrower dtype (float16)."""
    return max(NEG_INF, torch.finfo(dtype).min)


def _combine(mask: torch.Tensor | None, causal: bool, T_q: int, T_k: int,
             device) -> torch.Tensor | None:
    """``mask`` AND the causal mask (when ``causal``; a single query, the last position, sees
    every key: no mask to add)."""
    if not causal or T_q == 1:
        return mask
    c = causal_mask(T_q, T_k, device=device)
    return c if mask is None else mask & c


def scaled_dot_product(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
                       mask: torch.Tensor | None = None, dropout: float = 0.0,
                       training: bool = False, causal: bool = False,
                       bias: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    r"""``(softmax(Q Kᵀ / √d_k + bias) V, weights)``, written out: the reference path.

    q (..., T_q, d_k), k (..., T_k, d_k), v (..., T_k, d_v); ``mask`` bool, broadcastable to
    (..., T_q, T_k), True = may attend (masked scores become ``NEG_INF``; a row with no
    visible key gets zero weights); ``causal=True`` adds ``causal_mask(T_q, T_k)``; ``bias``
    (float, broadcastable to the scores) is added after the scaling: the hook for relative
    position terms.  Dropout (rate ``dropout``, in ``training`` only) acts on the weights used
    for the output; the weights returned are the softmax's, before dropout (each row sums to 1).
    """
    T_q, T_k = q.shape[-2], k.shape[-2]
    mask = _combine(_check_mask(mask, T_q, T_k, tuple(q.shape[:-2])), causal, T_q, T_k, q.device)
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if bias is not None:
        scores = scores + bias
    if mask is not None:
        scores = scores.masked_fill(~mask, _neg_inf(scores.dtype))
    weights = torch.softmax(scores, dim=-1)
    if mask is not None:  # a row with no visible key: zero weights, as SDPA (not uniform)
        weights = weights.masked_fill(~mask, 0.0)
    dropped = F.dropout(weights, dropout, training) if dropout and training else weights
    return dropped @ v, weights


def attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
              mask: torch.Tensor | None = None, dropout: float = 0.0, training: bool = False,
              use_sdpa: bool = False, causal: bool = False,
              bias: torch.Tensor | None = None) -> torch.Tensor:
    r"""The output of ``scaled_dot_product`` alone; ``use_sdpa=True`` computes it with
    ``torch.nn.functional.scaled_dot_product_attention`` (the bool mask passed as ``attn_mask``,
    True = attend in both; ``causal=True`` with T_q == T_k and no other mask becomes SDPA's
    ``is_causal``, its fastest kernel).  Both paths agree to 1e-5, rows without a visible key
    included (zero output); dropout draws differ."""
    if not use_sdpa:
        return scaled_dot_product(q, k, v, mask, dropout, training, causal, bias)[0]
    T_q, T_k = q.shape[-2], k.shape[-2]
    mask = _check_mask(mask, T_q, T_k, tuple(q.shape[:-2]))
    p = dropout if training else 0.0
    if causal and mask is None and bias is None and T_q == T_k:
        return F.scaled_dot_product_attention(q, k, v, dropout_p=p, is_causal=True)
    mask = _combine(mask, causal, T_q, T_k, q.device)
    if bias is not None:  # a float attn_mask is added to the scaled scores, like bias
        bias = bias.to(q.dtype)
        if mask is not None:
            bias = bias.masked_fill(~mask, _neg_inf(bias.dtype))
            out = F.scaled_dot_product_attention(q, k, v, attn_mask=bias, dropout_p=p)
            return out.masked_fill(~mask.any(-1, keepdim=True), 0.0)
        mask = bias
    return F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=p)


def causal_mask(T_q: int, T_k: int | None = None, device=None) -> torch.Tensor:
    r"""The causal mask, bool (T_q, T_k): query i, at absolute position :math:`T_k - T_q + i`,
    may see key j iff :math:`j \le T_k - T_q + i` (lower triangular when T_k = T_q; with a KV
    cache or a memory, T_k > T_q and the past keys are all visible)."""
    T_q = check_int("T_q (the number of queries)", T_q, 0)
    T_k = T_q if T_k is None else check_int("T_k (the number of keys)", T_k, 0)
    if T_k < T_q:
        raise ValueError(f"causal_mask needs T_k >= T_q (the keys include every query's own "
                         f"position), got T_q={T_q}, T_k={T_k}")
    return torch.ones(T_q, T_k, dtype=torch.bool, device=device).tril(T_k - T_q)


def padding_mask(x: torch.Tensor, T: int | None = None, *, pad_id: int | None = None
                 ) -> torch.Tensor:
    """The padding mask, bool (B, 1, 1, T), True = a real token (a key that may be attended).

    ``x`` is either the lengths (B,) of the sequences (then ``T`` defaults to the longest), a
    bool (B, T) tensor, True = real token (e.g. ``ids != pad_id``), or the ids (B, T) with
    ``pad_id=`` given."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"padding_mask needs a tensor of lengths (B,) or a bool tensor (B, T), "
                        f"got {type(x).__name__}")
    if x.dtype == torch.bool and x.dim() == 2 and pad_id is None:
        real = x
    elif x.dim() == 2 and pad_id is not None and not x.is_floating_point():
        real = x != pad_id
    elif x.dim() == 1 and not x.is_floating_point() and x.dtype != torch.bool and pad_id is None:
        if len(x) and x.min() < 0:
            raise ValueError(f"lengths must be >= 0, got {x.tolist()}")
        longest = int(x.max()) if len(x) else 0
        T = longest if T is None else check_int("T (the padded length)", T, longest)
        real = torch.arange(T, device=x.device) < x[:, None]
    else:
        raise ValueError(f"padding_mask needs lengths (B,) of an integer dtype, a bool (B, T) "
                         f"tensor (True = real token), or ids (B, T) with pad_id=; got a "
                         f"{x.dtype} tensor of shape {tuple(x.shape)}"
                         + (" and pad_id" if pad_id is not None else ""))
    return real[:, None, None, :]


class KVCache:
    """The keys and values that one attention layer has seen so far, (B, h, T_past, d_k) each.

    ``append(k, v)`` adds the new positions' keys and values and returns all of them; a model
    keeps one cache per layer (``[KVCache() for _ in range(n_layers)]``) and, at each step of
    generation, feeds only the new token: the past keys and values are never recomputed.
    ``length`` is T_past (the position offset of the next token); ``reorder(index)`` keeps the
    batch rows ``index`` (beam search); ``reset()`` empties it."""

    def __init__(self) -> None:
        self.k: torch.Tensor | None = None
        self.v: torch.Tensor | None = None

    @property
    def length(self) -> int:
        return 0 if self.k is None else self.k.shape[-2]

    def append(self, k: torch.Tensor, v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if self.k is None:
            self.k, self.v = k, v
        else:
            if k.shape[:-2] != self.k.shape[:-2]:
                raise ValueError(f"KVCache holds keys of shape {tuple(self.k.shape)}, the new ones "
                                 f"have shape {tuple(k.shape)}: the batch and heads must match; "
                                 f"reset() the cache for a new batch")
            self.k, self.v = torch.cat([self.k, k], -2), torch.cat([self.v, v], -2)
        return self.k, self.v

    def reorder(self, index: torch.Tensor) -> None:
        """Keep the batch rows ``index`` (repeats allowed): beam search following the
        surviving prefixes."""
        if self.k is not None:
            self.k, self.v = self.k[index], self.v[index]

    def reset(self) -> None:
        self.k = self.v = None

    def __repr__(self) -> str:
        return f"KVCache(length={self.length})"


class MultiHeadAttention(nn.Module):
    r"""h heads of scaled dot-product attention on learned projections, "project, then split".

    :math:`W^Q, W^K, W^V` (``w_q``, ``w_k``, ``w_v``) are :math:`d_{model} \times d_{model}`
    each; their outputs are split into h heads of :math:`d_k = d_{model}/h` (head i reads
    columns :math:`i d_k \dots (i+1) d_k - 1`: :math:`W^Q_i`), and the concatenated heads go
    through :math:`W^O` (``w_o``).  ``tie_qk=True`` uses one projection for queries and keys
    (:math:`W^K = W^Q`, so ``w_k`` is ``w_q``: :math:`d_{model}^2` (+ bias) fewer parameters),
    the notes' question "why different K and Q?".  ``dropout`` acts on the attention weights;
    ``use_sdpa`` chooses torch's fused kernel (same result)."""

    def __init__(self, d_model: int, n_heads: int, dropout: float = 0.0, bias: bool = True,
                 tie_qk: bool = False, use_sdpa: bool = True) -> None:
        super().__init__()
        d_model = check_int("d_model", d_model, 1)
        n_heads = check_int("n_heads", n_heads, 1)
        if d_model % n_heads:
            raise ValueError(f"d_model={d_model} is not divisible by n_heads={n_heads}: each head "
                             f"gets d_k = d_model / n_heads dimensions; choose d_model a multiple "
                             f"of n_heads (e.g. {d_model + n_heads - d_model % n_heads}) or "
                             f"n_heads a divisor of d_model")
        self.d_model, self.n_heads, self.d_k = d_model, n_heads, d_model // n_heads
        self.dropout = check_real("dropout (a probability)", dropout, 0, 1, high_open=True)
        self.tie_qk, self.use_sdpa = bool(tie_qk), bool(use_sdpa)
        self.w_q = nn.Linear(d_model, d_model, bias=bias)
        self.w_k = self.w_q if tie_qk else nn.Linear(d_model, d_model, bias=bias)
        self.w_v = nn.Linear(d_model, d_model, bias=bias)
        self.w_o = nn.Linear(d_model, d_model, bias=bias)
        self.weights: torch.Tensor | None = None  # (B, h, T_q, T_k), with keep_weights=True

    def split(self, x: torch.Tensor) -> torch.Tensor:
        """(B, T, d_model) -> (B, h, T, d_k): head i takes columns i d_k ... (i+1) d_k - 1."""
        B, T, _ = x.shape
        return x.view(B, T, self.n_heads, self.d_k).transpose(1, 2)

    def _check(self, x: torch.Tensor, name: str) -> None:
        if not isinstance(x, torch.Tensor) or x.dim() != 3 or x.shape[-1] != self.d_model:
            got = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
            raise ValueError(f"{name} must have shape (batch, T, d_model={self.d_model}), got {got}")

    def forward(self, x: torch.Tensor, context: torch.Tensor | None = None,
                mask: torch.Tensor | None = None, cache: KVCache | None = None,
                keep_weights: bool = False, causal: bool = False,
                bias: torch.Tensor | None = None) -> torch.Tensor:
        r"""Self-attention over ``x`` (B, T_q, d_model), or cross-attention with keys and values
        from ``context`` (B, T_k, d_model).  ``mask``: bool, broadcastable to (B, h, T_q, T_k);
        ``causal=True`` adds the causal mask (end-aligned, so it holds with a cache).  With a
        ``cache``, the new keys and values are appended to it and the queries attend over all of
        them.  ``keep_weights=True`` keeps the weights (B, h, T_q, T_k) in ``self.weights``
        (written-out path).  ``bias``: added to the scaled scores (relative positions)."""
        self._check(x, "x")
        src = x
        if context is not None:
            self._check(context, "context")
            src = context
        q = self.split(self.w_q(x))
        k = q if self.tie_qk and src is x else self.split(self.w_k(src))
        v = self.split(self.w_v(src))
        if cache is not None:
            k, v = cache.append(k, v)
        p = self.dropout if self.training else 0.0
        if keep_weights:
            out, w = scaled_dot_product(q, k, v, mask, p, self.training, causal, bias)
            self.weights = w.detach()
        else:
            out = attention(q, k, v, mask, p, self.training, self.use_sdpa, causal, bias)
        B, _, T, _ = out.shape
        return self.w_o(out.transpose(1, 2).reshape(B, T, self.d_model))

    def extra_repr(self) -> str:
        return (f"d_model={self.d_model}, n_heads={self.n_heads}, d_k={self.d_k}, "
                f"tie_qk={self.tie_qk}, use_sdpa={self.use_sdpa}")
