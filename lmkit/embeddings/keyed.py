r"""``KeyedVectors``: a vocabulary with one vector per word, and the queries people ask of it.

Row :math:`i` of ``vectors`` is the vector :math:`v_w` of word ``index_to_key[i]``; by
convention the words come by decreasing frequency (index 0 the most frequent), so the first
:math:`N` rows are the :math:`N` most frequent words (``restrict_vocab=N``).  Every query works
on unit vectors :math:`\hat v = v / \|v\|` (a zero row stays zero) and returns cosines.

Analogies ("a is to b as c is to ?") are answered two ways (Levy and Goldberg 2014), the query
words themselves never being an answer:

- 3CosAdd (Mikolov et al. 2013), ``most_similar``: the word :math:`d` maximising
  :math:`\cos(v_d, m)` with :math:`m = \sum_{p \in P} \hat v_p - \sum_{n \in N} \hat v_n`
  (for an analogy :math:`P = \{b, c\}`, :math:`N = \{a\}`: :math:`m = \hat v_b - \hat v_a +
  \hat v_c`);
- 3CosMul, ``most_similar_cosmul``: the word maximising
  :math:`\prod_{p \in P} s(d, p) \,/\, (\prod_{n \in N} s(d, n) + \varepsilon)` with the cosines
  shifted to :math:`[0, 1]`, :math:`s(d, x) = (1 + \cos(v_d, v_x)) / 2`, and
  :math:`\varepsilon = 10^{-6}` (gensim's value; Levy and Goldberg use 0.001).

Both rank as gensim 4.4's methods of the same names, their scores agreeing to float32
rounding (gensim gives a zero vector the cosine NaN, lmkit 0).  Each query is one matrix
product with the unit vectors; ``lmkit.embeddings.evaluate`` batches thousands of them.
"""

from __future__ import annotations

import re
from os import PathLike
from typing import Sequence

import numpy as np

from ..checks import check_int, check_strings

__all__ = ["KeyedVectors"]

EPS_MUL = 1e-6  # 3CosMul's guard against a zero denominator: gensim's (the paper's is 0.001)
_SPACE = re.compile(r"[ \t\n\r\v\f]")  # what the word2vec and fastText readers split on


def _check_words(words) -> list[str]:
    words = check_strings("words", words, noun="word")
    for i, w in enumerate(words):
        if not w or _SPACE.search(w):
            raise ValueError(f"word {i} ({w!r}) is {'empty' if not w else 'holding whitespace'}: "
                             f"words must be non-empty and without spaces, tabs or line breaks "
                             f"(the word2vec text format separates fields with spaces)")
    if len(set(words)) != len(words):
        seen: dict[str, int] = {}
        for i, w in enumerate(words):
            if w in seen:
                raise ValueError(f"word {w!r} is given twice (indices {seen[w]} and {i}): each "
                                 f"word must have one vector; merge or drop the duplicates")
            seen[w] = i
    return words


def _check_vectors(vectors, words: list[str], copy: bool) -> np.ndarray:
    if hasattr(vectors, "detach"):  # a torch tensor (torch itself is not imported here)
        vectors = vectors.detach().cpu().numpy()
    try:
        arr = np.asarray(vectors)
    except ValueError as err:  # ragged rows
        raise ValueError(f"vectors must be a matrix, one row of equal length per word: {err}") from None
    if arr.dtype == bool or arr.dtype.kind not in "iuf":
        raise TypeError(f"vectors must hold numbers, got dtype {arr.dtype}")
    if arr.ndim != 2 or arr.shape[0] != len(words) or arr.shape[1] < 1:
        raise ValueError(f"vectors must have shape (len(words), d) = ({len(words)}, d) with d >= 1, "
                         f"one row per word, got shape {arr.shape}")
    arr = (np.array(arr, dtype=np.float32, order="C") if copy
           else np.ascontiguousarray(arr, dtype=np.float32))
    bad = ~np.isfinite(arr).all(axis=1)
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"vectors hold NaN or inf in {int(bad.sum())} rows, the first that of "
                         f"{words[i]!r} (index {i}): word vectors must be finite (did training "
                         f"diverge? lower the learning rate)")
    arr.flags.writeable = False
    return arr


def _check_counts(counts, n: int) -> np.ndarray | None:
    if counts is None:
        return None
    try:
        arr = np.asarray(counts)
    except ValueError as err:
        raise ValueError(f"counts must be {n} integers, one per word: {err}") from None
    if arr.dtype == bool or arr.dtype.kind not in "iu":
        raise TypeError(f"counts must be integers (word frequencies), got dtype {arr.dtype}")
    if arr.shape != (n,):
        raise ValueError(f"counts must hold one count per word, shape ({n},), got shape {arr.shape}")
    if n and arr.min() < 0:
        raise ValueError(f"counts must be >= 0, got {int(arr.min())}")
    arr = arr.astype(np.int64)
    arr.flags.writeable = False
    return arr


def _unit_rows(x: np.ndarray) -> np.ndarray:
    """Rows divided by their norms; zero rows stay zero."""
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.where(norms > 0, norms, 1).astype(x.dtype)


def query_scores(unit: np.ndarray, candidates: np.ndarray, pos: np.ndarray, neg: np.ndarray,
                 method: str) -> np.ndarray:
    r"""Scores of every candidate (rows of ``candidates``, unit vectors) for a batch of queries:
    ``pos`` (B x p) and ``neg`` (B x q) hold the ids of each query's positive and negative
    words in ``unit``.  ``method="add"``: :math:`\cos(\hat v_d, m)`; ``"mul"``: the 3CosMul
    ratio.  One matrix product per batch (float32, as gensim)."""
    if method == "add":
        m = unit[pos].sum(axis=1)
        if neg.shape[1]:
            m -= unit[neg].sum(axis=1)
        return _unit_rows(m) @ candidates.T
    b, p = pos.shape
    queries = unit[np.concatenate([pos, neg], axis=1).ravel()]  # B (p + q) x d: one 2-d product
    shifted = (queries @ candidates.T).reshape(b, -1, len(candidates))  # B x (p + q) x N
    shifted += 1  # in place: s = (1 + cos) / 2
    shifted *= 0.5
    num = shifted[:, 0].copy()
    for j in range(1, p):
        num *= shifted[:, j]
    if neg.shape[1]:
        den = shifted[:, p].copy()
        for j in range(p + 1, shifted.shape[1]):
            den *= shifted[:, j]
        den += np.float32(EPS_MUL)
    else:
        den = np.float32(1 + EPS_MUL)
    num /= den
    return num


def top_candidates(scores: np.ndarray, exclude: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` best columns of each row of ``scores`` (B x N, overwritten), best first (ties:
    lower index first), never a column of that row's ``exclude`` (B x e ids; ids >= N are
    ignored).  Returns ``(ids, scores)``; where fewer than ``k`` columns remain, the ids past
    them are -1.

    Few candidates (gensim's analogy test takes 5): ``k`` passes of argmax, each taking out
    the best; many: a partial sort finds each row's k-th best score and only the columns at or
    above it are sorted."""
    b, n = scores.shape
    rows = np.arange(b)
    flat_rows = np.repeat(rows, exclude.shape[1])
    cols = exclude.ravel()
    scores[flat_rows[cols < n], cols[cols < n]] = -np.inf
    k_all = min(k, n)
    ids = np.full((b, k), -1, dtype=np.int64)
    got = np.full((b, k), -np.inf, dtype=scores.dtype)
    if k_all <= 16:
        for j in range(k_all):
            best = scores.argmax(axis=1)
            got[:, j] = scores[rows, best]
            ids[:, j] = best
            scores[rows, best] = -np.inf
    else:
        if k_all < n:
            threshold = np.partition(scores, n - k_all, axis=1)[:, n - k_all]
            r, c = np.nonzero(scores >= threshold[:, None])
        else:
            r, c = np.divmod(np.arange(b * n), n)
        v = scores[r, c]
        order = np.lexsort((c, -v, r))
        r, c, v = r[order], c[order], v[order]
        rank = np.arange(len(r)) - np.searchsorted(r, r)  # position within the row
        first = rank < k_all
        ids[r[first], rank[first]] = c[first]
        got[r[first], rank[first]] = v[first]
    ids[np.isneginf(got)] = -1
    return ids, got


class KeyedVectors:
    """Words with one vector each: ``KeyedVectors(words, vectors, counts=None)``.

    Parameters
    ----------
    words:
        Distinct, non-empty strings without whitespace (they must survive the text format);
        by convention the most frequent first.
    vectors:
        Finite numbers, shape ``(len(words), d)``; stored as a read-only float32 matrix.
    counts:
        Optional word frequencies, one per word.
    copy:
        Copy ``vectors`` (default); ``False`` uses a float32 C-contiguous array as it is (and
        makes it read-only), sparing the memory of a copy.
    """

    def __init__(self, words: Sequence[str], vectors: np.ndarray,
                 counts: Sequence[int] | None = None, *, copy: bool = True) -> None:
        words = _check_words(words)
        if not words:
            raise ValueError("KeyedVectors needs at least one word")
        self.vectors = _check_vectors(vectors, words, copy)
        self.index_to_key: list[str] = words
        self.key_to_index: dict[str, int] = {w: i for i, w in enumerate(words)}
        self.counts = _check_counts(counts, len(words))
        self.vector_size: int = self.vectors.shape[1]
        self._unit: np.ndarray | None = None

    # --- lookup -----------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.index_to_key)

    def __contains__(self, word) -> bool:
        return word in self.key_to_index

    def __repr__(self) -> str:
        head = ", ".join(self.index_to_key[:5])
        return (f"KeyedVectors({len(self):,} words x {self.vector_size} dims: {head}"
                f"{', ...' if len(self) > 5 else ''})")

    def index(self, word: str) -> int:
        """The row of ``word``, or a KeyError naming it (and a case variant that exists)."""
        if not isinstance(word, str):
            raise TypeError(f"words are looked up by string, got {type(word).__name__} {word!r}; "
                            f"for the word of row i use kv.index_to_key[i]")
        i = self.key_to_index.get(word)
        if i is None:
            hint = next((f"; did you mean {v!r}?" for v in (word.lower(), word.capitalize(),
                        word.upper()) if v != word and v in self.key_to_index), "")
            raise KeyError(f"{word!r} is not in the vocabulary of {len(self):,} words{hint}")
        return i

    def __getitem__(self, word: str) -> np.ndarray:
        """The vector of ``word`` (read-only); a list of words gives a matrix."""
        if isinstance(word, (list, tuple)):
            return self.vectors[[self.index(w) for w in word]]
        return self.vectors[self.index(word)]

    def get_vector(self, word: str, norm: bool = False) -> np.ndarray:
        r"""The vector :math:`v_w` of ``word``, or :math:`\hat v_w = v_w / \|v_w\|` with ``norm``."""
        i = self.index(word)
        return self.unit_vectors()[i] if norm else self.vectors[i]

    def unit_vectors(self) -> np.ndarray:
        r"""Every row divided by its norm, :math:`\hat v_w = v_w / \|v_w\|` (cached, read-only);
        a zero row stays zero."""
        if self._unit is None:
            unit = _unit_rows(self.vectors)
            unit.flags.writeable = False
            self._unit = unit
        return self._unit

    # --- similarity -----------------------------------------------------------------------

    def similarity(self, w1: str, w2: str) -> float:
        r"""Cosine :math:`\cos(v_1, v_2) = \hat v_1 \cdot \hat v_2` (0 for a zero vector)."""
        u = self.unit_vectors()
        return float(np.dot(u[self.index(w1)].astype(np.float64), u[self.index(w2)]))

    def _query(self, positive, negative, topn, restrict_vocab, method: str) -> list[tuple[str, float]]:
        positive = [positive] if isinstance(positive, str) else check_strings(
            "positive", positive, "['king', 'woman']", "word")
        negative = [negative] if isinstance(negative, str) else check_strings(
            "negative", negative, "['man']", "word")
        if not positive:
            raise ValueError("positive must name at least one word, e.g. positive=['king', "
                             "'woman'], negative=['man'] for 'man is to king as woman is to ?'")
        topn = check_int("topn", topn, low=1)
        r = len(self) if restrict_vocab is None else min(
            check_int("restrict_vocab", restrict_vocab, low=1), len(self))
        pos = np.array([[self.index(w) for w in positive]])
        neg = np.array([[self.index(w) for w in negative]], dtype=np.int64).reshape(1, -1)
        unit = self.unit_vectors()
        scores = query_scores(unit, unit[:r], pos, neg, method)
        ids, got = top_candidates(scores, np.concatenate([pos, neg], axis=1), topn)
        return [(self.index_to_key[i], float(s)) for i, s in zip(ids[0], got[0]) if i >= 0]

    def most_similar(self, positive: Sequence[str] | str = (), negative: Sequence[str] | str = (),
                     topn: int = 10, restrict_vocab: int | None = None) -> list[tuple[str, float]]:
        r"""The ``topn`` words closest to :math:`m = \sum_{p} \hat v_p - \sum_{n} \hat v_n`
        by cosine (3CosAdd), best first, as ``(word, cosine)``; the query words are never
        returned.  ``restrict_vocab=N`` searches only the first N words."""
        return self._query(positive, negative, topn, restrict_vocab, "add")

    def most_similar_cosmul(self, positive: Sequence[str] | str = (),
                            negative: Sequence[str] | str = (), topn: int = 10,
                            restrict_vocab: int | None = None) -> list[tuple[str, float]]:
        r"""The ``topn`` words maximising 3CosMul,
        :math:`\prod_p s(d, p) / (\prod_n s(d, n) + 10^{-6})` with :math:`s = (1 + \cos) / 2`,
        as ``(word, score)``; the query words are never returned.  (gensim accepts
        ``restrict_vocab`` here but ignores it; lmkit applies it.)"""
        return self._query(positive, negative, topn, restrict_vocab, "mul")

    def analogy(self, a: str, b: str, c: str, method: str = "add",
                restrict_vocab: int | None = None) -> str:
        """The word d of "a is to b as c is to d": positive ``[b, c]``, negative ``[a]``, by
        3CosAdd (``method="add"``) or 3CosMul (``"mul"``)."""
        if method not in ("add", "mul"):
            raise ValueError(f"method must be 'add' (3CosAdd) or 'mul' (3CosMul), got {method!r}")
        got = self._query([b, c], [a], 1, restrict_vocab, method)
        if not got:
            raise ValueError(f"no word is left to answer {a}:{b} :: {c}:? once the query words "
                             f"are set aside; widen restrict_vocab")
        return got[0][0]

    # --- files ----------------------------------------------------------------------------

    def save_word2vec_format(self, path: str | PathLike, binary: bool = False,
                             precision: int | None = None) -> None:
        """Write the word2vec text or binary format (see ``lmkit.embeddings.io``)."""
        from .io import save_word2vec_format
        save_word2vec_format(self, path, binary=binary, precision=precision)

    @classmethod
    def load_word2vec_format(cls, path: str | PathLike, binary: bool = False,
                             limit: int | None = None) -> "KeyedVectors":
        """Read the word2vec text or binary format (see ``lmkit.embeddings.io``)."""
        from .io import load_word2vec_format
        return load_word2vec_format(path, binary=binary, limit=limit)
