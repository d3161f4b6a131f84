r"""Feed-forward language models: a fixed window of the n-1 previous words.

Both models read ``x`` of shape (B, n-1), the context of each of B targets, oldest word
first, embed it with :math:`C \in \mathbb{R}^{|V| \times m}` (the input embeddings), and
turn it into one hidden vector x per row (``features``, which calls it ``h``) that the output
layer reads: the score of word w is :math:`s(w, h) = O_w^\top x + b_w`, with O the output
embedding matrix (notation as in the book's notation page).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from .base import NeuralLM, OutputConfig

__all__ = ["AverageConfig", "AverageLM", "BengioConfig", "BengioLM"]


@dataclass(frozen=True)
class AverageConfig(OutputConfig):
    """``AverageLM``: ``vocab_size`` words, embeddings (and h) of size ``dim``, a history of
    ``context`` words; the output layer's options are keyword fields (``OutputConfig``)."""

    vocab_size: int
    dim: int
    context: int

    def __post_init__(self) -> None:
        super().__post_init__()
        self._int("vocab_size", "vocab_size", 1)
        self._int("dim", "dim", 1)
        self._int("context", "context (the words of history)", 1)


@dataclass(frozen=True)
class BengioConfig(OutputConfig):
    """``BengioLM``: ``vocab_size`` words, embeddings of size ``dim``, a tanh layer of
    ``hidden`` units over ``context`` words, optionally the ``skip`` connection."""

    vocab_size: int
    dim: int
    hidden: int
    context: int
    skip: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        self._int("vocab_size", "vocab_size", 1)
        self._int("dim", "dim", 1)
        self._int("hidden", "hidden", 1)
        self._int("context", "context (the words of history)", 1)
        self._bool("skip")


class _FeedForward(NeuralLM):
    def _embed(self, x: torch.Tensor, state) -> torch.Tensor:
        if state is not None:
            raise ValueError(f"{type(self).__name__} is a feed-forward model: it carries no "
                             f"state (pass state=None)")
        n = self.config.context
        self._check_ids(x, (None, n), f"the {n} previous words of each target, oldest first "
                                      f"(context={n})")
        return self.emb(x)


class AverageLM(_FeedForward):
    r"""The simplest hidden layer: a position-weighted average of the n-1 context embeddings,
    :math:`x = \tanh\big(\sum_{j=1}^{n-1} a_j\, C(w_{i-j})\big)`, with learned weights a_j
    (a softmax keeps them positive, summing to one)."""

    config_class = AverageConfig

    def __init__(self, config: AverageConfig, *, counts=None, vocab=None) -> None:
        super().__init__(config, vocab=vocab)
        self.output = self._make_output(config.dim, counts)  # first: the book's random start
        self.emb = nn.Embedding(config.vocab_size, config.dim)
        self.pos = nn.Parameter(torch.zeros(config.context))

    def features(self, x: torch.Tensor, state=None) -> tuple[torch.Tensor, None]:
        """The hidden vectors (B x dim) for the contexts x (B x context); no state."""
        a = torch.softmax(self.pos, 0)
        return torch.tanh(torch.einsum("j,bjd->bd", a, self._embed(x, state))), None


class BengioLM(_FeedForward):
    r"""Bengio et al.'s feed-forward model: the n-1 context embeddings concatenated,
    :math:`e = [C(w_{i-n+1}); \dots; C(w_{i-1})]` (the paper's x), a tanh hidden layer
    :math:`x = \tanh(We + b)` (the paper's H and d), and optionally the skip connection
    :math:`x = e \oplus \tanh(We + b)` that lets the output see e directly (then x has
    ``hidden + context * dim`` entries)."""

    config_class = BengioConfig

    def __init__(self, config: BengioConfig, *, counts=None, vocab=None) -> None:
        super().__init__(config, vocab=vocab)
        c = config
        out_dim = c.hidden + (c.context * c.dim if c.skip else 0)
        self.output = self._make_output(out_dim, counts)  # first: the book's random start
        self.emb = nn.Embedding(c.vocab_size, c.dim)
        self.hidden_layer = nn.Linear(c.context * c.dim, c.hidden)

    def features(self, x: torch.Tensor, state=None) -> tuple[torch.Tensor, None]:
        """The hidden vectors (B x hidden, or hidden + context*dim with skip) for the
        contexts x (B x context); no state."""
        e = self._embed(x, state).flatten(1)
        h = torch.tanh(self.hidden_layer(e))
        return (torch.cat([e, h], 1) if self.config.skip else h), None
