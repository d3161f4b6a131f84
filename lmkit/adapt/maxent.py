r"""The maximum-entropy (log-linear) language model over n-gram, distance-2 and trigger features.

.. math::  p(w \mid h) = \frac{\exp\big(b_w + U_{w_{i-1}, w} + D_{w_{i-2}, w}
           + \sum_{A \in \mathrm{last}\, L} T_{A, w}\big)}{Z(h)},

with unigram (b), bigram (U), distance-2 bigram (D, the notes' :math:`g(w_i, w_{i-2})`) and
trigger features (T, non-zero only for the selected pairs A -> B, ``select_triggers``).  The
model reads its text as one stream of predicted tokens (``lmkit.text.stream``); its inputs at
each position are ``maxent_features``; it trains with ``lmkit.train.train`` on
``MaxEntLM.training_batches`` (L2 regularisation is the optimiser's weight decay).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Sequence

import numpy as np
import torch
from torch import nn

from ..lm import LanguageModel
from ..text import Vocab, stream

__all__ = ["MaxEntConfig", "MaxEntLM", "maxent_features", "select_triggers"]

FEATURES = ("unigram", "bigram", "distance2", "triggers")


def select_triggers(ids: np.ndarray, size: int, window: int = 10, top: int = 2000,
                    min_count: int = 20, skip: int = 100) -> list[tuple[int, int, float]]:
    r"""Trigger pairs A -> B: "A occurred at distance 3 to ``window`` + 2 before B" predicts B
    (distances 1 and 2 are the bigram and distance-2 features' business).

    Scored by the mutual information between the two binary events, over all positions,
    :math:`I(A_{hist}; B) = \sum_{a, b \in \{0,1\}} p(a, b) \log \frac{p(a, b)}{p(a) p(b)}`, keeping
    the ``top`` pairs with A != B and both words outside the ``skip`` most frequent ids.
    """
    ids = np.asarray(ids, dtype=np.int64)
    n = len(ids)
    uni = np.bincount(ids, minlength=size)
    # a position "has A in its history" once per A: count distinct (A, position) pairs by lag
    keys = np.unique(np.concatenate([(np.arange(d, n) * size + ids[:-d]) for d in range(3, window + 3)]))
    pos, a = keys // size, keys % size
    hist_count = np.bincount(a, minlength=size)
    pair, joint = np.unique(a * size + ids[pos], return_counts=True)
    A, B = pair // size, pair % size
    keep = (A != B) & (joint >= min_count) & (A >= skip) & (B >= skip)
    A, B, joint = A[keep], B[keep], joint[keep].astype(float)
    pa, pb, pab = hist_count[A] / n, uni[B] / n, joint / n
    mi = np.zeros(len(A))
    for cell, px, py in ((pab, pa, pb), (pa - pab, pa, 1 - pb), (pb - pab, 1 - pa, pb),
                         (1 - pa - pb + pab, 1 - pa, 1 - pb)):
        good = cell > 0
        mi[good] += cell[good] * np.log(cell[good] / (px[good] * py[good]))
    raise_ = pab > pa * pb  # keep triggers that raise B, not those that lower it
    best = np.argsort(-np.where(raise_, mi, -1))[:top]
    return [(int(A[i]), int(B[i]), float(mi[i])) for i in best if raise_[i]]


def maxent_features(ids: np.ndarray, window: int = 10) -> dict[str, np.ndarray]:
    """Per position of an id stream: the previous word, the one before it (-1 before the
    start), and the ``window`` words before those (distances 3 .. window + 2, -1 padded),
    where triggers act: the inputs of ``MaxEntLM`` (``prev1``, ``prev2``, ``window``)."""
    ids = np.asarray(ids, dtype=np.int64)
    n = len(ids)
    hist = np.full((n, window + 2), -1, dtype=np.int64)
    for d in range(1, window + 3):
        hist[d:, d - 1] = ids[:-d]
    return {"prev1": hist[:, 0].copy(), "prev2": hist[:, 1].copy(), "window": hist[:, 2:].copy()}


@dataclass(frozen=True)
class MaxEntConfig:
    """The shape of a ``MaxEntLM``: ``vocab_size`` ids, triggers looked for at distances 3 to
    ``window`` + 2, and which ``features`` (of ``unigram``, ``bigram``, ``distance2``,
    ``triggers``) it has."""

    vocab_size: int
    window: int = 10
    features: tuple[str, ...] = FEATURES

    def __post_init__(self) -> None:
        object.__setattr__(self, "features", tuple(self.features))
        unknown = set(self.features) - set(FEATURES)
        if unknown:
            raise ValueError(f"unknown features {sorted(unknown)}; choose from {FEATURES}")
        for name, low in (("vocab_size", 2), ("window", 1)):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < low:
                raise ValueError(f"{name} must be an integer >= {low}, got {v!r}")


class MaxEntLM(nn.Module, LanguageModel):
    r"""The log-linear model of the module's docstring, as a PyTorch module.

    ``MaxEntLM(config, triggers=..., vocab=...)``: ``triggers`` are ``select_triggers``'s
    (A, B, score) pairs, data like counts (kept as the buffers ``source_row``, ``pair_row``
    and ``pair_word``: only the selected pairs' entries T_AB of the table T are used and
    trained, the rest stay 0); ``vocab`` is needed to score sentences (``token_logprobs``).

    ``forward(prev1, prev2, window, targets=None) -> (logits, loss)`` takes the tensors of
    ``maxent_features`` (a dict batch: ``model(**batch)``); the loss is the mean cross-entropy.
    """

    FEATURES = FEATURES

    def __init__(self, config: MaxEntConfig, triggers: Sequence[tuple[int, int, float]] = (),
                 vocab: Vocab | None = None) -> None:
        super().__init__()
        if not isinstance(config, MaxEntConfig):
            raise TypeError(f"MaxEntLM takes a MaxEntConfig, got {type(config).__name__}: "
                            f"MaxEntLM(MaxEntConfig(vocab_size=len(vocab)), vocab=vocab)")
        size, use = config.vocab_size, config.features
        if vocab is not None and len(vocab) != size:
            raise ValueError(f"the vocabulary has {len(vocab)} words but the config says "
                             f"vocab_size={size}")
        self.config, self.vocab = config, vocab
        self.bias = nn.Parameter(torch.zeros(size)) if "unigram" in use else None
        self.bigram = nn.Parameter(torch.zeros(size, size)) if "bigram" in use else None
        self.dist2 = nn.Parameter(torch.zeros(size, size)) if "distance2" in use else None
        pairs = [(int(a), int(b)) for a, b, *_ in triggers] if "triggers" in use else []
        bad = [(a, b) for a, b in pairs if not (0 <= a < size and 0 <= b < size)]
        if bad:
            raise ValueError(f"trigger pairs {bad[:3]} have ids outside [0, {size})")
        pairs = sorted(set(pairs))
        sources = sorted({a for a, _ in pairs})
        row = torch.zeros(size + 1, dtype=torch.long)  # id + 1 -> 1 + row of T (0: not a source)
        if sources:
            row[torch.tensor(sources) + 1] = torch.arange(1, len(sources) + 1)
        self.register_buffer("source_row", row)
        # the selected pairs A -> B: A's row of T and the word B, one entry per pair
        self.register_buffer("pair_row", torch.tensor([int(row[a + 1]) for a, _ in pairs],
                                                      dtype=torch.long))
        self.register_buffer("pair_word", torch.tensor([b for _, b in pairs], dtype=torch.long))
        self.trig = nn.Parameter(torch.zeros(len(sources) + 1, size))

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        # a model built without the trigger pairs adopts the saved trigger structure's shapes
        for name in ("pair_row", "pair_word", "trig"):
            saved, mine = state_dict.get(prefix + name), getattr(self, name)
            if saved is not None and saved.shape != mine.shape:
                new = torch.zeros(saved.shape, dtype=mine.dtype, device=mine.device)
                setattr(self, name, nn.Parameter(new) if name == "trig" else new)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def forward(self, prev1: torch.Tensor, prev2: torch.Tensor, window: torch.Tensor,
                targets: torch.Tensor | None = None):
        size = self.config.vocab_size
        logits = (self.bias if self.bias is not None
                  else self.trig.new_zeros(size)).expand(len(prev1), -1)
        if self.bigram is not None:
            logits = logits + self.bigram[prev1.clamp(min=0)] * (prev1 >= 0).unsqueeze(1)
        if self.dist2 is not None:
            logits = logits + self.dist2[prev2.clamp(min=0)] * (prev2 >= 0).unsqueeze(1)
        if len(self.pair_word):
            rows = self.source_row[window + 1]  # -1 (padding) and non-sources -> row 0
            active = torch.zeros(len(prev1), len(self.trig), device=logits.device)
            active.scatter_(1, rows, 1.0)       # A in the window, once however often
            # each selected pair A -> B adds T_AB to B's logit where A is active (O(pairs), not
            # a dense product with the whole table: T is zero off the pairs)
            weight = self.trig[self.pair_row, self.pair_word]
            logits = logits.index_add(1, self.pair_word, active[:, self.pair_row] * weight)
        loss = None if targets is None else nn.functional.cross_entropy(logits, targets)
        return logits, loss

    def _check_ids(self, ids) -> np.ndarray:
        ids = np.asarray(ids, dtype=np.int64)
        if ids.ndim != 1 or len(ids) == 0:
            raise ValueError(f"need a non-empty 1-d id stream, got shape {ids.shape}")
        if ids.min() < 0 or ids.max() >= self.config.vocab_size:
            raise ValueError(f"ids must lie in [0, {self.config.vocab_size}): encode the text "
                             f"with the model's vocabulary (lmkit.text.stream)")
        return ids

    def training_batches(self, ids: np.ndarray, batch: int, seed: int = 0,
                         epochs: int | None = None, device=None) -> Iterator[dict[str, torch.Tensor]]:
        """Dict batches for ``lmkit.train.train``: the features (``maxent_features`` with the
        config's window) and ``targets`` of the positions of the id stream ``ids``, shuffled
        anew every epoch (``lmkit.train.shuffled_batches``)."""
        from ..train.batches import shuffled_batches

        ids = self._check_ids(ids)
        return shuffled_batches({**maxent_features(ids, self.config.window), "targets": ids},
                                batch, seed=seed, epochs=epochs, device=device)

    @torch.no_grad()
    def stream_logprobs(self, ids: np.ndarray, batch: int = 4096) -> np.ndarray:
        """ln p of every token of an id stream, read as one running text."""
        ids = self._check_ids(ids)
        was_training = self.training
        self.eval()
        device = self.trig.device
        feats = {k: torch.as_tensor(v) for k, v in maxent_features(ids, self.config.window).items()}
        target = torch.as_tensor(ids)
        out = []
        for s in range(0, len(target), batch):
            logits, _ = self(**{k: v[s:s + batch].to(device) for k, v in feats.items()})
            t = target[s:s + batch, None].to(device)
            out.append(torch.log_softmax(logits, 1).gather(1, t)[:, 0].cpu())
        self.train(was_training)
        return torch.cat(out).numpy().astype(float)

    def token_logprobs(self, sentences: Sequence[Sequence[str]]) -> np.ndarray:
        """ln p of every predicted token of ``sentences`` (each word and each ``</s>``), the
        sentences read as one running text (``lmkit.text.stream``)."""
        if self.vocab is None:
            raise ValueError("this MaxEntLM has no vocabulary: build it with vocab=..., or score "
                             "an id stream with stream_logprobs(ids)")
        return self.stream_logprobs(stream(self.vocab, sentences))
