r"""Recurrent language models: an Elman RNN or an LSTM, whose state carries the whole history.

:math:`x_t = \tanh(W C(w_{t-1}) + U x_{t-1} + b)` for the RNN, with C the input embeddings and
:math:`x_t` the hidden vector that the output layer reads (:math:`s(w, h) = O_w^\top x_t + b_w`;
many texts write :math:`h_t`, the book keeps h for the history).  The LSTM adds a memory cell
:math:`c_t` and three gates, each :math:`\sigma(W_g C(w_{t-1}) + U_g x_{t-1} + b_g)` for
g = i, f, o: :math:`c_t = f_t \odot c_{t-1} + i_t \odot \tanh(W_c C(w_{t-1}) + U_c x_{t-1} + b_c)`
and :math:`x_t = o_t \odot \tanh(c_t)` (``torch.nn.LSTM``).  The model keeps no state
itself: ``model(x, y, state=state)`` takes the state after the previous batch and returns
the next one in ``.state`` (truncated back-propagation through time: the caller detaches it,
see ``lmkit.train``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from .base import NeuralLM, OutputConfig

__all__ = ["RNNConfig", "RNNLM"]


@dataclass(frozen=True)
class RNNConfig(OutputConfig):
    """``RNNLM``: ``vocab_size`` words, embeddings of size ``dim``, ``layers`` recurrent layers
    of ``hidden`` units (``cell`` ``"lstm"`` or ``"rnn"``), ``dropout`` on the embeddings, between
    layers and on the output, and ``tie`` (input embeddings C = output embeddings O: needs
    ``dim == hidden`` and an output layer with one vector per word); the output layer's options
    are keyword fields (``OutputConfig``)."""

    vocab_size: int
    dim: int
    hidden: int
    cell: str = "lstm"
    layers: int = 1
    dropout: float = 0.0
    tie: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        self._int("vocab_size", "vocab_size", 1)
        self._int("dim", "dim", 1)
        self._int("hidden", "hidden", 1)
        self._int("layers", "layers", 1)
        if self.cell not in ("rnn", "lstm"):
            raise ValueError(f"cell must be 'rnn' or 'lstm', got {self.cell!r}")
        self._real("dropout", "dropout (a probability)", 0, 1, high_open=True)
        self._bool("tie")
        if self.tie and (self.dim != self.hidden or self.output not in ("full", "importance", "nce")):
            raise ValueError(f"tie=True needs dim == hidden and a full or sampled softmax output "
                             f"(got dim={self.dim}, hidden={self.hidden}, output={self.output!r})")


class RNNLM(NeuralLM):
    r"""A recurrent LM (Elman RNN or LSTM): ``x`` is (B, T) and every position is predicted.

    ``tie=True`` shares the input embeddings with the output embeddings, :math:`O = C`
    (Press and Wolf; Inan et al.): a word is one vector, whether it is read or predicted.
    """

    config_class = RNNConfig
    recurrent = True

    def __init__(self, config: RNNConfig, *, counts=None, vocab=None) -> None:
        super().__init__(config, vocab=vocab)
        c = config
        self.output = self._make_output(c.hidden, counts)  # first: the book's random start
        self.emb = nn.Embedding(c.vocab_size, c.dim)
        rnn = nn.LSTM if c.cell == "lstm" else nn.RNN
        self.rnn = rnn(c.dim, c.hidden, num_layers=c.layers, batch_first=True,
                       dropout=c.dropout if c.layers > 1 else 0.0)
        self.drop = nn.Dropout(c.dropout)
        if c.tie:
            with torch.no_grad():
                self.output.proj.weight.copy_(self.emb.weight * 0.1)
            self.emb.weight = self.output.proj.weight

    def features(self, x: torch.Tensor, state: Any = None) -> tuple[torch.Tensor, Any]:
        """The hidden vectors (B x T x hidden) for the ids x (B x T), from ``state`` (None: the
        start of B new texts), and the state after the last position (``(h, c)`` for an LSTM)."""
        self._check_ids(x, (None, None), "one row of word ids per text")
        if state is not None:
            self._check_state(state, x.shape[0])
        out, state = self.rnn(self.drop(self.emb(x)), state)
        return self.drop(out), state

    def _check_state(self, state: Any, rows: int) -> None:
        c = self.config
        want = (c.layers, rows, c.hidden)
        lstm = c.cell == "lstm"
        parts = state if lstm and isinstance(state, tuple) and len(state) == 2 else (state,)
        if (lstm and parts == (state,)) or not all(isinstance(p, torch.Tensor) for p in parts):
            raise TypeError(f"state must be {'a pair (h, c) of tensors' if lstm else 'a tensor'}, "
                            f"as returned in .state by the previous call; got {type(state).__name__}")
        for p in parts:
            if p.dim() == 3 and p.shape[1] != rows:
                raise ValueError(f"the state is that of {p.shape[1]} texts but x has {rows} "
                                 f"rows: pass state=None to start new texts")
            if tuple(p.shape) != want:
                raise ValueError(f"the state must have shape {want} (layers, texts, hidden), got "
                                 f"{tuple(p.shape)}: pass the .state of the previous call, or None")
