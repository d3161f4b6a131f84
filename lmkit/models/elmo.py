r"""ELMo's bidirectional language model (Peters et al. 2018), and its layers as features.

Two LSTM language models read the same tokens :math:`t_1 \dots t_N` in opposite directions and
share the token embedding :math:`\Theta_x` and the softmax :math:`\Theta_s`; training maximises

.. math::  \sum_{k=1}^{N} \Big( \ln p(t_k \mid t_1, \dots, t_{k-1};
           \Theta_x, \overrightarrow\Theta_{LSTM}, \Theta_s)
           + \ln p(t_k \mid t_{k+1}, \dots, t_N;
           \Theta_x, \overleftarrow\Theta_{LSTM}, \Theta_s) \Big),

the notes' "two one-way LMs", not one model that sees both sides at once: the forward
state at k has read :math:`t_{\le k}`, the backward state :math:`t_{\ge k}`, and neither
direction ever reads the word it predicts.  Each direction has ``layers`` LSTM layers of
``hidden`` cells, projected to ``dim`` when ``hidden > dim`` (ELMo's LSTMP), with a residual
connection around every layer after the first.

**Features.** Token k gets L + 1 representations,
:math:`h_{k,0} = [x_k; x_k]` (its embedding, twice, to match the width) and
:math:`h_{k,j} = [\overrightarrow h_{k,j}; \overleftarrow h_{k,j}]` for j = 1..L, each of size
2 ``dim``; a task mixes them with ``lmkit.nn.ScalarMix``.  ELMo's token layer is a character
CNN; this one is a word embedding, so an unknown word is ``<unk>``.

**Training with the book's loop.** ``model(x, targets)`` takes the windows of
``lmkit.train.random_windows``: ``targets`` is x shifted by one, so the window
:math:`t_0 \dots t_T` is known; the forward LM reads :math:`t_0 \dots t_{T-1}` and predicts
:math:`t_1 \dots t_T`, the backward LM reads :math:`t_T \dots t_1` and predicts
:math:`t_{T-1} \dots t_0`.  The loss is the mean of the two directions' losses.  Scoring
(``token_logprobs``, ``perplexity``) is the forward LM's, as for every LM of the book.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from .base import LMOutput, NeuralLM, OutputConfig

__all__ = ["BiLM", "ElmoConfig"]


@dataclass(frozen=True)
class ElmoConfig(OutputConfig):
    """``BiLM``: ``vocab_size`` words, embeddings and layer outputs of size ``dim``, ``layers``
    LSTM layers per direction of ``hidden`` cells (projected to ``dim`` when larger), and
    ``dropout`` on the embeddings and on every layer's output; the shared output layer's
    options are keyword fields (``OutputConfig``).  (torch runs a projected LSTM without
    oneDNN: on a CPU, 256 cells projected to 128 train about 4x slower than 128 cells.)"""

    vocab_size: int
    dim: int = 128
    hidden: int = 128
    layers: int = 2
    dropout: float = 0.1

    def __post_init__(self) -> None:
        super().__post_init__()
        self._int("vocab_size", "vocab_size", 1)
        self._int("dim", "dim", 1)
        self._int("hidden", "hidden", 1)
        self._int("layers", "layers", 1)
        self._real("dropout", "dropout (a probability)", 0, 1, high_open=True)
        if self.hidden < self.dim:
            raise ValueError(f"hidden ({self.hidden}) must be at least dim ({self.dim}): the "
                             f"cells are projected down to dim, never up")


def _reverse(x: torch.Tensor, lengths: torch.Tensor | None) -> torch.Tensor:
    """Each row's first ``lengths[b]`` positions reversed in place (all of them when None);
    the padding after them stays where it is.  Its own inverse."""
    if lengths is None:
        return x.flip(1)
    T = x.shape[1]
    t = torch.arange(T, device=x.device)
    idx = torch.where(t < lengths[:, None], lengths[:, None] - 1 - t, t)       # (B, T)
    if x.dim() == 3:
        idx = idx[..., None].expand(-1, -1, x.shape[2])
    return x.gather(1, idx)


class BiLM(NeuralLM):
    """ELMo's biLM (see the module's docstring): ``model(x, targets) -> (logits, loss)``,
    ``layers(x, mask)`` the L + 1 representations, ``losses(x, targets)`` each direction's
    exact loss."""

    config_class = ElmoConfig
    recurrent = True

    def __init__(self, config: ElmoConfig, *, counts=None, vocab=None) -> None:
        super().__init__(config, vocab=vocab)
        c = config
        self.output = self._make_output(c.dim, counts)      # shared by both directions
        self.emb = nn.Embedding(c.vocab_size, c.dim)        # shared by both directions
        proj = c.dim if c.hidden > c.dim else 0

        def stack():
            return nn.ModuleList(nn.LSTM(c.dim, c.hidden, batch_first=True, proj_size=proj)
                                 for _ in range(c.layers))

        self.fwd, self.bwd = stack(), stack()
        self.drop = nn.Dropout(c.dropout)

    def _run(self, lstms: nn.ModuleList, e: torch.Tensor, state: Any = None
             ) -> tuple[list[torch.Tensor], tuple]:
        outs, states = [], []
        h = e
        for i, lstm in enumerate(lstms):
            o, s = lstm(h, None if state is None else state[i])
            o = self.drop(o)
            h = o if i == 0 else o + h
            outs.append(h)
            states.append(s)
        return outs, tuple(states)

    def _check_state(self, state: Any) -> None:
        n = self.config.layers
        if not (isinstance(state, tuple) and len(state) == n and all(
                isinstance(s, tuple) and len(s) == 2 for s in state)):
            raise TypeError(f"state must be the .state of the previous features() call: one "
                            f"(h, c) pair per layer ({n}); got {type(state).__name__}")

    def features(self, x: torch.Tensor, state: Any = None) -> tuple[torch.Tensor, Any]:
        """The forward LM's top layer (B, T, dim) for the ids x (B, T), from ``state`` (None:
        new texts), and its state after the last position: what scoring reads."""
        self._check_ids(x, (None, None), "one row of word ids per text")
        if state is not None:
            self._check_state(state)
        outs, state = self._run(self.fwd, self.drop(self.emb(x)), state)
        return outs[-1], state

    def _check_targets(self, x: torch.Tensor, targets: torch.Tensor) -> None:
        if not isinstance(targets, torch.Tensor) or targets.shape != x.shape:
            got = tuple(targets.shape) if isinstance(targets, torch.Tensor) else \
                type(targets).__name__
            raise ValueError(f"targets must have the shape of x {tuple(x.shape)}, the next word "
                             f"at every position, got {got}")
        if not torch.equal(targets[:, :-1], x[:, 1:]):
            raise ValueError("targets must be x shifted by one (as lmkit.train.random_windows "
                             "makes them): the backward LM reads them and predicts x")
        self._check_ids(targets, (None, None), "one row of next-word ids per text")

    def _directions(self, x: torch.Tensor, targets: torch.Tensor
                    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        """(forward top, its targets, backward top, its targets), flattened."""
        self._check_ids(x, (None, None), "one row of word ids per text")
        self._check_targets(x, targets)
        d = self.config.dim
        f, _ = self._run(self.fwd, self.drop(self.emb(x)))
        b, _ = self._run(self.bwd, self.drop(self.emb(targets.flip(1))))
        return (f[-1].reshape(-1, d), targets.reshape(-1),
                b[-1].reshape(-1, d), x.flip(1).reshape(-1))

    def forward(self, x: torch.Tensor, targets: torch.Tensor | None = None,
                state: Any = None) -> LMOutput:
        """With targets: the mean of the two directions' losses (training loss in training
        mode, exact NLL in evaluation mode).  Without: the forward LM's log-probabilities
        (B, T, |V|).  Each call starts both directions afresh (``state`` must be None)."""
        if state is not None:
            raise ValueError("the biLM reads every window afresh in both directions: pass "
                             "state=None (features(x, state) carries the forward LM's state)")
        if targets is None:
            h, _ = self.features(x)
            return LMOutput(self.output.log_probs(h.reshape(-1, h.shape[-1]))
                            .view(*x.shape, self.output.size), None, None)
        hf, tf, hb, tb = self._directions(x, targets)
        if self.training:
            loss = (self.output.loss(hf, tf) + self.output.loss(hb, tb)) / 2
        else:
            loss = -(self.output.log_prob(hf, tf).mean() + self.output.log_prob(hb, tb).mean()) / 2
        return LMOutput(None, loss, None)

    @torch.no_grad()
    def losses(self, x: torch.Tensor, targets: torch.Tensor) -> tuple[float, float]:
        """Each direction's exact mean negative log-likelihood (nats) on the windows (x,
        targets), in evaluation mode: (forward, backward)."""
        was = self.training
        self.eval()
        hf, tf, hb, tb = self._directions(x, targets)
        out = (-self.output.log_prob(hf, tf).mean().item(),
               -self.output.log_prob(hb, tb).mean().item())
        self.train(was)
        return out

    def layers(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        """The L + 1 representations of every token, (L + 1, B, T, 2 dim): the embedding twice,
        then each layer's forward and backward vectors side by side.  ``mask`` (B, T), True
        on the real tokens of right-padded rows: the backward LM starts at each row's last
        real token, not at the padding."""
        self._check_ids(x, (None, None), "one row of word ids per text")
        lengths = None
        if mask is not None:
            if mask.shape != x.shape:
                raise ValueError(f"mask must have the shape of x {tuple(x.shape)}, got "
                                 f"{tuple(mask.shape)}")
            lengths = mask.long().sum(1)
        e = self.drop(self.emb(x))
        f, _ = self._run(self.fwd, e)
        b, _ = self._run(self.bwd, _reverse(e, lengths))
        out = [torch.cat([e, e], -1)]
        out += [torch.cat([fk, _reverse(bk, lengths)], -1) for fk, bk in zip(f, b)]
        return torch.stack(out)
