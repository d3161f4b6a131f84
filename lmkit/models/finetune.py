r"""Fine-tuning a pre-trained Transformer for sentence classification: GPT's way and BERT's.

The whole network is trained further on the task, with a new linear layer on one vector:

- **GPT** (Radford et al. 2018, section 3.2): the sentence is read left to right and ends on
  an *extract* token (here ``[SEP]``); the last layer's vector there, :math:`h^L_m`, has seen
  every word, and :math:`P(y \mid x) = \mathrm{softmax}(h^L_m W_y)`.  The language-model
  loss on the task's own text is kept as an auxiliary objective,
  :math:`L = L_{task} + \lambda L_{LM}` (:math:`\lambda` = 0.5 in the paper), which they
  found helps generalisation and convergence;
- **BERT** (Devlin et al. 2019, section 4): ``[CLS] sentence [SEP]``, read in both
  directions; the pooled ``[CLS]`` vector :math:`\tanh(W h^L_{[CLS]} + b)` feeds the new
  layer.

``SequenceClassifier(ClassifierConfig(...), body)`` wraps a ``BertCausalLM`` (GPT), or a
``BertForPreTraining`` or a plain ``BertEncoder`` (BERT, e.g. ``load_bert("minilm-l6")``),
and answers ``forward(ids, targets, mask) -> (logits, loss)`` like every model of the book;
``fine_tune`` trains it with ``lmkit.train.train`` and reports accuracies.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from ..checks import check_int, check_real
from .bert import BertEncoder, BertTop
from .heads import predict

__all__ = ["ClassifierConfig", "SequenceClassifier", "fine_tune"]


@dataclass(frozen=True)
class ClassifierConfig:
    """``n_classes`` labels; ``style`` ``"gpt"`` (last token, causal) or ``"bert"`` (pooled
    [CLS], bidirectional); ``aux_lm`` the weight λ of GPT's auxiliary LM loss (0: none);
    ``dropout`` before the new layer."""

    n_classes: int
    style: str = "bert"
    aux_lm: float = 0.0
    dropout: float = 0.1

    def __post_init__(self) -> None:
        check_int("n_classes", self.n_classes, 2)
        if self.style not in ("gpt", "bert"):
            raise ValueError(f"style must be 'gpt' or 'bert', got {self.style!r}")
        check_real("aux_lm", self.aux_lm, 0)
        check_real("dropout", self.dropout, 0, 1, high_open=True)
        if self.aux_lm and self.style != "gpt":
            raise ValueError("aux_lm is GPT's auxiliary language-model loss: style='gpt' only")


class SequenceClassifier(nn.Module):
    """A pre-trained body and a new linear layer (see the module's docstring).
    ``forward(ids, targets=None, mask=None)``: ids (B, T) padded on the right, ``mask`` True on
    the real tokens (default: ids that are not the padding id).  With a ``BertTop`` body,
    ``ids`` are the frozen lower layers' output (B, T, d) and the mask is required."""

    def __init__(self, config: ClassifierConfig, body: nn.Module) -> None:
        super().__init__()
        if not isinstance(config, ClassifierConfig):
            raise TypeError(f"SequenceClassifier takes a ClassifierConfig, got "
                            f"{type(config).__name__}")
        encoder = body if isinstance(body, (BertEncoder, BertTop)) else getattr(body, "bert",
                                                                                  None)
        if not isinstance(encoder, (BertEncoder, BertTop)):
            raise TypeError(f"body must be a BertEncoder, a BertTop or a model holding one as "
                            f".bert (BertForPreTraining, BertCausalLM), got "
                            f"{type(body).__name__}")
        if config.aux_lm and not hasattr(body, "mlm_logits"):
            raise ValueError("aux_lm needs a body with an output layer (BertCausalLM)")
        self.config = config
        self.body = body
        self.encoder = encoder
        self.drop = nn.Dropout(config.dropout)
        self.head = nn.Linear(encoder.config.hidden_size, config.n_classes)

    def forward(self, ids: torch.Tensor, targets: torch.Tensor | None = None,
                mask: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
        c = self.config
        if mask is None:
            if isinstance(self.encoder, BertTop):
                raise ValueError("a BertTop body reads hidden states, not ids: pass the mask "
                                 "of real tokens")
            mask = ids != self.encoder.config.pad_token_id
        mask = mask.bool()
        gpt = c.style == "gpt"
        h = self.encoder(ids, mask=mask, causal=gpt)
        if gpt:
            last = mask.sum(1) - 1                                  # the extract token
            if bool((last < 0).any()):
                raise ValueError("a row of ids has no real token (mask all False)")
            v = h[torch.arange(len(ids), device=ids.device), last]
        else:
            v = self.encoder.pooled(h)
        logits = self.head(self.drop(v))
        if targets is None:
            return logits, None
        loss = F.cross_entropy(logits, targets)
        if c.aux_lm:
            keep = mask[:, 1:]
            lm = self.body.mlm_logits(h[:, :-1][keep])
            loss = loss + c.aux_lm * F.cross_entropy(lm, ids[:, 1:][keep])
        return logits, loss


def fine_tune(model: nn.Module, data: dict, steps: int, lr: float, batch: int = 32,
              warmup: int = 30, weight_decay: float = 0.01, seed: int = 0,
              progress: bool = True, evaluate: bool = True) -> dict:
    """Train ``model`` on ``data["train"]`` (a dict of arrays, ``"targets"`` among them:
    ``model(**batch)``) for ``steps`` AdamW steps (peak ``lr`` after ``warmup``, cosine
    decay, weight decay on the matrices), then return its accuracy on every split of
    ``data`` (``evaluate=False``: return {}, for a task scored otherwise)."""
    from ..train import shuffled_batches, train

    steps = check_int("steps", steps, 1)
    if "train" not in data or "targets" not in data["train"]:
        raise ValueError("data must map 'train' (and other splits) to dicts of arrays with "
                         "'targets'")
    device = next(model.parameters()).device
    train(model, shuffled_batches(data["train"], batch, seed=seed, device=device),
          steps=steps, lr=lr, warmup=min(warmup, steps), weight_decay=weight_decay,
          seed=seed, progress=progress)
    acc = {}
    for split, arrays in (data.items() if evaluate else ()):
        inputs = {k: v for k, v in arrays.items() if k != "targets"}
        acc[split] = float((predict(model, **inputs) == np.asarray(arrays["targets"])).mean())
    return acc
