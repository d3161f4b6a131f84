r"""Character n-grams of words and their hash buckets: the subword units of fastText
(Bojanowski et al., 2017), numpy only.

A word :math:`w` is wrapped as ``<w>`` and cut into its character n-grams of
:math:`n_{\min} \le n \le n_{\max}` characters (3 to 6 by default; ``<`` and ``>`` alone
are never an n-gram).  :math:`\mathcal{G}_w` is that list, repeats kept, so ``"banana"``
counts ``"ana"`` twice, as fastText and gensim do.  Each n-gram :math:`g` is hashed with
32-bit FNV-1a on its UTF-8 bytes, every byte sign-extended first (fastText reads them as
``int8``),

.. math::  h_0 = 2166136261, \qquad h_{t+1} = (h_t \oplus \mathrm{int8}(b_t)) \cdot 16777619
   \bmod 2^{32},

and goes to bucket :math:`h \bmod B`: distinct n-grams may share a vector :math:`z_g`
(a collision), and no table of n-grams is kept.

``ngram_index`` does a whole vocabulary at once, vectorised over all its n-grams: these
are the index arrays the training kernel reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..checks import check_int, check_strings

__all__ = ["NgramIndex", "char_ngrams", "check_ngram_range", "fnv1a_32", "ngram_hashes",
           "ngram_index"]

FNV_OFFSET, FNV_PRIME = 2166136261, 16777619
MAX_BUCKET = 2**31 - 1  # bucket ids are int32


def check_ngram_range(min_n, max_n, bucket) -> tuple[int, int, int]:
    """``(min_n, max_n, bucket)`` checked: 1 <= min_n <= max_n, 1 <= bucket < 2**31."""
    min_n = check_int("min_n", min_n, 1)
    max_n = check_int("max_n", max_n, 1)
    if min_n > max_n:
        raise ValueError(f"min_n must be <= max_n (the n-grams have min_n to max_n characters), "
                         f"got min_n={min_n} > max_n={max_n}; e.g. min_n=3, max_n=6")
    bucket = check_int("bucket", bucket, 1, MAX_BUCKET)
    return min_n, max_n, bucket


def _wrap(word: str) -> str:
    if not isinstance(word, str):
        raise TypeError(f"a word must be a string, got {type(word).__name__} {word!r}")
    return f"<{word}>"


def char_ngrams(word: str, min_n: int = 3, max_n: int = 6) -> list[str]:
    r""":math:`\mathcal{G}_w`: the character n-grams of ``<word>`` with ``min_n`` to ``max_n``
    characters, by start position then length (gensim's ``compute_ngrams_bytes`` order);
    the lone ``<`` and ``>`` are left out.  Empty if ``<word>`` is shorter than ``min_n``."""
    min_n, max_n, _ = check_ngram_range(min_n, max_n, 1)
    w = _wrap(word)
    m = len(w)
    return [w[i:i + n] for i in range(m) for n in range(min_n, min(max_n, m - i) + 1)
            if not (n == 1 and (i == 0 or i == m - 1))]


def fnv1a_32(data: bytes | str) -> int:
    """32-bit FNV-1a of ``data`` (a str is hashed as its UTF-8 bytes) with fastText's sign
    extension of each byte: equal to gensim's ``ft_hash_bytes`` and fastText's ``hash``."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"fnv1a_32 hashes bytes or a str, got {type(data).__name__} {data!r}")
    h = FNV_OFFSET
    for b in data:
        h = ((h ^ ((b - 256 if b > 127 else b) & 0xFFFFFFFF)) * FNV_PRIME) & 0xFFFFFFFF
    return h


@dataclass(frozen=True)
class NgramIndex:
    """The n-gram buckets of a vocabulary in compressed-row form: word ``i``'s buckets are
    ``ids[offsets[i]:offsets[i + 1]]`` (int32, in ``char_ngrams`` order, repeats kept)."""

    offsets: np.ndarray  # int64, (V + 1,)
    ids: np.ndarray      # int32, (offsets[-1],)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def lengths(self) -> np.ndarray:
        r""":math:`|\mathcal{G}_w|` of every word."""
        return np.diff(self.offsets)

    def __getitem__(self, i: int) -> np.ndarray:
        return self.ids[self.offsets[i]:self.offsets[i + 1]]

    def padded(self, fill: int = -1) -> tuple[np.ndarray, np.ndarray]:
        """``(ids, lengths)``: a (V, max length) int32 matrix whose row i holds word i's
        buckets, then ``fill``; and the lengths."""
        lengths = self.lengths()
        out = np.full((len(self), int(lengths.max(initial=0))), fill, dtype=np.int32)
        col = np.arange(len(self.ids)) - np.repeat(self.offsets[:-1], lengths)
        out[np.repeat(np.arange(len(self)), lengths), col] = self.ids
        return out, lengths


def _hash_segments(buf: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """FNV-1a (``fnv1a_32``) of the byte segments ``buf[s:s + l]``, all at once: one pass per
    byte position, vectorised over the segments."""
    signed = buf.view(np.int8).astype(np.int32).view(np.uint32)  # sign-extended bytes
    h = np.full(len(starts), FNV_OFFSET, dtype=np.uint32)
    last = len(buf) - 1
    for t in range(int(lengths.max(initial=0))):
        b = signed[np.minimum(starts + t, last)]
        h = np.where(lengths > t, (h ^ b) * np.uint32(FNV_PRIME), h)
    return h


def ngram_index(words: Sequence[str], min_n: int = 3, max_n: int = 6,
                bucket: int = 2_000_000) -> NgramIndex:
    r"""The buckets :math:`h(g) \bmod B` of every :math:`g \in \mathcal{G}_w`, for every word
    of ``words``, vectorised over all n-grams (the vocabulary's only Python loop is the
    UTF-8 encoding).  ``index[i]`` equals ``ngram_hashes(words[i], ...)``."""
    words = check_strings("words", words, noun="word")
    min_n, max_n, bucket = check_ngram_range(min_n, max_n, bucket)
    enc = [_wrap(w).encode("utf-8", "surrogatepass") for w in words]
    buf = np.frombuffer(b"".join(enc), dtype=np.uint8)
    nbytes = np.fromiter(map(len, enc), dtype=np.int64, count=len(enc))
    starts0 = np.concatenate([[0], np.cumsum(nbytes)[:-1]]).astype(np.int64)
    # characters start at every byte that is not a UTF-8 continuation byte (10xxxxxx)
    char_at = np.flatnonzero((buf & 0xC0) != 0x80)
    nchars = np.add.reduceat((buf & 0xC0) != 0x80, starts0).astype(np.int64) if len(enc) \
        else np.zeros(0, np.int64)
    word_of = np.repeat(np.arange(len(enc)), nchars)
    k = np.arange(len(char_at)) - np.repeat(np.cumsum(nchars) - nchars, nchars)  # char in word
    m = np.repeat(nchars, nchars)  # characters of each character's word
    ends = np.append(char_at, len(buf))  # the words are contiguous: char p + n ends where p+n starts
    firsts, ns = [], []
    for n in range(min_n, max_n + 1):
        ok = k + n <= m
        if n == 1:  # '<' and '>' alone are no n-gram
            ok &= (k != 0) & (k + 1 != m)
        p = np.flatnonzero(ok)
        firsts.append(p)
        ns.append(np.full(len(p), n))
    p, n = np.concatenate(firsts), np.concatenate(ns)
    order = np.lexsort((n, p))  # by start, then length: gensim's order
    p, n = p[order], n[order]
    seg_start = char_at[p]
    h = _hash_segments(buf, seg_start, ends[p + n] - seg_start)
    counts = np.bincount(word_of[p], minlength=len(enc))
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return NgramIndex(offsets, (h % np.uint32(bucket)).astype(np.int32))


def ngram_hashes(word: str, min_n: int = 3, max_n: int = 6, bucket: int = 2_000_000) -> np.ndarray:
    r"""The buckets of :math:`\mathcal{G}_w` for one word (int32, ``char_ngrams`` order):
    gensim's ``ft_ngram_hashes``."""
    _wrap(word)
    return ngram_index([word], min_n, max_n, bucket).ids
