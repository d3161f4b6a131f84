r"""Transformer blocks: the feed-forward layer, one block, and the encoder and decoder stacks.

A block is self-attention (and, in a decoder, cross-attention to the encoder's output) then a
position-wise feed-forward layer, :math:`\mathrm{FFN}(x) = \phi(x W_1 + b_1) W_2 + b_2`
(φ = ReLU in Vaswani et al. 2017, GELU in GPT), each sub-layer f wrapped in a residual
connection and a layer norm, either

- post-norm (the original Transformer): :math:`x \leftarrow \mathrm{LN}(x + f(x))`, or
- pre-norm (GPT-2 and most since): :math:`x \leftarrow x + f(\mathrm{LN}(x))`, with one final
  LN after the last block; it trains without a long warm-up.

``Encoder`` is bidirectional (a padding mask only); ``Decoder`` is causal, with cross-attention
when it reads an encoder (``cross_attention=False`` gives a GPT-style decoder-only stack).
Both take embedded inputs (B, T, d_model): the token embeddings and positions are the model's.
"""

from __future__ import annotations

from typing import Sequence

import torch
from torch import nn

from ..checks import check_int, check_real
from .attention import KVCache, MultiHeadAttention

__all__ = ["Block", "Decoder", "Encoder", "FeedForward"]

_ACTIVATIONS = {"gelu": nn.GELU, "relu": nn.ReLU}


class FeedForward(nn.Module):
    r""":math:`\mathrm{FFN}(x) = \mathrm{dropout}(\phi(x W_1 + b_1) W_2 + b_2)`, applied at every
    position alike; :math:`W_1` is :math:`d_{model} \times d_{ff}` (``w_1``), :math:`W_2` is
    :math:`d_{ff} \times d_{model}` (``w_2``), φ = ``activation`` ("gelu" or "relu")."""

    def __init__(self, d_model: int, d_ff: int, dropout: float = 0.0, activation: str = "gelu",
                 bias: bool = True) -> None:
        super().__init__()
        if activation not in _ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(_ACTIVATIONS)}, got {activation!r}")
        d_model, d_ff = check_int("d_model", d_model, 1), check_int("d_ff", d_ff, 1)
        self.w_1 = nn.Linear(d_model, d_ff, bias=bias)
        self.act = _ACTIVATIONS[activation]()
        self.w_2 = nn.Linear(d_ff, d_model, bias=bias)
        self.drop = nn.Dropout(check_real("dropout (a probability)", dropout, 0, 1, high_open=True))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.drop(self.w_2(self.act(self.w_1(x))))


class Block(nn.Module):
    r"""One Transformer block: self-attention, cross-attention (``cross_attention=True``), then
    the feed-forward layer (``d_ff`` = 4 d_model by default), each f with a residual connection
    and a layer norm (of epsilon ``eps``), ``norm="pre"``: :math:`x + f(\mathrm{LN}(x))`, or
    ``"post"``: :math:`\mathrm{LN}(x + f(x))`.  ``dropout`` acts on the attention weights and on each
    sub-layer's output before it is added."""

    def __init__(self, d_model: int, n_heads: int, d_ff: int | None = None, dropout: float = 0.0,
                 norm: str = "pre", cross_attention: bool = False, bias: bool = True,
                 tie_qk: bool = False, use_sdpa: bool = True, activation: str = "gelu",
                 eps: float = 1e-5) -> None:
        super().__init__()
        if norm not in ("pre", "post"):
            raise ValueError(f"norm must be 'pre' (x + f(LN(x))) or 'post' (LN(x + f(x))), "
                             f"got {norm!r}")
        self.norm = norm
        d_model = check_int("d_model", d_model, 1)
        d_ff = 4 * d_model if d_ff is None else d_ff
        attn = dict(dropout=dropout, bias=bias, tie_qk=tie_qk, use_sdpa=use_sdpa)
        eps = check_real("eps (LayerNorm's)", eps, 0, low_open=True)
        self.ln_1 = nn.LayerNorm(d_model, eps=eps, bias=bias)
        self.attn = MultiHeadAttention(d_model, n_heads, **attn)
        self.ln_c = nn.LayerNorm(d_model, eps=eps, bias=bias) if cross_attention else None
        self.cross = MultiHeadAttention(d_model, n_heads, **attn) if cross_attention else None
        self.ln_2 = nn.LayerNorm(d_model, eps=eps, bias=bias)
        self.ffn = FeedForward(d_model, d_ff, dropout, activation, bias)
        self.drop = nn.Dropout(dropout)

    def _sub(self, x: torch.Tensor, ln: nn.LayerNorm, f) -> torch.Tensor:
        """One residual sub-layer, pre- or post-norm."""
        return x + f(ln(x)) if self.norm == "pre" else ln(x + f(x))

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None,
                context: torch.Tensor | None = None, context_mask: torch.Tensor | None = None,
                cache: KVCache | None = None, causal: bool = False,
                keep_weights: bool = False) -> torch.Tensor:
        """x (B, T, d_model); ``mask`` (and ``causal``) for the self-attention, ``context`` (B, S,
        d_model) and ``context_mask`` (e.g. the source's padding mask) for the cross-attention;
        ``cache``: the self-attention's ``KVCache``."""
        if (context is None) != (self.cross is None):
            raise ValueError("a block built with cross_attention=True needs context= (the "
                             "encoder's output)" if context is None else
                             "context= was given to a block without cross-attention: build it "
                             "with cross_attention=True")
        x = self._sub(x, self.ln_1, lambda h: self.drop(self.attn(
            h, mask=mask, cache=cache, causal=causal, keep_weights=keep_weights)))
        if self.cross is not None:
            x = self._sub(x, self.ln_c, lambda h: self.drop(self.cross(
                h, context=context, mask=context_mask, keep_weights=keep_weights)))
        return self._sub(x, self.ln_2, self.ffn)


class _Stack(nn.Module):
    """n_layers Blocks, and the final LayerNorm of a pre-norm stack."""

    def __init__(self, n_layers: int, d_model: int, n_heads: int, cross_attention: bool,
                 norm: str, **kw) -> None:
        super().__init__()
        n_layers = check_int("n_layers", n_layers, 1)
        self.blocks = nn.ModuleList(Block(d_model, n_heads, norm=norm,
                                          cross_attention=cross_attention, **kw)
                                    for _ in range(n_layers))
        self.ln_f = (nn.LayerNorm(d_model, eps=kw.get("eps", 1e-5), bias=kw.get("bias", True))
                     if norm == "pre" else None)

    def _final(self, x: torch.Tensor) -> torch.Tensor:
        return x if self.ln_f is None else self.ln_f(x)


class Encoder(_Stack):
    """A bidirectional stack: every position sees every (non-padding) position.
    ``forward(x, mask=None)``: x (B, T, d_model), ``mask`` a padding mask (``padding_mask``).
    ``causal=True`` makes the same stack one-way (position t sees t' <= t): the body of a
    decoder-only LM, to compare the two objectives on one architecture (chapter 8)."""

    def __init__(self, n_layers: int, d_model: int, n_heads: int, d_ff: int | None = None,
                 dropout: float = 0.0, norm: str = "pre", bias: bool = True,
                 tie_qk: bool = False, use_sdpa: bool = True, activation: str = "gelu",
                 eps: float = 1e-5) -> None:
        super().__init__(n_layers, d_model, n_heads, False, norm, d_ff=d_ff, dropout=dropout,
                         bias=bias, tie_qk=tie_qk, use_sdpa=use_sdpa, activation=activation,
                         eps=eps)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None,
                keep_weights: bool = False, causal: bool = False) -> torch.Tensor:
        for block in self.blocks:
            x = block(x, mask=mask, keep_weights=keep_weights, causal=causal)
        return self._final(x)


class Decoder(_Stack):
    """A causal stack: position t sees positions <= t, and (``cross_attention=True``, the
    default) the encoder's output ``context``.  ``forward(x, mask=None, context=None,
    context_mask=None, caches=None)``: ``mask`` an extra self-attention mask (e.g. the target's
    padding), combined with the causal one; ``caches`` one ``KVCache`` per layer
    (``new_caches()``), for generation token by token."""

    def __init__(self, n_layers: int, d_model: int, n_heads: int, d_ff: int | None = None,
                 dropout: float = 0.0, norm: str = "pre", cross_attention: bool = True,
                 bias: bool = True, tie_qk: bool = False, use_sdpa: bool = True,
                 activation: str = "gelu") -> None:
        super().__init__(n_layers, d_model, n_heads, cross_attention, norm, d_ff=d_ff,
                         dropout=dropout, bias=bias, tie_qk=tie_qk, use_sdpa=use_sdpa,
                         activation=activation)

    def new_caches(self) -> list[KVCache]:
        """One empty ``KVCache`` per layer."""
        return [KVCache() for _ in self.blocks]

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None,
                context: torch.Tensor | None = None, context_mask: torch.Tensor | None = None,
                caches: Sequence[KVCache] | None = None, keep_weights: bool = False
                ) -> torch.Tensor:
        if caches is not None and len(caches) != len(self.blocks):
            raise ValueError(f"caches must hold one KVCache per layer ({len(self.blocks)}), got "
                             f"{len(caches)}: use decoder.new_caches()")
        for i, block in enumerate(self.blocks):
            x = block(x, mask=mask, context=context, context_mask=context_mask, causal=True,
                      cache=None if caches is None else caches[i], keep_weights=keep_weights)
        return self._final(x)
