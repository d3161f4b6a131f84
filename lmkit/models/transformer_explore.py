r"""Small experiments on the Transformer block (chapter 7, ``07b_transformer_block``).

- ``block_loss``: the mean cross-entropy (nats per character) of a GPT on consecutive
  non-overlapping blocks of a stream;
- ``train_char_gpt``: a small ``GPT`` trained for a fixed number of steps with
  ``lmkit.train.train``, returning its validation and final training loss: the runner shared
  by the chapter's comparisons (positions, tying, label smoothing, pre- and post-norm);
- ``grad_norms_at_init``: the gradient norm of every block of a fresh GPT, the picture of
  pre- against post-norm at initialisation;
- ``cross_attention_weights``: the decoder's cross-attention weights of an
  ``EncoderDecoder`` under teacher forcing.
"""

from __future__ import annotations

import math
import time

import numpy as np
import torch

from ..checks import check_int
from ..runtime import evaluating
from ..data.charlm import CharData
from .gpt import GPT, GPTConfig
from .seq2seq import EncoderDecoder

__all__ = ["block_loss", "cross_attention_weights", "grad_norms_at_init", "train_char_gpt"]


def block_loss(model: GPT, ids: np.ndarray, block: int | None = None,
               max_blocks: int | None = None) -> float:
    r"""The mean :math:`-\ln p(w_t \mid \text{its block so far})` over consecutive
    non-overlapping blocks of ``block`` ids (the model's block size by default) of ``ids``,
    the first ``max_blocks`` of them (all by default), in evaluation mode."""
    block = model.config.block_size if block is None else check_int("block", block, 1)
    t = torch.as_tensor(np.asarray(ids, dtype=np.int64), device=next(model.parameters()).device)
    n = (len(t) - 1) // block
    if max_blocks is not None:
        n = min(n, check_int("max_blocks", max_blocks, 1))
    if n < 1:
        raise ValueError(f"a stream of {len(t)} ids holds no block of {block} + 1")
    x, y = t[: n * block].view(n, block), t[1: n * block + 1].view(n, block)
    with evaluating(model):
        total = sum(model(x[i:i + 64], y[i:i + 64]).loss.item() * len(x[i:i + 64])
                    for i in range(0, n, 64))
    return total / n


def train_char_gpt(data: CharData, steps: int, *, block: int = 64, batch: int = 32,
                   lr: float = 3e-3, warmup: int = 20, seed: int = 0,
                   eval_blocks: int | None = 200, **config) -> dict:
    """Train ``GPT(GPTConfig(len(data.vocab), block, **config))`` (``config``: n_layer, n_head,
    d_model, positions, norm, tie_weights, label_smoothing, ...) for ``steps`` steps of
    ``batch`` random windows (``lmkit.train.random_windows``, seeded with ``seed``; the weights
    are seeded with ``seed`` too) with ``lmkit.train.train`` (AdamW, warm-up then cosine decay).

    Returns ``model``, ``params`` (its parameter count), ``valid`` (``block_loss`` on the
    first ``eval_blocks`` blocks of ``data.valid``, nats per character), ``train`` (the same
    on the first ``eval_blocks`` blocks of ``data.train``, in evaluation mode: the exact
    cross-entropy, also for a label-smoothed model), ``history`` and ``seconds`` (CPU time of
    this process)."""
    from ..train import random_windows, train

    if not isinstance(data, CharData):
        raise TypeError(f"data must be a CharData (lmkit.data.char_split(text)), got "
                        f"{type(data).__name__}")
    steps = check_int("steps", steps, 1)
    torch.manual_seed(check_int("seed", seed, 0))
    model = GPT(GPTConfig(len(data.vocab), block, **config))
    cpu = time.process_time()
    hist = train(model, random_windows(data.train, block, batch, seed), steps=steps, lr=lr,
                 warmup=warmup, seed=seed, progress=False)
    valid = block_loss(model, data.valid, block, eval_blocks)
    fit = block_loss(model, data.train, block, eval_blocks)
    return dict(model=model, params=model.num_params(), valid=valid, train=fit,
                history=hist, seconds=time.process_time() - cpu)


def grad_norms_at_init(config: GPTConfig, x: torch.Tensor, y: torch.Tensor,
                       seed: int = 0) -> np.ndarray:
    r"""The gradient norm :math:`\lVert \partial L / \partial \theta_l \rVert` of the
    parameters :math:`\theta_l` of every block l = 1 ... n_layer of a freshly initialised
    ``GPT(config)`` (seeded with ``seed``) on one batch (x, y)."""
    if not isinstance(config, GPTConfig):
        raise TypeError(f"config must be a GPTConfig, got {type(config).__name__}")
    torch.manual_seed(check_int("seed", seed, 0))
    model = GPT(config)
    model(x, y).loss.backward()
    return np.array([math.sqrt(sum(float((p.grad ** 2).sum()) for p in blk.parameters()
                                   if p.grad is not None)) for blk in model.blocks])


def cross_attention_weights(model: EncoderDecoder, src: torch.Tensor,
                            tgt_in: torch.Tensor) -> torch.Tensor:
    """The cross-attention weights (n_layer, B, n_head, T, S) of every decoder layer when
    the decoder reads ``tgt_in`` (teacher forcing) against the encoded ``src``: row t says
    where in the source the prediction of target token t + 1 looks."""
    if not isinstance(model, EncoderDecoder):
        raise TypeError(f"model must be an EncoderDecoder, got {type(model).__name__}")
    with evaluating(model):
        memory, mask = model.encode(src)
        tgt_in = model._ids(tgt_in, "tgt_in", model.config.tgt_vocab)
        x = model.pos(model.tgt_emb(tgt_in) * math.sqrt(model.config.d_model))
        model.decoder(x, context=memory, context_mask=mask, keep_weights=True)
    return torch.stack([blk.cross.weights for blk in model.decoder.blocks])
