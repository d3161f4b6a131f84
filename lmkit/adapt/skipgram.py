r"""The distance-d bigram :math:`p(w_i \mid w_{i-d})`, the notes' :math:`g(w_i, w_{i-2})` for d = 2."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..checks import check_ids, check_int
from ..lm import LanguageModel
from ..text import Vocab, check_sentences, stream
from .cache import MAX_IDS

__all__ = ["SkipBigram"]


class SkipBigram(LanguageModel):
    r"""A distance-d bigram, :math:`p(w_i \mid w_{i-d})` (d = 2 is the notes' :math:`g(w_i, w_{i-2})`),
    by absolute discounting interpolated with the unigram:

    .. math::  p(w \mid a) = \frac{\max(c_d(a, w) - D, 0)}{c_d(a)} + \frac{D\, N_{1+}(a\,\bullet)}{c_d(a)}\, p_{uni}(w),

    with :math:`c_d(a, w)` the count of a followed by w at distance d in the training stream,
    :math:`D = n_1 / (n_1 + 2 n_2)` and :math:`p_{uni}` add-one smoothed (``unigram``).  The
    first d tokens of a text, which have no word d back, get :math:`p_{uni}`.

    Two ways in:

    - text: ``SkipBigram(2).fit(sentences)`` (or ``vocab=`` a given ``Vocab``), then the
      scoring protocol ``token_logprobs(sentences)``, the sentences read as one running text
      (``lmkit.text.stream``);
    - ids: ``SkipBigram(2).fit_ids(ids, size)`` on an id stream over ``size`` ids, then
      ``token_probs(ids)``.
    """

    def __init__(self, distance: int = 2, vocab: Vocab | None = None) -> None:
        self.distance = check_int("distance", distance, low=1)
        if vocab is not None and not isinstance(vocab, Vocab):
            raise TypeError(f"vocab must be a lmkit.text.Vocab (or None: built by fit), got "
                            f"{type(vocab).__name__}")
        self.vocab, self._given_vocab = vocab, vocab
        self.size: int | None = None

    def fit(self, sentences: Sequence[Sequence[str]]) -> "SkipBigram":
        """Count the training sentences' stream; the vocabulary is built from them (every
        token seen, plus ``<unk>``, ``<s>``, ``</s>``) unless one was given to the constructor
        (a second ``fit`` builds its own again)."""
        sentences = check_sentences(sentences, "training sentences")
        vocab = self._given_vocab if self._given_vocab is not None else Vocab(sentences)
        return self._fit_ids(stream(vocab, sentences), len(vocab), vocab)

    def fit_ids(self, ids: np.ndarray, size: int) -> "SkipBigram":
        """Count an id stream over a vocabulary of ``size`` ids (the given vocabulary's, if any)."""
        size = check_int("size", size, low=1, high=MAX_IDS)
        if self._given_vocab is not None and size != len(self._given_vocab):
            raise ValueError(f"size {size} differs from the vocabulary's {len(self._given_vocab)} ids")
        return self._fit_ids(check_ids(ids, size, "ids"), size, self._given_vocab)

    def _fit_ids(self, ids: np.ndarray, size: int, vocab: Vocab | None) -> "SkipBigram":
        if len(ids) <= self.distance:
            raise ValueError(f"need an id stream longer than the distance ({self.distance}), "
                             f"got {len(ids)} ids")
        d = self.distance
        self.vocab, self.size = vocab, int(size)
        self.unigram = (np.bincount(ids, minlength=size) + 1.0) / (len(ids) + size)
        self._keys, cnt = np.unique(ids[:-d] * size + ids[d:], return_counts=True)
        n1, n2 = np.sum(cnt == 1), np.sum(cnt == 2)
        self.discount = n1 / (n1 + 2 * n2) if n1 else 0.5
        self._counts = cnt
        a = self._keys // size
        self._total = np.bincount(a, weights=cnt, minlength=size)
        self._types = np.bincount(a, minlength=size)
        return self

    def _require_fit(self) -> None:
        if self.size is None:
            raise ValueError("this model is not fitted yet: call .fit(sentences) or .fit_ids(ids, size)")

    def _given(self, a: np.ndarray, w: np.ndarray) -> np.ndarray:
        """p(w | a, d back) elementwise."""
        key = a * self.size + w
        idx = np.minimum(np.searchsorted(self._keys, key), len(self._keys) - 1)
        c = np.where(self._keys[idx] == key, self._counts[idx], 0)
        tot = self._total[a]
        gamma = np.where(tot > 0, self.discount * self._types[a] / np.maximum(tot, 1), 1.0)
        return np.maximum(c - self.discount, 0) / np.maximum(tot, 1) + gamma * self.unigram[w]

    def token_probs(self, ids: np.ndarray) -> np.ndarray:
        """p(w_i | w_{i-d}) for every position of an id stream (p_uni for the first d)."""
        self._require_fit()
        ids = check_ids(ids, self.size, "ids")
        p = self.unigram[ids].copy()
        p[self.distance:] = self._given(ids[:-self.distance], ids[self.distance:])
        return p

    def _require_vocab(self) -> None:
        self._require_fit()
        if self.vocab is None:
            raise ValueError("this model was fitted on ids (fit_ids) without a vocabulary, so it "
                             "cannot read text; use SkipBigram(d, vocab=vocab) or fit(sentences)")

    def token_logprobs(self, sentences: Sequence[Sequence[str]]) -> np.ndarray:
        """ln p of every predicted token (each word and each ``</s>``), as one running text."""
        self._require_vocab()
        return np.log(self.token_probs(stream(self.vocab, sentences)))

    def distribution(self, context: Sequence[str] = ()) -> np.ndarray:
        """p(w | context) for every id w: ``context`` is the running text so far, whose token d
        back conditions the next word (with fewer than d tokens, the unigram)."""
        self._require_vocab()
        if isinstance(context, str):
            raise TypeError("context must be a sequence of tokens, e.g. ['the', 'cat'], not a string")
        context = list(context)
        if len(context) < self.distance:
            return self.unigram.copy()
        a = np.full(self.size, self.vocab[context[-self.distance]])
        return self._given(a, np.arange(self.size))

    def logprob(self, word: str, context: Sequence[str] = ()) -> float:
        """ln p(word | context); see ``distribution``."""
        if not isinstance(word, str):
            raise TypeError(f"word must be a string, got {type(word).__name__} {word!r}")
        return float(np.log(self.distribution(context)[self.vocab[word]]))
