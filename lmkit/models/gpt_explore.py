r"""Tools for chapter 7's character GPT: bits per character and the constrained-decoding rule
that makes ``GPT.generate`` write five-character quatrains.

A stream of quatrains is ``sep`` + poem + ``sep`` + poem ...; ``quatrain_allowed`` looks at the
characters since the last separator, :math:`i` of them, and permits only ``，`` at
:math:`i \in \{5, 17\}`, only ``。`` at :math:`i \in \{11, 23\}`, only the separator at
:math:`i = 24`, and any other character of the vocabulary (not the separator, the
punctuation or the specials) elsewhere.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np
import torch

from ..data.charlm import QUATRAIN_LEN, QUATRAIN_PUNCT
from ..text import Vocab

__all__ = ["bits_per_char", "quatrain_allowed"]


def bits_per_char(logprobs) -> float:
    r"""Bits per character :math:`-\frac1N \sum_t \log_2 p(c_t \mid c_{<t})` from natural-log
    probabilities, one per predicted character."""
    lp = np.asarray(logprobs, dtype=float)
    if lp.ndim != 1 or lp.size == 0 or not np.all(np.isfinite(lp)) or np.any(lp > 1e-9):
        raise ValueError("logprobs must be a non-empty 1-d array of finite natural-log "
                         "probabilities (<= 0), one per character")
    return float(-lp.mean() / math.log(2))


def quatrain_allowed(vocab: Vocab, sep: str = "\n") -> Callable[[torch.Tensor], torch.Tensor]:
    """The ``allowed`` rule of ``GPT.generate`` for quatrains (see the module's docstring):
    a function of the ids so far (B, t) giving a bool mask (B, |V|)."""
    if not isinstance(vocab, Vocab):
        raise TypeError(f"vocab must be a lmkit.text.Vocab, got {type(vocab).__name__}")
    missing = [c for c in sep + QUATRAIN_PUNCT if c not in vocab]
    if missing:
        raise ValueError(f"the vocabulary lacks {sorted(set(missing))!r}: build it from a "
                         f"stream of quatrains separated by {sep!r}")
    n = len(vocab)
    sep_id = vocab[sep]
    punct = {i: vocab[p] for i, p in zip((5, 11, 17, 23), QUATRAIN_PUNCT)}
    rows = torch.zeros(QUATRAIN_LEN + 1, n, dtype=torch.bool)
    body = torch.ones(n, dtype=torch.bool)
    body[[sep_id, *punct.values(), *(vocab[s] for s in vocab.specials)]] = False
    for i in range(QUATRAIN_LEN):
        rows[i] = body
    for i, p in punct.items():
        rows[i] = False
        rows[i, p] = True
    rows[QUATRAIN_LEN, sep_id] = True

    def allowed(seq: torch.Tensor) -> torch.Tensor:
        t = seq.shape[1]
        is_sep = (seq == sep_id).cpu()
        pos = torch.arange(t)
        last = torch.where(is_sep, pos, torch.full_like(pos, -1)).max(dim=1).values
        since = (t - 1 - last).clamp(max=QUATRAIN_LEN)     # characters since the separator
        return rows[since]

    return allowed
