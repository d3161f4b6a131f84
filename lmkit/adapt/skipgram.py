r"""The distance-d bigram :math:`p(w_i \mid w_{i-d})`, the notes' :math:`g(w_i, w_{i-2})` for d = 2."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..checks import check_ids, check_int
from ..lm import LanguageModel
from ..text import Vocab, check_sentences, lm_ids
from .limits import MAX_IDS

__all__ = ["SkipBigram"]


class SkipBigram(LanguageModel):
    r"""A distance-d bigram, :math:`p(w_i \mid w_{i-d})` (d = 2 is the notes' :math:`g(w_i, w_{i-2})`),
    by absolute discounting interpolated with the unigram:

    .. math::  p(w \mid a) = \frac{\max(c_d(a, w) - D, 0)}{c_d(a)} + \frac{D\, N_{1+}(a\,\bullet)}{c_d(a)}\, p_{uni}(w),

    with :math:`c_d(a, w)` the count of a followed by w at distance d in the training stream,
    :math:`D = n_1 / (n_1 + 2 n_2)` and :math:`p_{uni}` add-one smoothed over the outcomes
    (``unigram``; ``<s>``, never predicted, gets 0, so every distribution sums to 1 over the
    rest).  A text is read as the neural models read it, the id stream ``lmkit.text.lm_ids``:
    ``</s>`` (the start of the text), then every word and every ``</s>``; the tokens after the
    first are predicted, and those with no token d back get :math:`p_{uni}`.

    Two ways in:

    - text: ``SkipBigram(2).fit(sentences)`` (or ``vocab=`` a given ``Vocab``), then the
      scoring protocol ``token_logprobs(sentences)``, the sentences read as one running text;
    - ids: ``SkipBigram(2).fit_ids(ids, size)`` on an ``lm_ids`` stream over ``size`` ids, then
      ``stream_logprobs(ids)``, ln p of ``ids[1:]`` (the neural models' convention).  Without a
      vocabulary, no id is known to be ``<s>``: every id is an outcome.
    """

    def __init__(self, distance: int = 2, vocab: Vocab | None = None) -> None:
        self.distance = check_int("distance", distance, low=1)
        if vocab is not None and not isinstance(vocab, Vocab):
            raise TypeError(f"vocab must be a lmkit.text.Vocab (or None: built by fit), got "
                            f"{type(vocab).__name__}")
        self.vocab, self._given_vocab = vocab, vocab
        self.size: int | None = None

    def fit(self, sentences: Sequence[Sequence[str]]) -> "SkipBigram":
        """Count the training sentences' stream (``lm_ids``); the vocabulary is built from them
        (every token seen, plus ``<unk>``, ``<s>``, ``</s>``) unless one was given to the
        constructor (a second ``fit`` builds its own again)."""
        sentences = check_sentences(sentences, "training sentences")
        vocab = self._given_vocab if self._given_vocab is not None else Vocab(sentences)
        return self._fit_ids(lm_ids(vocab, sentences), len(vocab), vocab)

    def fit_ids(self, ids: np.ndarray, size: int) -> "SkipBigram":
        """Count an id stream made by ``lmkit.text.lm_ids`` (its first id starts the text, the
        others are the training tokens) over a vocabulary of ``size`` ids (the given
        vocabulary's, if any)."""
        size = check_int("size", size, low=1, high=MAX_IDS)
        if self._given_vocab is not None and size != len(self._given_vocab):
            raise ValueError(f"size {size} differs from the vocabulary's {len(self._given_vocab)} ids")
        return self._fit_ids(check_ids(ids, size, "ids"), size, self._given_vocab)

    def _bos(self, vocab: Vocab | None) -> int:
        return vocab.bos_id if vocab is not None else -1

    def _check_no_bos(self, ids: np.ndarray, bos: int) -> None:
        if bos >= 0 and np.any(ids[1:] == bos):
            raise ValueError(f"the stream holds <s> (id {bos}) as a token, but <s> is never "
                             f"predicted: build the stream with lmkit.text.lm_ids(vocab, sentences)")

    def _fit_ids(self, ids: np.ndarray, size: int, vocab: Vocab | None) -> "SkipBigram":
        if len(ids) <= self.distance:
            raise ValueError(f"need an id stream longer than the distance ({self.distance}), "
                             f"got {len(ids)} ids")
        bos = self._bos(vocab)
        self._check_no_bos(ids, bos)
        d = self.distance
        counts = np.bincount(ids[1:], minlength=size) + 1.0  # add one to every outcome ...
        if bos >= 0:
            counts[bos] = 0.0                                 # ... but <s>, never predicted
        self.vocab, self.size, self._bos_id = vocab, int(size), bos
        self.unigram = counts / counts.sum()
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

    def stream_logprobs(self, ids: np.ndarray) -> np.ndarray:
        """ln p(w_i | w_{i-d}) of every target ``ids[1:]`` of an id stream made by
        ``lmkit.text.lm_ids`` (its first id, ``</s>``, starts the text and is the context of
        what follows; targets with no token d back get p_uni): the neural models' convention."""
        self._require_fit()
        ids = check_ids(ids, self.size, "ids")
        if len(ids) < 2:
            raise ValueError(f"need an id stream of at least 2 ids (the first starts the text, the "
                             f"others are predicted), got {len(ids)}: build it with "
                             f"lmkit.text.lm_ids(vocab, sentences)")
        self._check_no_bos(ids, self._bos_id)
        d = self.distance
        p = self.unigram[ids].copy()
        p[d:] = self._given(ids[:-d], ids[d:])
        with np.errstate(divide="ignore"):
            return np.log(p[1:])

    def _require_vocab(self) -> None:
        self._require_fit()
        if self.vocab is None:
            raise ValueError("this model was fitted on ids (fit_ids) without a vocabulary, so it "
                             "cannot read text; use SkipBigram(d, vocab=vocab) or fit(sentences)")

    def token_logprobs(self, sentences: Sequence[Sequence[str]]) -> np.ndarray:
        """ln p of every predicted token (each word and each ``</s>``), as one running text:
        ``stream_logprobs(lm_ids(vocab, sentences))``."""
        self._require_vocab()
        return self.stream_logprobs(lm_ids(self.vocab, sentences))

    def distribution(self, context: Sequence[str] = ()) -> np.ndarray:
        """p(w | context) for every id w: ``context`` is the running text so far (after the
        ``</s>`` that starts every text), whose token d back conditions the next word (the
        unigram where there is none)."""
        self._require_vocab()
        if isinstance(context, str):
            raise TypeError("context must be a sequence of tokens, e.g. ['the', 'cat'], not a string")
        context = list(context)
        if len(context) + 1 < self.distance:
            return self.unigram.copy()
        a = self.vocab.eos_id if len(context) + 1 == self.distance else self.vocab[context[-self.distance]]
        return self._given(np.full(self.size, a), np.arange(self.size))

    def logprob(self, word: str, context: Sequence[str] = ()) -> float:
        """ln p(word | context); see ``distribution`` (``<s>``, never predicted, is an error)."""
        if not isinstance(word, str):
            raise TypeError(f"word must be a string, got {type(word).__name__} {word!r}")
        if self.vocab is not None and self.vocab.bos_id >= 0 and word == self.vocab.itos[self.vocab.bos_id]:
            raise ValueError(f"{word} is never predicted (it only starts a history); its "
                             f"probability is 0 by definition")
        return float(np.log(self.distribution(context)[self.vocab[word]]))
