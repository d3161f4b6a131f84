r"""The maximum-entropy (log-linear) language model over n-gram, distance-2 and trigger features.

.. math::  p(w \mid h) = \frac{\exp\big(b_w + U_{w_{i-1}, w} + D_{w_{i-2}, w}
           + \sum_{A \in \mathrm{last}\, L} T_{A, w}\big)}{Z(h)},

the book's :math:`p(w \mid h) = \exp(\sum_j \theta_j f_j(h, w)) / Z(h)` with the feature weights
:math:`\theta_j` held in tables: unigram (b), bigram (U), distance-2 bigram (D, the notes'
:math:`g(w_i, w_{i-2})`) and trigger features (T, non-zero only for the selected pairs A -> B,
``select_triggers``, which act where A is 3 to ``window`` + 2 tokens back).  The
model reads its text as the neural models do, one id stream ``lmkit.text.lm_ids`` (``</s>``,
the start of the text, then every word and every ``</s>``) whose ids after the first it
predicts; its inputs at each position are ``maxent_features``; it trains with
``lmkit.train.train`` on ``MaxEntLM.training_batches``.

Regularisation: the optimiser's decoupled weight decay (AdamW) with coefficient :math:`\kappa`
(``weight_decay``), which shrinks every weight by the same fraction :math:`\eta \kappa` per
step, kept off the unigram biases.  That is not an L2 penalty
:math:`\frac{\kappa}{2} \lVert \theta \rVert^2` added to the loss (a Gaussian prior): under
Adam a penalty's gradient is rescaled weight by weight, a decoupled decay's is not.  (The book
keeps :math:`\lambda` for interpolation weights.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Sequence

import numpy as np
import torch
from torch import nn

from ..checks import check_int
from ..lm import LanguageModel
from ..text import Vocab, lm_ids
from ..train.batches import id_stream, shuffled_batches
from .limits import MAX_TABLE

__all__ = ["MaxEntConfig", "MaxEntLM", "maxent_features", "select_triggers"]

FEATURES = ("unigram", "bigram", "distance2", "triggers")


def select_triggers(ids: np.ndarray, size: int, window: int = 10, top: int = 2000,
                    min_count: int = 20, skip: int = 100) -> list[tuple[int, int, float]]:
    r"""Trigger pairs A -> B: "A occurred at distance 3 to ``window`` + 2 before B" predicts B
    (distances 1 and 2 are the bigram and distance-2 features' business).

    Scored by the mutual information between the two binary events, over all positions,
    :math:`I(A_{hist}; B) = \sum_{a, b \in \{0,1\}} p(a, b) \log \frac{p(a, b)}{p(a) p(b)}`, keeping
    the ``top`` pairs with A != B and both words outside the ``skip`` most frequent ids.
    ``ids`` must lie in [0, ``size``); the counts are integers (``window``, ``top``,
    ``min_count`` >= 1, ``skip`` >= 0).
    """
    size = check_int("size", size, 1, 2**31 - 1)
    ids = id_stream(ids, size=size)
    window = check_int("window", window, 1)
    top = check_int("top", top, 1)
    min_count = check_int("min_count", min_count, 1)
    skip = check_int("skip", skip, 0)
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
    where triggers act: the inputs of ``MaxEntLM`` (``prev1``, ``prev2``, ``window``).
    ``ids``: token ids >= 0; ``window``: an integer >= 1."""
    ids = id_stream(ids, empty=True)
    window = check_int("window", window, 1)
    n = len(ids)
    hist = np.full((n, window + 2), -1, dtype=np.int64)
    for d in range(1, window + 3):
        hist[d:, d - 1] = ids[:-d]
    return {"prev1": hist[:, 0].copy(), "prev2": hist[:, 1].copy(), "window": hist[:, 2:].copy()}


def _trigger_pairs(triggers, size: int) -> list[tuple[int, int]]:
    """The (A, B) ids of ``select_triggers``-style (A, B, score) triples, checked."""
    if isinstance(triggers, (str, bytes)) or not hasattr(triggers, "__iter__"):
        raise TypeError(f"triggers must be a list of (A, B, score) triples (select_triggers), got "
                        f"{type(triggers).__name__}")
    pairs = []
    for i, t in enumerate(triggers):
        if isinstance(t, (str, bytes)) or not hasattr(t, "__len__") or len(t) not in (2, 3):
            raise TypeError(f"triggers[{i}] must be an (A, B, score) triple of select_triggers, "
                            f"got {t!r}")
        pairs.append((check_int(f"triggers[{i}] A", t[0], 0), check_int(f"triggers[{i}] B", t[1], 0)))
    bad = [(a, b) for a, b in pairs if a >= size or b >= size]
    if bad:
        raise ValueError(f"trigger pairs {bad[:3]} have ids outside [0, {size}): select the "
                         f"triggers on ids of the model's vocabulary")
    return pairs


@dataclass(frozen=True)
class MaxEntConfig:
    """The shape of a ``MaxEntLM``: ``vocab_size`` ids, triggers looked for at distances 3 to
    ``window`` + 2, and which ``features`` (of ``unigram``, ``bigram``, ``distance2``,
    ``triggers``) it has."""

    vocab_size: int
    window: int = 10
    features: tuple[str, ...] = FEATURES

    def __post_init__(self) -> None:
        features = self.features
        if isinstance(features, str) or not hasattr(features, "__iter__"):
            raise TypeError(f"features must be a tuple of names from {FEATURES}, e.g. "
                            f"('unigram', 'bigram'), got {features!r}")
        features = tuple(features)
        unknown = [f for f in features if f not in FEATURES]
        if unknown:
            raise ValueError(f"unknown features {unknown}; choose from {FEATURES}")
        if not features:
            raise ValueError(f"features is empty: choose at least one of {FEATURES}")
        object.__setattr__(self, "features", features)
        object.__setattr__(self, "vocab_size", check_int("vocab_size", self.vocab_size, 2))
        object.__setattr__(self, "window", check_int("window", self.window, 1))
        tables = [f for f in ("bigram", "distance2") if f in features]
        if tables and self.vocab_size ** 2 > MAX_TABLE:
            raise ValueError(f"vocab_size={self.vocab_size} makes the {' and '.join(tables)} "
                             f"table{'s' if len(tables) > 1 else ''} vocab_size**2 = "
                             f"{self.vocab_size ** 2:.2e} weights each, over the bound of "
                             f"{MAX_TABLE:.2e} (16 GiB): use a vocabulary of at most "
                             f"{int(MAX_TABLE ** 0.5):,} words (map rare words to <unk>)")


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
        if vocab is not None and not isinstance(vocab, Vocab):
            raise TypeError(f"vocab must be a lmkit.text.Vocab (or None), got {type(vocab).__name__}")
        if vocab is not None and len(vocab) != size:
            raise ValueError(f"the vocabulary has {len(vocab)} words but the config says "
                             f"vocab_size={size}")
        self.config, self.vocab = config, vocab
        self.bias = nn.Parameter(torch.zeros(size)) if "unigram" in use else None
        self.bigram = nn.Parameter(torch.zeros(size, size)) if "bigram" in use else None
        self.dist2 = nn.Parameter(torch.zeros(size, size)) if "distance2" in use else None
        pairs = _trigger_pairs(triggers, size)
        if pairs and "triggers" not in use:
            raise ValueError(f"{len(pairs)} trigger pairs were given but the config's features "
                             f"{use} leave out 'triggers': add it, or give no pairs")
        pairs = sorted(set(pairs))
        sources = sorted({a for a, _ in pairs})
        if (len(sources) + 1) * size > MAX_TABLE:
            raise ValueError(f"{len(sources)} trigger sources make a table of "
                             f"{(len(sources) + 1) * size:.2e} weights, over the bound of "
                             f"{MAX_TABLE:.2e}: select fewer triggers (top=...)")
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
        n = len(prev1)
        if prev1.dim() != 1 or prev2.shape != prev1.shape or window.shape != (n, self.config.window) \
                or (targets is not None and targets.shape != prev1.shape):
            raise ValueError(f"forward takes maxent_features' tensors of one batch of N positions "
                             f"(prev1, prev2 and targets of shape (N,), window of shape (N, "
                             f"{self.config.window})), got prev1 {tuple(prev1.shape)}, prev2 "
                             f"{tuple(prev2.shape)}, window {tuple(window.shape)}"
                             f"{'' if targets is None else f', targets {tuple(targets.shape)}'}")
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
        ids = id_stream(ids, size=self.config.vocab_size)
        if len(ids) < 2:
            raise ValueError(f"need an id stream of at least 2 ids (the first, </s>, starts the "
                             f"text; the others are predicted), got {len(ids)}: build it with "
                             f"lmkit.text.lm_ids(vocab, sentences)")
        return ids

    def _features(self, ids: np.ndarray) -> dict[str, np.ndarray]:
        """``maxent_features`` of the predicted positions ``ids[1:]`` of an ``lm_ids`` stream."""
        return {k: v[1:] for k, v in maxent_features(ids, self.config.window).items()}

    def training_batches(self, ids: np.ndarray, batch: int, seed: int = 0,
                         epochs: int | None = None, device=None) -> Iterator[dict[str, torch.Tensor]]:
        """Dict batches for ``lmkit.train.train``: the targets ``ids[1:]`` of an id stream made
        by ``lmkit.text.lm_ids`` (``</s>`` first: the start of the text) and their features
        (``maxent_features`` with the config's window, the first ``</s>`` being the previous
        word of the first target), shuffled anew every epoch (``lmkit.train.shuffled_batches``)."""
        ids = self._check_ids(ids)
        return shuffled_batches({**self._features(ids), "targets": ids[1:]},
                                batch, seed=seed, epochs=epochs, device=device)

    @torch.no_grad()
    def stream_logprobs(self, ids: np.ndarray, batch: int = 4096) -> np.ndarray:
        """ln p of every target ``ids[1:]`` of an id stream made by ``lmkit.text.lm_ids``
        (``</s>`` first: the start of the text), read as one running text, ``batch`` positions
        at a time: the convention of the neural models' ``stream_logprobs``."""
        ids = self._check_ids(ids)
        batch = check_int("batch", batch, 1)
        was_training = self.training
        self.eval()
        device = self.trig.device
        feats = {k: torch.as_tensor(v) for k, v in self._features(ids).items()}
        target = torch.as_tensor(ids[1:])
        out = []
        for s in range(0, len(target), batch):
            logits, _ = self(**{k: v[s:s + batch].to(device) for k, v in feats.items()})
            t = target[s:s + batch, None].to(device)
            out.append(torch.log_softmax(logits, 1).gather(1, t)[:, 0].cpu())
        self.train(was_training)
        return torch.cat(out).numpy().astype(float)

    def token_logprobs(self, sentences: Sequence[Sequence[str]]) -> np.ndarray:
        """ln p of every predicted token of ``sentences`` (each word and each ``</s>``), the
        sentences read as one running text: ``stream_logprobs(lm_ids(vocab, sentences))``."""
        if self.vocab is None:
            raise ValueError("this MaxEntLM has no vocabulary: build it with vocab=..., or score "
                             "an id stream with stream_logprobs(lm_ids(vocab, sentences))")
        return self.stream_logprobs(lm_ids(self.vocab, sentences))
