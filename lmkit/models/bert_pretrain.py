r"""BERT's pre-training heads (Devlin et al. 2019): the masked LM and next-sentence prediction.

**MLM head.** At a selected position t the last layer's vector :math:`h_t` goes through a
dense layer, GELU and a LayerNorm, then the output embedding, tied to the token embedding
:math:`E_{tok}`, with its own bias:

.. math::  p(w \mid \tilde x) = \mathrm{softmax}\big(E_{tok}\,
           \mathrm{LN}(\mathrm{GELU}(W h_t + b)) + c\big)_w .

The masked positions are predicted independently of each other given the corrupted input
:math:`\tilde x` (the notes: a denoising autoencoder, not a chain-rule factorisation), and
the loss is the mean cross-entropy over the selected positions only (labels ``IGNORE``
elsewhere, so never over padding or unselected tokens).

**NSP head.** A linear layer over the pooled [CLS] vector, two classes (IsNext, NotNext);
its cross-entropy is added when the batch carries ``next_sentence`` labels.

``BertForPreTraining(config)`` follows the book's rule, ``forward(ids, targets, ...) ->
(logits, loss)``, and takes the dict batches of ``lmkit.train`` (``model(**batch)``).
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from ..pretrain.masking import IGNORE
from .bert import BertConfig, BertEncoder

__all__ = ["BertCausalLM", "BertForPreTraining"]


class _BertWithHead(nn.Module):
    """A ``BertEncoder`` with the MLM head (dense, GELU, LayerNorm, the tied decoder and its
    bias), initialised as BERT is: normal(0, 0.02) weights, zero biases, unit LayerNorms,
    the padding row zero."""

    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        if not isinstance(config, BertConfig):
            raise TypeError(f"{type(self).__name__} takes a BertConfig, got "
                            f"{type(config).__name__}")
        self.config = c = config
        d = c.hidden_size
        self.bert = BertEncoder(config)
        self.transform = nn.Sequential(nn.Linear(d, d), nn.GELU(),
                                       nn.LayerNorm(d, eps=c.layer_norm_eps))
        self.bias = nn.Parameter(torch.zeros(c.vocab_size))

    def _init(self, module: nn.Module) -> None:
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, std=0.02)
            if isinstance(module, nn.Linear) and module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.LayerNorm):
            nn.init.ones_(module.weight)
            nn.init.zeros_(module.bias)

    def _reset(self) -> None:
        self.apply(self._init)
        with torch.no_grad():
            self.bert.tok.weight[self.config.pad_token_id].zero_()

    def mlm_logits(self, h: torch.Tensor) -> torch.Tensor:
        """The output head on vectors h (..., d): logits (..., |V|), decoder tied to the token
        embedding."""
        return self.transform(h) @ self.bert.tok.weight.T + self.bias

    def _check_targets(self, ids: torch.Tensor, targets) -> torch.Tensor:
        """The positions to predict (targets not ``IGNORE``), after checking the targets."""
        if not isinstance(targets, torch.Tensor) or targets.shape != ids.shape:
            got = tuple(targets.shape) if isinstance(targets, torch.Tensor) else \
                type(targets).__name__
            raise ValueError(f"targets must have the shape of ids {tuple(ids.shape)}: the id "
                             f"to predict at each position, IGNORE ({IGNORE}) where there is "
                             f"none; got {got}")
        picked = targets != IGNORE
        if not bool(picked.any()):
            raise ValueError("no position is selected for prediction (every target is IGNORE): "
                             "mask_tokens selects 15% of the ordinary tokens; is the batch only "
                             "specials and padding?")
        y = targets[picked]
        if int(y.min()) < 0 or int(y.max()) >= self.config.vocab_size:
            raise ValueError(f"targets must be ids in [0, {self.config.vocab_size}) or IGNORE, "
                             f"got {int(y.min())}..{int(y.max())}")
        return picked


class BertForPreTraining(_BertWithHead):
    """``BertEncoder`` + MLM head + NSP head (see the module's docstring).

    ``forward(ids, targets=None, segments=None, mask=None, next_sentence=None)``: ``ids``
    (B, T) the corrupted input, ``targets`` (B, T) the MLM labels (``IGNORE`` where nothing is
    predicted), ``next_sentence`` (B,) 1 for IsNext, 0 for NotNext.  Returns ``(logits,
    loss)``: with targets, the MLM logits of the selected positions only, (n_selected, |V|),
    in row-major order, and the MLM loss plus, with ``next_sentence``, the NSP loss; without
    targets, the MLM logits of every position (B, T, |V|) and no loss.  ``nsp_logits(...)``
    gives the NSP head's (B, 2)."""

    def __init__(self, config: BertConfig) -> None:
        super().__init__(config)
        self.nsp = nn.Linear(config.hidden_size, 2)
        self._reset()

    def nsp_logits(self, ids: torch.Tensor, segments: torch.Tensor | None = None,
                   mask: torch.Tensor | None = None) -> torch.Tensor:
        """The NSP head's logits (B, 2): column 1 is IsNext."""
        return self.nsp(self.bert.pooled(self.bert(ids, segments, mask)))

    def forward(self, ids: torch.Tensor, targets: torch.Tensor | None = None,
                segments: torch.Tensor | None = None, mask: torch.Tensor | None = None,
                next_sentence: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, torch.Tensor | None]:
        h = self.bert(ids, segments, mask)
        if targets is None:
            if next_sentence is not None:
                raise ValueError("next_sentence labels need MLM targets too; for NSP alone "
                                 "call nsp_logits")
            return self.mlm_logits(h), None
        picked = self._check_targets(ids, targets)
        logits = self.mlm_logits(h[picked])
        loss = F.cross_entropy(logits, targets[picked])
        if next_sentence is not None:
            if next_sentence.shape != ids.shape[:1]:
                raise ValueError(f"next_sentence must hold one 0/1 label per row, shape "
                                 f"{tuple(ids.shape[:1])}, got {tuple(next_sentence.shape)}")
            loss = loss + F.cross_entropy(self.nsp(self.bert.pooled(h)), next_sentence)
        return logits, loss


class BertCausalLM(_BertWithHead):
    r"""The same body and output head, trained as a left-to-right LM: causal attention
    (position t sees :math:`t' \le t`) and the next token predicted at every position,
    :math:`-\frac1N \sum_t \ln p(w_{t+1} \mid w_{\le t})`.  A post-norm decoder-only
    Transformer, GPT's architecture (Radford et al. 2018), so that MLM and LM compare on one
    model.  ``forward(ids, targets=None, segments=None, mask=None) -> (logits (B, T, |V|),
    loss)``; targets (B, T) the next ids, ``IGNORE`` where there is none."""

    def __init__(self, config: BertConfig) -> None:
        super().__init__(config)
        self._reset()

    def forward(self, ids: torch.Tensor, targets: torch.Tensor | None = None,
                segments: torch.Tensor | None = None, mask: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, torch.Tensor | None]:
        logits = self.mlm_logits(self.bert(ids, segments, mask, causal=True))
        if targets is None:
            return logits, None
        picked = self._check_targets(ids, targets)
        return logits, F.cross_entropy(logits[picked], targets[picked])
