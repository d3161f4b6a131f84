r"""fastText (Bojanowski et al., 2017): word2vec whose words are bags of character n-grams.

A word :math:`w` is represented by the set :math:`\mathcal{G}_w` of its character n-grams
(3 to 6 characters of ``<w>``, ``subwords``) and by the word itself; each n-gram :math:`g`
has a vector :math:`z_g` (hashed into one of :math:`B` buckets), and skip-gram scores a
context word :math:`c` by

.. math::  s(w, c) = \sum_{g \in \mathcal{G}_w} z_g^{\top} v_c ,

trained with negative sampling, :math:`\log\sigma(s(w, c)) + \sum_{i=1}^{k}
\log\sigma(-s(w, n_i))`, :math:`n_i \sim P_n`.  As fastText's code and gensim 4.4 do, lmkit
takes the **mean** over :math:`\{w\} \cup \mathcal{G}_w`, not the paper's sum (the same
model, with a step size that does not grow with the word's length); see
``fasttext_kernels``.  A word never seen in training still gets a vector, the mean of its
n-gram vectors :math:`\frac{1}{|\mathcal{G}_w|}\sum_{g \in \mathcal{G}_w} z_g`: a misspelt
word lands near its correct spelling.

``FastText(...).fit(sentences)`` (a ``Word2Vec`` subclass) reuses word2vec's vocabulary,
corpus encoding, sampling, output layers, job runner and per-pair updates; ``.wv`` is a
``FastTextKeyedVectors``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..checks import check_int, check_strings
from . import sampling
from .keyed import KeyedVectors, query_scores, top_candidates
from .subwords import check_ngram_range, ngram_hashes, ngram_index
from .word2vec import Word2Vec, Word2VecConfig, output_layers

__all__ = ["FastText", "FastTextConfig", "FastTextKeyedVectors"]


@dataclass
class FastTextConfig(Word2VecConfig):
    """word2vec's hyperparameters (``Word2VecConfig``) and the subwords: n-grams of ``min_n``
    to ``max_n`` characters hashed into ``bucket`` vectors (fastText and gensim use
    2,000,000 buckets, 800 MB at 100 dimensions; the book's corpora need far fewer)."""
    min_n: int = 3
    max_n: int = 6
    bucket: int = 200_000

    def __post_init__(self) -> None:
        if self.backend != "numba":
            raise ValueError(f"FastText trains with the numba kernel only: backend must be "
                             f"'numba', got {self.backend!r}")
        super().__post_init__()
        check_ngram_range(self.min_n, self.max_n, self.bucket)


class FastTextKeyedVectors(KeyedVectors):
    r"""Word vectors that also answer for words outside the vocabulary.

    ``vectors`` (row :math:`w`) is :math:`u_w`, the mean of :math:`v_w` and the
    :math:`z_g, g \in \mathcal{G}_w`; ``vectors_vocab`` holds the :math:`v_w` and
    ``vectors_ngrams`` the :math:`B` bucket vectors :math:`z`.  ``kv[word]`` and
    ``get_vector`` give any word a vector: an unseen word the mean of its n-gram vectors (a
    KeyError if it has no n-gram of ``min_n`` to ``max_n`` characters).  ``word in kv``
    still means "in the vocabulary"; ``most_similar`` and ``similarity`` take unseen words.
    """

    def __init__(self, words: Sequence[str], vectors: np.ndarray, counts=None, *,
                 vectors_vocab: np.ndarray, vectors_ngrams: np.ndarray, min_n: int = 3,
                 max_n: int = 6, copy: bool = True) -> None:
        super().__init__(words, vectors, counts, copy=copy)
        ngrams = np.array(vectors_ngrams, dtype=np.float32, copy=copy)
        self.min_n, self.max_n, self.bucket = check_ngram_range(min_n, max_n, len(ngrams))
        if ngrams.ndim != 2 or ngrams.shape[1] != self.vector_size:
            raise ValueError(f"vectors_ngrams must have shape (bucket, {self.vector_size}), "
                             f"got {ngrams.shape}")
        self.vectors_ngrams = ngrams
        self.vectors_vocab = np.array(vectors_vocab, dtype=np.float32, copy=copy)
        for a in (self.vectors_ngrams, self.vectors_vocab):
            a.flags.writeable = False

    def __repr__(self) -> str:
        return (f"FastTextKeyedVectors({len(self):,} words + {self.bucket:,} n-gram buckets x "
                f"{self.vector_size} dims, n-grams of {self.min_n}-{self.max_n} characters)")

    def ngram_buckets(self, word: str) -> np.ndarray:
        r"""The buckets of :math:`\mathcal{G}_w` (int32, repeats kept)."""
        return ngram_hashes(word, self.min_n, self.max_n, self.bucket)

    def get_vector(self, word: str, norm: bool = False) -> np.ndarray:
        r""":math:`u_w` for a word of the vocabulary; for another word the mean of its n-gram
        vectors :math:`\frac{1}{|\mathcal{G}_w|}\sum_{g \in \mathcal{G}_w} z_g` (a KeyError
        if it has none); divided by its norm with ``norm``."""
        if not isinstance(word, str) or word in self.key_to_index:
            return super().get_vector(word, norm)
        ids = self.ngram_buckets(word)
        if not len(ids):
            raise KeyError(f"{word!r} is not in the vocabulary and has no character n-gram of "
                           f"{self.min_n} to {self.max_n} characters (of '<{word}>'), so it has "
                           f"no vector; use a longer word or a smaller min_n")
        v = self.vectors_ngrams[ids].mean(axis=0)
        if norm:
            n = np.linalg.norm(v)
            return v / n if n > 0 else v
        return v

    def __getitem__(self, word: str) -> np.ndarray:
        """The vector of any word (see ``get_vector``); a list of words gives a matrix."""
        if isinstance(word, (list, tuple)):
            return np.stack([self.get_vector(w) for w in word])
        return self.get_vector(word)

    def similarity(self, w1: str, w2: str) -> float:
        r"""Cosine :math:`\hat u_1 \cdot \hat u_2` of two words, in the vocabulary or not."""
        return float(np.dot(self.get_vector(w1, True).astype(np.float64), self.get_vector(w2, True)))

    def _query(self, positive, negative, topn, restrict_vocab, method):
        pos = [positive] if isinstance(positive, str) else check_strings(
            "positive", positive, "['king', 'woman']", "word")
        neg = [negative] if isinstance(negative, str) else check_strings(
            "negative", negative, "['man']", "word")
        if all(w in self.key_to_index for w in pos + neg):
            return super()._query(pos, neg, topn, restrict_vocab, method)
        if not pos:
            return super()._query(pos, neg, topn, restrict_vocab, method)  # its error
        topn = check_int("topn", topn, low=1)
        r = len(self) if restrict_vocab is None else min(
            check_int("restrict_vocab", restrict_vocab, low=1), len(self))
        queries = np.stack([self.get_vector(w, norm=True) for w in pos + neg])
        unit = self.unit_vectors()
        ids = np.arange(len(queries))
        scores = query_scores(queries, unit[:r], ids[None, :len(pos)], ids[None, len(pos):],
                              method)
        exclude = np.array([[self.key_to_index.get(w, len(self)) for w in pos + neg]])
        best, s = top_candidates(scores, exclude, topn)
        return [(self.index_to_key[i], float(x)) for i, x in zip(best[0], s[0]) if i >= 0]


class FastText(Word2Vec):
    """fastText, configured as ``FastTextConfig`` (word2vec's settings and ``min_n``,
    ``max_n``, ``bucket``); ``fit`` builds the vocabulary and trains.

    After ``fit``: ``wv`` (``FastTextKeyedVectors``), ``syn1neg``, ``syn1``,
    ``words_per_second``, ``train_seconds``, ``loss_history`` (mean sampled loss of each job
    of ~10,000 words) and ``epoch_losses``.
    """

    config_class = FastTextConfig
    desc = "fastText"

    def fit(self, sentences, progress: bool = True) -> "FastText":
        """Build the vocabulary of ``sentences`` (lists of str tokens) and train; returns self."""
        from .fasttext_kernels import mean_rows, train_job_subwords
        from .kernels import exp_table

        cfg = self.config
        words, counts, corpus, offsets = self._encode(sentences)
        V, B, dim = len(words), cfg.bucket, cfg.vector_size
        index = ngram_index(words, cfg.min_n, cfg.max_n, B)
        # word w's input rows: w itself, then V + each of its n-gram buckets
        sub_off = np.zeros(V + 1, np.int64)
        np.cumsum(index.lengths() + 1, out=sub_off[1:])
        rows = np.empty(sub_off[-1], np.int32)
        first = np.zeros(len(rows), bool)
        first[sub_off[:-1]] = True
        rows[first] = np.arange(V)
        rows[~first] = index.ids + V
        rng = np.random.default_rng(cfg.seed)
        inp = rng.random((V + B, dim), dtype=np.float32)
        inp *= np.float32(2 / dim)
        inp -= np.float32(1 / dim)  # U(-1/d, 1/d), as fastText and gensim
        st = output_layers(cfg, counts)
        keep = sampling.keep_thresholds(st["keep"])
        sig, total = exp_table(), float(cfg.epochs * len(corpus))
        max_len = max(int(np.diff(offsets).max(initial=0)), 1)
        buffers = threading.local()

        def train(ep: int, s0: int, s1: int, rng_state, loss) -> int:
            if not hasattr(buffers, "sen"):  # one set of buffers per worker thread
                buffers.sen = np.empty(max_len, np.int32)
                buffers.e, buffers.h = np.empty(dim, np.float32), np.empty(dim, np.float32)
            return train_job_subwords(
                corpus, offsets, s0, s1, inp, sub_off, rows, st["syn1neg"], st["syn1"],
                st["points"], st["codes"], st["lengths"], st["table"], keep, cfg.window,
                cfg.negative, cfg.hs, cfg.sg, cfg.alpha, cfg.min_alpha,
                float(ep * len(corpus) + offsets[s0]), total, rng_state, buffers.sen,
                buffers.e, buffers.h, sig, cfg.sigmoid_table, loss)

        self._run(train, offsets, progress)
        vectors = np.empty((V, dim), np.float32)
        mean_rows(inp, sub_off, rows, vectors)
        self.wv = FastTextKeyedVectors(words, vectors, counts, vectors_vocab=inp[:V],
                                       vectors_ngrams=inp[V:], min_n=cfg.min_n, max_n=cfg.max_n,
                                       copy=False)
        self.syn1neg = st["syn1neg"] if cfg.negative else None
        self.syn1 = st["syn1"] if cfg.hs else None
        self.hs_arrays = (st["points"], st["codes"], st["lengths"]) if cfg.hs else None
        return self
