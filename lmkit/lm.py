r"""The scoring protocol that every language model of the book answers.

A language model here is anything with a vocabulary and

``token_logprobs(sentences) -> np.ndarray``
    ``sentences`` is a list of sentences, each a list of token strings.  The result holds
    :math:`\ln p(w_i \mid h_i)` for every *predicted* token, in order: each word of each
    sentence, then that sentence's ``</s>``.  ``<s>`` is never predicted.  Tokens outside the
    vocabulary are scored as ``<unk>``.

n-gram models restart their history at every ``<s>``; cache, mixture, maximum-entropy and
neural models read the sentences as one running text (see ``lmkit.text.stream``), but every
family predicts exactly the same tokens, so their perplexities compare and mixtures can
combine any of them token by token.

``LanguageModel`` supplies what follows from ``token_logprobs`` (cross-entropy, perplexity,
the probability of a sentence), each computed once in ``lmkit.metrics``.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from . import metrics

__all__ = ["LanguageModel", "require_model"]


class LanguageModel:
    """Mixin for every language model: define ``token_logprobs``, inherit the rest."""

    vocab = None

    def token_logprobs(self, sentences: Sequence[Sequence[str]]) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def sentence_logprob(self, sentence: Sequence[str]) -> float:
        """ln p(<s> sentence </s>): the sum of its tokens' log-probabilities."""
        return float(self.token_logprobs([sentence]).sum())

    def cross_entropy(self, sentences: Sequence[Sequence[str]], base: float = 2.0) -> float:
        """Per-token cross-entropy on ``sentences`` (bits by default); see ``lmkit.metrics``."""
        return metrics.cross_entropy(self.token_logprobs(sentences), base)

    def perplexity(self, sentences: Sequence[Sequence[str]]) -> float:
        """Perplexity on ``sentences``; see ``lmkit.metrics.perplexity``."""
        return metrics.perplexity(self.token_logprobs(sentences))


def require_model(model, role: str = "model") -> None:
    """Raise a clear error unless ``model`` answers the scoring protocol: a ``token_logprobs``
    method and a vocabulary (an unfitted ``NgramLM`` has none yet)."""
    if not callable(getattr(model, "token_logprobs", None)):
        raise TypeError(f"the {role} must be a language model with token_logprobs(sentences) "
                        f"(see lmkit.lm.LanguageModel), got {type(model).__name__}")
    if getattr(model, "vocab", None) is None:
        raise ValueError(f"the {role} {type(model).__name__} has no vocabulary yet: "
                         f"fit it first, e.g. model.fit(train_sentences)")
