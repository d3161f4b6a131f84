r"""The distance-d bigram :math:`p(w_i \mid w_{i-d})`, the notes' :math:`g(w_i, w_{i-2})` for d = 2."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..lm import LanguageModel
from ..text import Vocab, check_sentences, stream

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
        if isinstance(distance, bool) or not isinstance(distance, (int, np.integer)) or distance < 1:
            raise ValueError(f"distance must be an integer >= 1, got {distance!r}")
        self.distance, self.vocab = int(distance), vocab
        self.size: int | None = None

    def fit(self, sentences: Sequence[Sequence[str]]) -> "SkipBigram":
        """Count the training sentences' stream; the vocabulary is built from them (every
        token seen, plus ``<unk>``, ``<s>``, ``</s>``) unless one was given."""
        sentences = check_sentences(sentences, "training sentences")
        if self.vocab is None:
            self.vocab = Vocab(sentences)
        return self.fit_ids(stream(self.vocab, sentences), len(self.vocab))

    def fit_ids(self, ids: np.ndarray, size: int) -> "SkipBigram":
        """Count an id stream over a vocabulary of ``size`` ids."""
        ids = np.asarray(ids, dtype=np.int64)
        if ids.ndim != 1 or len(ids) <= self.distance:
            raise ValueError(f"need a 1-d id stream longer than the distance ({self.distance}), "
                             f"got shape {ids.shape}")
        if ids.min() < 0 or ids.max() >= size:
            raise ValueError(f"ids must lie in [0, {size}) (size = the vocabulary's length)")
        if self.vocab is not None and size != len(self.vocab):
            raise ValueError(f"size {size} differs from the vocabulary's {len(self.vocab)} ids")
        d = self.distance
        self.size = int(size)
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
        ids = np.asarray(ids, dtype=np.int64)
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
        return float(np.log(self.distribution(context)[self.vocab[word]]))
