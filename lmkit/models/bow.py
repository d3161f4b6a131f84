r"""The bag-of-n-grams baseline: logistic regression on which n-grams a text contains.

A text is the set of its word n-grams (n = 1..``n``) that the training texts contain at least
``min_count`` times; the model is linear in their indicators,

.. math::  \mathrm{logits}(x) = \sum_{g \in x} W_g + b, \qquad
           p(y \mid x) = \mathrm{softmax}(\mathrm{logits}(x))_y,

trained by cross-entropy with weight decay on W (an L2 penalty: AdamW's decoupled form).
``NgramClassifier`` computes the sum with ``nn.EmbeddingBag`` over padded id rows, so a batch
costs one gather, whatever the vocabulary of n-grams.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from ..checks import check_int

__all__ = ["NgramClassifier", "NgramClassifierConfig", "NgramFeatures"]


def _grams(tokens: Sequence[str], n: int) -> set[str]:
    return {" ".join(tokens[i:i + k]) for k in range(1, n + 1)
            for i in range(len(tokens) - k + 1)}


class NgramFeatures:
    """The n-grams (n = 1..``n``) seen at least ``min_count`` times in ``texts`` (lists of
    words), each an id from 1 (0 pads); ``transform(texts)`` gives padded id rows."""

    def __init__(self, texts: Sequence[Sequence[str]], n: int = 2, min_count: int = 2) -> None:
        self.n = check_int("n", n, 1)
        check_int("min_count", min_count, 1)
        if isinstance(texts, str) or not all(isinstance(t, (list, tuple)) for t in texts):
            raise TypeError("texts must be lists of words (e.g. lmkit.text.word_tokenize(s))")
        counts = Counter(g for t in texts for g in _grams(t, self.n))
        kept = sorted(g for g, c in counts.items() if c >= min_count)
        if not kept:
            raise ValueError(f"no n-gram occurs {min_count} times in the texts: lower min_count")
        self.index = {g: i + 1 for i, g in enumerate(kept)}

    def __len__(self) -> int:
        return len(self.index) + 1

    def transform(self, texts: Sequence[Sequence[str]]) -> np.ndarray:
        """One row per text: the ids of its known n-grams, padded with 0 (at least one
        column)."""
        rows = [sorted(self.index[g] for g in _grams(t, self.n) if g in self.index)
                for t in texts]
        out = np.zeros((len(rows), max(1, max(map(len, rows), default=1))), dtype=np.int64)
        for i, r in enumerate(rows):
            out[i, :len(r)] = r
        return out


@dataclass(frozen=True)
class NgramClassifierConfig:
    """``n_features`` n-gram ids (0 the padding) and ``n_classes`` labels."""

    n_features: int
    n_classes: int

    def __post_init__(self) -> None:
        check_int("n_features", self.n_features, 2)
        check_int("n_classes", self.n_classes, 2)


class NgramClassifier(nn.Module):
    """Logistic regression on n-gram indicators (see the module's docstring):
    ``forward(ids, targets=None) -> (logits, loss)``, ids (B, L) from
    ``NgramFeatures.transform``."""

    def __init__(self, config: NgramClassifierConfig) -> None:
        super().__init__()
        if not isinstance(config, NgramClassifierConfig):
            raise TypeError(f"NgramClassifier takes an NgramClassifierConfig, got "
                            f"{type(config).__name__}")
        self.config = config
        self.weight = nn.EmbeddingBag(config.n_features, config.n_classes, mode="sum",
                                      padding_idx=0)
        nn.init.zeros_(self.weight.weight)
        self.bias = nn.Parameter(torch.zeros(config.n_classes))

    def forward(self, ids: torch.Tensor, targets: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, torch.Tensor | None]:
        if not isinstance(ids, torch.Tensor) or ids.dim() != 2:
            raise ValueError("ids must be a (batch, L) tensor of n-gram ids "
                             "(NgramFeatures.transform)")
        if ids.numel() and (int(ids.min()) < 0 or int(ids.max()) >= self.config.n_features):
            raise ValueError(f"n-gram ids must lie in [0, {self.config.n_features}): were they "
                             f"made by the same NgramFeatures?")
        logits = self.weight(ids) + self.bias
        return logits, None if targets is None else F.cross_entropy(logits, targets)
