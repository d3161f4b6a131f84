r"""Evaluation measures, each defined once.

Every language model answers ``token_logprobs(sentences)`` (see ``lmkit.lm``): the natural
log-probability :math:`\ln p(w_i \mid h_i)` of each of the :math:`N` predicted tokens.  From
those alone,

.. math::  H = -\frac{1}{N} \sum_{i=1}^{N} \log_2 p(w_i \mid h_i), \qquad PP = 2^{H}
           = \exp\Big(-\frac{1}{N}\sum_{i=1}^{N} \ln p(w_i \mid h_i)\Big).

Span extraction is scored as SQuAD scores it (Rajpurkar et al. 2016, 2018): both answers are
normalised (lower case, punctuation and the articles a, an, the removed, spaces collapsed);
``exact_match`` is 1 when they are equal, ``span_f1`` the F1 of their bags of tokens.  An
unanswerable question has the empty answer: a prediction scores 1 on it only if it is empty
too.  ``roc_auc`` measures how well a score separates two classes (e.g. answerable questions
from unanswerable ones by the margin :math:`\max s_{ij} - s_{null}`): the probability that a
random positive scores higher than a random negative, ties counting one half (the
Mann-Whitney statistic, from ranks).
"""

from __future__ import annotations

import math
import re
import string
from collections import Counter

import numpy as np

from .checks import check_real

__all__ = ["cross_entropy", "exact_match", "normalize_answer", "perplexity", "roc_auc",
           "span_f1"]


def _logprobs(logprobs, normalised: bool = True) -> np.ndarray:
    if not isinstance(normalised, (bool, np.bool_)):
        raise TypeError(f"normalised must be True or False, got {type(normalised).__name__} "
                        f"{normalised!r}")
    try:
        lp = np.asarray(logprobs, dtype=float)
    except (TypeError, ValueError) as err:  # ragged, or not numbers
        raise ValueError(f"logprobs must be a 1-d array of token log-probabilities (numbers), "
                        f"e.g. model.token_logprobs(sentences): {err}") from None
    if lp.ndim != 1:
        raise ValueError(f"expected a 1-d array of token log-probabilities, got shape {lp.shape}")
    if len(lp) == 0:
        raise ValueError("cannot evaluate on an empty test set: it has no predicted tokens")
    if np.isnan(lp).any():
        raise ValueError("a token log-probability is NaN: is the model's output a distribution?")
    if normalised and (lp > 1e-9).any():
        raise ValueError("token log-probabilities must be <= 0; is the model's output a proper "
                         "distribution? (for raw scores of a self-normalised model, e.g. NCE's, "
                         "pass normalised=False)")
    return lp


def cross_entropy(logprobs, base: float = 2.0, normalised: bool = True) -> float:
    r"""Per-token cross-entropy :math:`-\frac{1}{N}\sum_i \log_b p(w_i \mid h_i)` of natural
    log-probabilities (bits for ``base=2``, nats for ``base=math.e``); infinite if any token
    has probability 0.  ``normalised=False`` accepts scores above 0: the raw scores of a
    self-normalised model, whose "perplexity" is only as good as its normalisation.  The base
    must be a finite number > 0 other than 1."""
    base = check_real("base", base, low=0, low_open=True)
    if base == 1:
        raise ValueError("base must not be 1 (log_1 is undefined): use 2 for bits or math.e "
                         "for nats")
    lp = _logprobs(logprobs, normalised)
    return float(-lp.mean() / math.log(base))


def perplexity(logprobs, normalised: bool = True) -> float:
    r"""Perplexity :math:`\exp(-\frac{1}{N}\sum_i \ln p(w_i \mid h_i)) = 2^H` of natural
    log-probabilities; infinite if any token has probability 0 (``normalised``: see
    ``cross_entropy``)."""
    with np.errstate(over="ignore"):
        return float(np.exp(cross_entropy(logprobs, base=math.e, normalised=normalised)))


_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCT = str.maketrans("", "", string.punctuation)


def normalize_answer(text: str) -> str:
    """SQuAD's normalisation: lower case, no punctuation, no articles, single spaces."""
    if not isinstance(text, str):
        raise TypeError(f"an answer must be a str ('' for no answer), got {type(text).__name__}")
    return " ".join(_ARTICLES.sub(" ", text.lower().translate(_PUNCT)).split())


def exact_match(prediction: str, gold: str) -> float:
    """1.0 if the normalised answers are equal, else 0.0."""
    return float(normalize_answer(prediction) == normalize_answer(gold))


def span_f1(prediction: str, gold: str) -> float:
    """The F1 of the normalised answers' bags of tokens; with an empty answer on either side,
    1.0 if both are empty, else 0.0."""
    p, g = normalize_answer(prediction).split(), normalize_answer(gold).split()
    if not p or not g:
        return float(p == g)
    common = sum((Counter(p) & Counter(g)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(p), common / len(g)
    return 2 * precision * recall / (precision + recall)


def roc_auc(scores, positive) -> float:
    """The area under the ROC curve of ``scores`` for the boolean labels ``positive``:
    :math:`P(s^+ > s^-) + \\tfrac12 P(s^+ = s^-)` over pairs of a positive and a negative."""
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(positive)
    if s.ndim != 1 or y.shape != s.shape or y.dtype != bool:
        raise ValueError(f"scores must be 1-D and positive boolean of the same length, got "
                         f"{s.shape} and {y.dtype} {y.shape}")
    if not np.isfinite(s).all():
        raise ValueError("scores must be finite (a NaN or inf has no rank)")
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        raise ValueError(f"need both classes, got {n_pos} positives and {n_neg} negatives")
    _, inverse, counts = np.unique(s, return_inverse=True, return_counts=True)
    first = np.cumsum(counts) - counts + 1                    # ties share their mean rank
    ranks = (first + (counts - 1) / 2)[inverse]
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))
