r"""Recipes for a character GPT: a model size and the way to train it, by name.

A ``GPTRecipe`` holds what a run needs besides the data: the ``GPTConfig`` sizes and the
training settings of ``lmkit.train.train``: AdamW with :math:`\beta = (0.9, \beta_2)` and
decoupled weight decay on the weight matrices, a linear warm-up then nanoGPT's cosine down to
``floor`` times the peak rate (``lmkit.train.cosine_to``), gradients clipped to norm 1, batches
of random windows (``lmkit.train.random_windows``, nanoGPT's ``get_batch``).
``recipe.fit(data)`` trains one on a ``CharData`` split and scores the validation stream.

================  =====================================================================
``NANOGPT_CPU``   nanoGPT's CPU run on Tiny Shakespeare (Karpathy 2022, its README): 4 layers,
                  4 heads, 128 wide, block 64, batch 12, no dropout, no biases, lr 1e-3
                  (:math:`\beta_2` 0.99, weight decay 0.1), 100 warm-up steps, 2,000
                  iterations, cosine to lr / 10; fused AdamW on a GPU only, as nanoGPT
                  (lmkit's output layer keeps |V| biases that nanoGPT's lacks).
``FAST_CPU``      lmkit's default for a CPU: one block of 4 heads, 128 wide, block 64, batch
                  32, lr 1e-2 after 30 warm-up steps, cosine to 0, fused AdamW, 600 steps:
                  a shallow model, more windows a step and a rate ten times higher.  Chosen
                  among ten tries (1 or 2 layers, 128 or 192 wide, batch 16 to 64, lr 6e-3 to
                  2e-2) on the training time to nanoGPT's CPU loss on the validation split,
                  which is thus not an unseen test set for it (``benchmarks/bench_gpt.py``).
``NANOGPT_GPU``   nanoGPT's ``train_shakespeare_char.py``: 6 layers, 6 heads, 384 wide, block
                  256, batch 64, dropout 0.2, lr 1e-3, 5,000 iterations.
================  =====================================================================
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import partial

import torch

from ..checks import check_int
from ..data.charlm import CharData
from .gpt import GPT, GPTConfig

__all__ = ["FAST_CPU", "GPTRecipe", "NANOGPT_CPU", "NANOGPT_GPU", "RECIPES"]


@dataclass(frozen=True)
class GPTRecipe:
    """A GPT's sizes (``n_layer``, ``n_head``, ``d_model``, ``block_size``, ``dropout``,
    ``bias``) and its training (``batch`` windows a step for ``steps`` steps, peak ``lr`` after
    ``warmup`` steps, cosine to ``floor`` · lr, AdamW's ``beta2`` and ``weight_decay``,
    ``clip``); ``fused``: fused AdamW (None: on a GPU only, nanoGPT's rule)."""

    name: str
    n_layer: int
    n_head: int
    d_model: int
    block_size: int
    batch: int
    steps: int
    lr: float
    warmup: int = 100
    floor: float = 0.1
    beta2: float = 0.99
    weight_decay: float = 0.1
    dropout: float = 0.0
    bias: bool = False
    clip: float = 1.0
    fused: bool | None = None

    def replace(self, **changes) -> "GPTRecipe":
        """A copy with ``changes`` (e.g. ``steps=500``)."""
        return dataclasses.replace(self, **changes)

    def config(self, vocab_size: int) -> GPTConfig:
        """The model's ``GPTConfig`` for a vocabulary of ``vocab_size`` (weights tied, learned
        positions, pre-norm: GPT-2's, as nanoGPT)."""
        return GPTConfig(vocab_size, self.block_size, self.n_layer, self.n_head, self.d_model,
                         dropout=self.dropout, bias=self.bias)

    def optimizer(self, device) -> partial:
        """The optimiser factory for ``train(optimizer=...)``: AdamW(β = (0.9, beta2)), fused
        where the recipe asks for it."""
        fused = torch.device(device).type == "cuda" if self.fused is None else self.fused
        return partial(torch.optim.AdamW, betas=(0.9, self.beta2), fused=fused)

    def fit(self, data: CharData, *, steps: int | None = None, eval_every: int | None = None,
            eval_blocks: int | None = None, seed: int = 0, device=None,
            progress: bool = False, plot: bool = False) -> tuple[GPT, dict]:
        """Train ``GPT(self.config(len(data.vocab)))`` on ``data.train`` (``steps`` overrides
        the recipe's; weights and batches seeded with ``seed``) and return ``(model,
        history)``.  ``eval_every``: score ``block_loss`` on the first ``eval_blocks`` blocks
        of ``data.valid`` (all by default) every so many steps and after the last
        (``history["valid_loss"]``, with the training time at each in
        ``history["valid_seconds"]``); None: once, after the last step.  ``progress`` and
        ``plot``: the loop's progress bar and live plot.  The model knows ``data.vocab``."""
        from ..runtime import get_device
        from ..train import cosine_to, random_windows, train
        from .transformer_explore import block_loss

        if not isinstance(data, CharData):
            raise TypeError(f"data must be a CharData (lmkit.data.tiny_shakespeare() or "
                            f"char_split(text)), got {type(data).__name__}")
        steps = self.steps if steps is None else check_int("steps", steps, 1)
        eval_every = steps if eval_every is None else check_int("eval_every", eval_every, 1)
        device = get_device() if device is None else torch.device(device)
        torch.manual_seed(check_int("seed", seed, 0))
        model = GPT(self.config(len(data.vocab)), vocab=data.vocab).to(device)
        valid = data.valid

        def evaluate() -> float:
            return block_loss(model, valid, max_blocks=eval_blocks)

        history = train(model, random_windows(data.train, self.block_size, self.batch, seed,
                                              device=device),
                        steps=steps, lr=self.lr, warmup=self.warmup,
                        schedule=cosine_to(self.floor), clip=self.clip,
                        weight_decay=self.weight_decay, optimizer=self.optimizer(device),
                        evaluate=evaluate, eval_every=eval_every, seed=seed,
                        progress=progress, plot=plot, title=self.name)
        return model, history


NANOGPT_CPU = GPTRecipe("nanoGPT CPU", n_layer=4, n_head=4, d_model=128, block_size=64,
                        batch=12, steps=2000, lr=1e-3)
FAST_CPU = GPTRecipe("lmkit CPU", n_layer=1, n_head=4, d_model=128, block_size=64, batch=32,
                     steps=600, lr=1e-2, warmup=30, floor=0.0, fused=True)
NANOGPT_GPU = GPTRecipe("nanoGPT GPU", n_layer=6, n_head=6, d_model=384, block_size=256,
                        batch=64, steps=5000, lr=1e-3, dropout=0.2)

#: the recipes by name
RECIPES = {r.name: r for r in (NANOGPT_CPU, FAST_CPU, NANOGPT_GPU)}
