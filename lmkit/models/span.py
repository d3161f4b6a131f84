r"""Span extraction, SQuAD 2.0 style (Devlin et al. 2019, section 4.3; Rajpurkar et al. 2018).

The input is ``[CLS] question [SEP] passage [SEP]`` (segments 0 and 1).  Fine-tuning adds two
vectors, a start vector S and an end vector E; with :math:`T_i` the last layer's vector of
token i, the score of the span from i to j is

.. math::  s_{ij} = S \cdot T_i + E \cdot T_j, \qquad j \ge i,

over the passage's tokens (at most ``max_answer`` long), and the *null* score of "no answer"
is that of the span that starts and ends at [CLS]: :math:`s_{null} = S \cdot C + E \cdot C`.
The model answers with the best span when :math:`\max_{j \ge i} s_{ij} > s_{null} + \tau`
and abstains otherwise; the threshold τ is chosen on the development set to maximise F1
(``best_threshold``).  Training maximises the log-likelihood of the gold start and end
(softmaxes over the positions), with start = end = 0 ([CLS]) for a question that has no
answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from ..checks import check_int, check_real
from .bert import BertEncoder, BertTop, hidden_states
from .heads import batched_logits

__all__ = ["QAData", "SpanConfig", "SpanExtractor", "answer", "best_spans", "best_threshold",
           "encode_qa", "qa_data", "qa_scores"]


@dataclass(frozen=True)
class SpanConfig:
    """``max_answer``: the longest span, in tokens; ``dropout`` before the start/end layer."""

    max_answer: int = 30
    dropout: float = 0.1

    def __post_init__(self) -> None:
        check_int("max_answer", self.max_answer, 1)
        check_real("dropout", self.dropout, 0, 1, high_open=True)


class SpanExtractor(nn.Module):
    """A BERT body and the start/end vectors (see the module's docstring).
    ``forward(x, targets=None, segments=None, mask=None, passage=None)``: ``x`` holds WordPiece
    ids (B, T), or, when the body is a ``BertTop``, the frozen lower layers' output (B, T, d).
    Returns logits (B, T, 2), the start scores :math:`S \\cdot T_i` and end scores
    :math:`E \\cdot T_j`, and with ``targets`` (B, 2) gold (start, end) positions, the mean of
    the two cross-entropies.  Positions outside ``passage`` (B, T, True on the passage's
    tokens), except [CLS], can be neither start nor end; nor can padding (``mask`` False).
    Columns that are padding in every row of the batch are cut before the encoder runs."""

    def __init__(self, config: SpanConfig, body: nn.Module) -> None:
        super().__init__()
        if not isinstance(config, SpanConfig):
            raise TypeError(f"SpanExtractor takes a SpanConfig, got {type(config).__name__}")
        encoder = body if isinstance(body, (BertEncoder, BertTop)) else getattr(body, "bert", None)
        if not isinstance(encoder, (BertEncoder, BertTop)):
            raise TypeError(f"body must be a BertEncoder, a BertTop or hold one as .bert, got "
                            f"{type(body).__name__}")
        self.config = config
        self.body = body
        self.encoder = encoder
        self.drop = nn.Dropout(config.dropout)
        self.se = nn.Linear(encoder.config.hidden_size, 2)        # rows S and E

    def forward(self, x: torch.Tensor, targets: torch.Tensor | None = None,
                segments: torch.Tensor | None = None, mask: torch.Tensor | None = None,
                passage: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, torch.Tensor | None]:
        T, full = x.shape[1], mask
        t = int(mask.sum(1).max()) if mask is not None and len(x) else T
        if t < T:               # columns that are padding in every row: not computed
            x, mask = x[:, :t], mask[:, :t]
            segments = None if segments is None else segments[:, :t]
        logits = self.se(self.drop(self.encoder(x, segments, mask)))
        if t < T:
            logits = F.pad(logits, (0, 0, 0, T - t))
        if full is not None:
            logits = logits.masked_fill(~full.bool()[..., None], float("-inf"))
        if passage is not None:
            allowed = passage.bool().clone()
            allowed[:, 0] = True                                  # [CLS]: no answer
            logits = logits.masked_fill(~allowed[..., None], float("-inf"))
        if targets is None:
            return logits, None
        if targets.shape != (len(x), 2):
            raise ValueError(f"targets must be (batch, 2) gold (start, end) positions, got "
                             f"{tuple(targets.shape)}")
        loss = (F.cross_entropy(logits[..., 0], targets[:, 0]) +
                F.cross_entropy(logits[..., 1], targets[:, 1])) / 2
        return logits, loss


def best_spans(start: np.ndarray, end: np.ndarray, passage: np.ndarray, max_answer: int
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For each row of start and end scores (B, T) and its passage mask (B, T): the best span
    :math:`(i, j)` with :math:`i \\le j < i + \\text{max\\_answer}`, both in the passage, its
    score :math:`s_{ij}`, and the null score :math:`s_{null}` = start[0] + end[0].  Returns
    (i, j, best score, null score), each (B,)."""
    start, end = np.asarray(start, dtype=np.float64), np.asarray(end, dtype=np.float64)
    passage = np.asarray(passage, dtype=bool)
    if start.shape != end.shape or start.shape != passage.shape or start.ndim != 2:
        raise ValueError(f"start, end and passage must be (batch, T) alike, got {start.shape}, "
                         f"{end.shape}, {passage.shape}")
    max_answer = check_int("max_answer", max_answer, 1)
    if not passage.any(1).all():
        raise ValueError("a row has no passage token: nothing to extract")
    B, T = start.shape
    s = np.where(passage, start, -np.inf)[:, :, None] + np.where(passage, end, -np.inf)[:, None]
    i, j = np.arange(T)[:, None], np.arange(T)[None, :]
    s = np.where((j >= i) & (j < i + max_answer), s, -np.inf)               # (B, T, T)
    flat = s.reshape(B, -1).argmax(1)
    bi, bj = np.divmod(flat, T)
    return bi, bj, s.reshape(B, -1)[np.arange(B), flat], start[:, 0] + end[:, 0]


def best_threshold(best: np.ndarray, null: np.ndarray, predicted: Sequence[str],
                   gold: Sequence[str]) -> tuple[float, float]:
    """The τ that maximises the mean F1 of "answer ``predicted[k]`` if best - null > τ, else
    the empty answer" against ``gold`` ('' for no answer), and that F1.  Every distinct
    margin best - null is a candidate (and one below them all: always answer)."""
    from ..metrics import span_f1

    margin = np.asarray(best, dtype=np.float64) - np.asarray(null, dtype=np.float64)
    if not (len(margin) == len(predicted) == len(gold)) or len(margin) == 0:
        raise ValueError("best, null, predicted and gold must be equally long and non-empty")
    f_answer = np.array([span_f1(p, g) for p, g in zip(predicted, gold)])
    f_abstain = np.array([float(g.strip() == "") for g in gold])
    order = np.argsort(-margin, kind="stable")
    # answering the k largest margins: F1 = sum of f_answer over them + f_abstain over the rest
    gain = np.concatenate([[0.0], np.cumsum(f_answer[order] - f_abstain[order])])
    k = int(np.argmax(gain))
    n = len(margin)
    total = (gain[k] + f_abstain.sum()) / n
    if k == 0:
        tau = float(margin.max())                      # abstain everywhere
    elif k == n:
        tau = float(margin.min()) - 1.0               # answer everywhere
    else:
        tau = float((margin[order[k - 1]] + margin[order[k]]) / 2)
    return tau, float(total)


def encode_qa(tokenizer, question: str, passage: str, max_len: int = 128,
              answer: tuple[int, int] | None = None) -> dict:
    """``[CLS] question [SEP] passage [SEP]`` with a WordPiece ``tokenizer``, cut to
    ``max_len`` pieces (the passage's end is dropped).  Returns ``ids``, ``segments``,
    ``passage`` (True on the passage's pieces), ``words`` (the passage's words, split at
    spaces, as ``cloze_qa`` counts them) and ``word_of`` (each piece's word index, -1 outside
    the passage); with ``answer`` = (first word, last word) of the passage, ``targets`` = (start piece, end piece), or (0, 0) when there is no
    answer or it was cut off.  A question that leaves no room for the passage is an error."""
    from ..text.wordpiece import basic_tokenize

    max_len = check_int("max_len", max_len, 8)
    q = tokenizer.tokenize(question)
    room = max_len - len(q) - 3
    if room < 1:
        raise ValueError(f"the question is {len(q)} WordPiece tokens long, which leaves no room "
                         f"for the passage in a window of {max_len}: shorten the question or "
                         f"raise max_len")
    words = passage.split()                   # the answer's indices count these words
    every, owner = [], []
    for w, word in enumerate(words):
        for part in basic_tokenize(word, lower=tokenizer.lower):   # "'s" -> "'", "s"
            for p in tokenizer.word_pieces(part):
                every.append(p)
                owner.append(w)
    pieces, word_of = every[:room], owner[:room]
    stoi = tokenizer.stoi
    ids = ([stoi["[CLS]"]] + [stoi[p] for p in q] + [stoi["[SEP]"]] +
           [stoi[p] for p in pieces] + [stoi["[SEP]"]])
    first = len(q) + 2
    out = {"ids": np.array(ids, dtype=np.int64),
           "segments": np.array([0] * first + [1] * (len(ids) - first), dtype=np.int64),
           "passage": np.array([False] * first + [True] * len(pieces) + [False]),
           "words": words[:word_of[-1] + 1] if word_of else [],
           "word_of": np.array([-1] * first + word_of + [-1], dtype=np.int64)}
    if answer is not None:
        a, b = answer
        if not 0 <= a <= b < len(words):
            raise ValueError(f"answer must be (first, last) word indices of the passage's "
                             f"{len(words)} words, got {answer}")
        last_piece = max(k for k, w in enumerate(owner) if w == b) if owner else room
        hits = np.nonzero((out["word_of"] >= a) & (out["word_of"] <= b))[0]
        fits = len(hits) > 0 and last_piece < room           # not cut off by the window
        out["targets"] = np.array([hits[0], hits[-1]] if fits else [0, 0], dtype=np.int64)
    return out


@dataclass
class QAData:
    """Questions encoded for a ``SpanExtractor`` (``qa_data``): ``arrays`` (``x`` the ids,
    ``segments``, ``mask``, ``passage``, ``targets``; padded to the longest row), each
    passage's ``words`` and each piece's word (``word_of``, -1 outside the passage), which turn
    a span of pieces back into text, and the ``gold`` answers ('' for none)."""

    arrays: dict
    words: list
    word_of: np.ndarray
    gold: list

    def __len__(self) -> int:
        return len(self.gold)

    def text(self, k: int, i: int, j: int) -> str:
        """The passage words that pieces i..j of question k cover ('' for [CLS])."""
        a, b = self.word_of[k, i], self.word_of[k, j]
        return "" if a < 0 or b < 0 else " ".join(self.words[k][a:b + 1])

    def frozen_below(self, bert: BertEncoder, k: int) -> "QAData":
        """The same questions with ``x`` replaced by :math:`x^k`, layer k's output of the
        frozen ``bert`` (``hidden_states``), the input of ``BertTop(bert, k)``."""
        a = self.arrays
        x = hidden_states(bert, a["x"], a["segments"], a["mask"], k)
        return QAData({**a, "x": x}, self.words, self.word_of, self.gold)


def qa_data(tokenizer, examples: Sequence[dict], max_len: int = 128) -> QAData:
    """Encode ``examples`` (dicts with ``question``, ``passage``, ``answer`` and ``span``, as
    ``lmkit.data.cloze_qa`` makes them) with ``encode_qa`` and pad them into arrays."""
    if not examples:
        raise ValueError("no examples to encode")
    missing = {"question", "passage", "answer", "span"} - set(examples[0])
    if missing:
        raise ValueError(f"each example needs question, passage, answer and span (as "
                         f"cloze_qa makes them); missing {sorted(missing)}")
    enc = [encode_qa(tokenizer, e["question"], e["passage"], max_len,
                     answer=tuple(e["span"]) if e["span"] is not None else None)
           for e in examples]
    N, T = len(enc), max(len(e["ids"]) for e in enc)
    arrays = {"x": np.zeros((N, T), np.int64), "segments": np.zeros((N, T), np.int64),
              "mask": np.zeros((N, T), bool), "passage": np.zeros((N, T), bool),
              "targets": np.zeros((N, 2), np.int64)}
    word_of = np.full((N, T), -1, np.int64)
    for r, e in enumerate(enc):
        n = len(e["ids"])
        arrays["x"][r, :n], arrays["segments"][r, :n] = e["ids"], e["segments"]
        arrays["mask"][r, :n], arrays["passage"][r, :n] = True, e["passage"]
        word_of[r, :n] = e["word_of"]
        if "targets" in e:
            arrays["targets"][r] = e["targets"]
    return QAData(arrays, [e["words"] for e in enc], word_of, [e["answer"] for e in examples])


def answer(model: SpanExtractor, data: QAData, batch: int = 64
           ) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The model's best span of each question, as text, its score :math:`\\max s_{ij}` and the
    null score :math:`s_{null}` (compare them with ``qa_scores``), in evaluation mode."""
    batch = check_int("batch", batch, 1)
    a = data.arrays
    logits = batched_logits(model, batch, **{k: a[k] for k in ("x", "segments", "mask",
                                                              "passage")}).float().numpy()
    i, j, best, null = best_spans(logits[..., 0], logits[..., 1], a["passage"],
                                  model.config.max_answer)
    return [data.text(k, i[k], j[k]) for k in range(len(data))], best, null


def qa_scores(predicted: Sequence[str], gold: Sequence[str], best=None, null=None,
              tau: float | None = None) -> dict[str, float]:
    """Exact match and F1 (means over the questions, in [0, 1]) of ``predicted`` against
    ``gold``; with ``best``, ``null`` and ``tau``, a question is answered only when
    best - null > tau, otherwise the answer is empty.  ``answered``: the share answered."""
    from ..metrics import exact_match, span_f1

    if len(predicted) != len(gold) or not gold:
        raise ValueError(f"predicted and gold must be equally long and non-empty, got "
                         f"{len(predicted)} and {len(gold)}")
    if tau is not None:
        margin = np.asarray(best, dtype=np.float64) - np.asarray(null, dtype=np.float64)
        predicted = [p if m > tau else "" for p, m in zip(predicted, margin)]
    return {"em": float(np.mean([exact_match(p, g) for p, g in zip(predicted, gold)])),
            "f1": float(np.mean([span_f1(p, g) for p, g in zip(predicted, gold)])),
            "answered": float(np.mean([p.strip() != "" for p in predicted]))}
