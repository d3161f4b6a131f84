r"""Mixtures of language models: linear interpolation with weights fitted by EM."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Sequence

import numpy as np

from ..checks import check_weights
from ..interpolate import em_options, em_weights, mix_logprobs
from ..lm import LanguageModel, require_model
from ..text import check_sentences

__all__ = ["MixtureLM"]


def _check_shared_vocab(models: Sequence) -> None:
    first = models[0].vocab
    for m, model in enumerate(models[1:], 1):
        v = model.vocab
        if v is first:
            continue
        if len(v) != len(first):
            raise ValueError(f"the models of a mixture must share one vocabulary, but model {m} "
                             f"has {len(v)} ids and model 0 has {len(first)}; build them all "
                             f"with the same Vocab, e.g. NgramLM(3, ..., vocab=vocab)")
        if v.itos != first.itos:
            i = next(i for i, (a, b) in enumerate(zip(v.itos, first.itos)) if a != b)
            raise ValueError(f"the models of a mixture must share one vocabulary, but id {i} is "
                             f"{v.itos[i]!r} for model {m} and {first.itos[i]!r} for model 0; "
                             f"build them all with the same Vocab (vocab=...)")


class MixtureLM(LanguageModel):
    r"""Linear interpolation of language models, :math:`p(w \mid h) = \sum_m \lambda_m p_m(w \mid h)`,
    with weights given (finite, >= 0, summing to 1) or fitted by EM on held-out text
    (``fit_weights``).

    The models may be of any kind (n-gram, cache, neural, max-ent, another mixture); they must
    share one vocabulary, so that they predict the same outcomes.  ``token_logprobs`` uses only
    theirs; the per-query ``logprob`` and ``distribution`` use the models' own.
    """

    def __init__(self, models: Sequence[LanguageModel], weights: Sequence[float] | None = None) -> None:
        if isinstance(models, (str, LanguageModel)) or not isinstance(models, Iterable):
            raise TypeError(f"models must be a list of language models, e.g. MixtureLM([a, b]), "
                            f"got {type(models).__name__}")
        models = list(models)
        if len(models) < 1:
            raise ValueError("a mixture needs at least one model")
        for m, model in enumerate(models):
            require_model(model, f"model {m} of the mixture")
        _check_shared_vocab(models)
        self.models, self.vocab = models, models[0].vocab
        self.weights = (np.full(len(models), 1 / len(models)) if weights is None
                        else check_weights("weights", weights, len(models),
                                           "normalise them or call fit_weights"))
        self.trace: list = []

    def _require(self, method: str) -> None:
        for m, model in enumerate(self.models):
            if not callable(getattr(model, method, None)):
                raise TypeError(f"model {m} of the mixture ({type(model).__name__}) has no "
                                f"{method}(...); score text with token_logprobs(sentences) instead")

    def components(self, sentences: Sequence[Sequence[str]]) -> np.ndarray:
        """``p[m, i]``: model m's probability of the i-th predicted token of ``sentences``."""
        sentences = check_sentences(sentences)
        return np.stack([np.exp(m.token_logprobs(sentences)) for m in self.models])

    def fit_weights(self, heldout: Sequence[Sequence[str]], iterations: int = 200,
                    tol: float = 1e-8, init: Sequence[float] | None = None) -> "MixtureLM":
        """EM on held-out text (``lmkit.interpolate.em_weights``), starting from ``init``
        (default uniform; e.g. ``init=other.weights`` to adapt fitted weights to new text); the
        trace of (weights, mean log-likelihood) is kept in ``trace``.  The weights always sum to
        1: a held-out token that every model with weight > 0 gives probability 0 is left out of
        the update (with a ``RuntimeWarning``: the held-out log-likelihood is then -inf)."""
        iterations, tol = em_options(iterations, tol)
        heldout = check_sentences(heldout, "held-out sentences")
        if not len(heldout):
            raise ValueError("the held-out set is empty: EM needs text to fit the weights on")
        self.weights, self.trace = em_weights(self.components(heldout), iterations, tol, init)
        return self

    def token_logprobs(self, sentences: Sequence[Sequence[str]]) -> np.ndarray:
        r"""ln :math:`\sum_m \lambda_m p_m(w_i \mid h_i)` for every predicted token
        (``lmkit.interpolate.mix_logprobs`` of the models' ``token_logprobs``)."""
        sentences = check_sentences(sentences)
        return mix_logprobs(np.stack([m.token_logprobs(sentences) for m in self.models]),
                            self.weights)

    def logprob(self, word: str, context: Sequence[str] = ()) -> float:
        r"""ln of :math:`\sum_m \lambda_m p_m(word \mid context)`, from each model's ``logprob``."""
        self._require("logprob")
        lps = np.array([m.logprob(word, context) for m in self.models])
        with np.errstate(divide="ignore"):
            return float(np.log(np.dot(self.weights, np.exp(lps))))

    def distribution(self, context: Sequence[str] = ()) -> np.ndarray:
        """p(w | context) for every word id, from each model's ``distribution(context)``."""
        self._require("distribution")
        return sum(w * m.distribution(context) for w, m in zip(self.weights, self.models))
