r"""The word-word co-occurrence matrix :math:`X` of GloVe (Pennington et al. 2014), counted
vectorised and in bounded memory.

With the corpus as sentences of word ids, :math:`F_{ab}` sums, over every occurrence of
:math:`b` at distance :math:`d \in \{1, \dots, N\}` to the *right* of an occurrence of
:math:`a` in the same sentence, the weight :math:`w(d)`:

.. math::

    F_{ab} = \sum_{s} \sum_{t} \sum_{d=1}^{N} [\![ s_t = a,\ s_{t+d} = b,\ t + d < |s| ]\!]\, w(d),
    \qquad X = F + F^{\top},

with :math:`w(d) = 1/d` (``"harmonic"``, GloVe's ``cooccur.c``) or :math:`w(d) = 1`
(``"uniform"``, the notes' worked example).  ``symmetric=False`` returns :math:`F`, the right
contexts only.  A word next to itself adds to the diagonal twice, :math:`X_{aa} = 2F_{aa}`,
as in ``cooccur.c``.  Pairs never cross a sentence boundary; words outside the vocabulary are
dropped by ``encode_corpus`` before counting, so the words either side of one become neighbours
(as in word2vec and GloVe).

**How it is counted** (no Python loop over tokens).  The corpus is cut into chunks of
``chunk_tokens`` tokens (a chunk may end inside a sentence: its last words read their right
contexts past the cut).  A numba kernel visits every pair; with ``symmetric`` it counts the
unordered pair :math:`(\min, \max)`, the upper triangle :math:`U` of :math:`X`, so that
:math:`X = U + U^{\top}` (diagonal doubled) and every sparse step handles half the cells.

- *Frequent pairs* (GloVe's ``cooccur.c`` idea): the cells with :math:`(x+1)(y+1) < P`, ids
  in frequency order, are added straight into a dense table of ``frequent_cells`` float64
  (4 MiB by default: 80% of the pairs of the English novels at window 10).
- *The others* become one int64 key each, :math:`k = (xV + y)(N + 1) + d`, written to a
  buffer reused by every chunk; the keys are sorted in place (``ndarray.sort``; an
  ``argsort`` is seven times slower); one pass over the sorted keys adds run length
  :math:`\times\, w(d)` per cell and writes the chunk's CSR arrays directly.
- The chunks' matrices are added as a binary counter (two partial sums are added when they
  cover as many chunks): merging costs :math:`O(\mathrm{nnz} \log \mathrm{chunks})`.  The
  table's cells precede the keys' in every row, so the two are joined without a merge, and
  :math:`U + U^{\top}` is written in the same pass (each row of :math:`U` copied, its cells
  also scattered to their column's row, in order).

Peak memory is the chunk's keys (at most ``chunk_tokens * window * 8`` bytes; a fifth of that
on the novels) plus the table plus about twice the output, whatever the corpus size.

``cooccurrence_dict`` is the brute-force reference (Python loops; small corpora only),
``context_windows`` and ``cooccurrence_table`` print the worked example.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from numba import njit

from ..checks import check_int, check_strings

__all__ = ["WEIGHTINGS", "context_windows", "cooccurrence", "cooccurrence_dict",
           "cooccurrence_from_sentences", "cooccurrence_table", "distance_weights"]

WEIGHTINGS = ("harmonic", "uniform")


def distance_weights(window: int, weighting: str = "harmonic") -> np.ndarray:
    r""":math:`w(d)` for :math:`d = 0, \dots, N` (float64; index 0 unused, 0): :math:`1/d`
    for ``"harmonic"``, 1 for ``"uniform"``."""
    window = check_int("window", window, 1)
    if weighting not in WEIGHTINGS:
        raise ValueError(f"weighting must be one of {WEIGHTINGS} (1/d as GloVe, or 1 for every "
                         f"distance), got {weighting!r}")
    d = np.arange(window + 1, dtype=np.float64)
    w = np.ones_like(d) if weighting == "uniform" else 1.0 / np.maximum(d, 1)
    w[0] = 0.0
    return w


@njit(nogil=True, cache=True)
def _pair_keys(ids, offsets, lo, hi, s, vocab_size, w, upper, region, table,
               keys):  # pragma: no cover (numba)
    """The pairs whose left word lies in [lo, hi) (``s``: the sentence holding ``lo``), as
    (x, y) = (a, b), or (min, max) with ``upper``: w(d) is added to ``table[region[x, 1] +
    y]`` when y < region[x, 0] (a frequent pair), else the key (xV + y)(N + 1) + d is
    written to ``keys``.  Returns the number of keys written."""
    window, n, end = len(w) - 1, 0, offsets[s + 1]
    for i in range(lo, hi):
        while end <= i:
            s += 1
            end = offsets[s + 1]
        a = np.int64(ids[i])
        for d in range(1, min(window, end - 1 - i) + 1):
            b = np.int64(ids[i + d])
            x = min(a, b) if upper else a  # branch-free
            y = max(a, b) if upper else b
            if y < region[x, 0]:
                table[region[x, 1] + y] += w[d]
            else:
                keys[n] = (x * vocab_size + y) * (window + 1) + d
                n += 1
    return n


@njit(nogil=True, cache=True)
def _reduce_sorted(keys, w, vocab_size, indptr, cols, values):  # pragma: no cover (numba)
    """One pass over sorted keys: each run of equal keys (x, y, d) adds run length * w(d)
    to the cell (x, y); fills ``cols``, ``values`` and the row lengths ``indptr[1:]``."""
    stride, n = len(w), len(keys)
    j, bound, base, i = -1, -1, 0, 0
    while i < n:
        k = keys[i]
        r = i + 1
        while r < n and keys[r] == k:
            r += 1
        if k >= bound:  # a new pair
            j += 1
            pair = k // stride
            base = pair * stride
            bound = base + stride
            x = pair // vocab_size
            cols[j] = pair - x * vocab_size
            values[j] = 0.0
            indptr[x + 1] += 1
        values[j] += (r - i) * w[k - base]
        i = r
    return j + 1


@njit(nogil=True, cache=True)
def _concat_rows(pa, ia, va, pb, ib, vb, ptr, ind, val):  # pragma: no cover (numba)
    """Row by row, A's entries then B's (every column of A's row before B's): the sum of two
    CSR matrices with disjoint, ordered supports, without a merge."""
    for r in range(len(pa) - 1):
        o = ptr[r]
        for j in range(pa[r], pa[r + 1]):
            ind[o] = ia[j]
            val[o] = va[j]
            o += 1
        for j in range(pb[r], pb[r + 1]):
            ind[o] = ib[j]
            val[o] = vb[j]
            o += 1


@njit(nogil=True, cache=True)
def _symmetric_rows(pa, ia, va, pb, ib, vb, ptr, ind, val):  # pragma: no cover (numba)
    """X = U + U^T for the upper-triangular U whose row r is A's row r then B's: row r of X
    is U's column r above the diagonal (written as U's rows are read, so in order), then
    U's row r with its diagonal doubled (X_aa = 2 F_aa).  ``ptr`` arrives holding zeros."""
    n = len(pa) - 1
    low = np.zeros(n + 1, dtype=np.int64)  # entries of each row of X left of the diagonal
    for p, i in ((pa, ia), (pb, ib)):
        for r in range(n):
            for j in range(p[r], p[r + 1]):
                if i[j] > r:
                    low[i[j]] += 1
    for r in range(n):
        ptr[r + 1] = ptr[r] + low[r] + (pa[r + 1] - pa[r]) + (pb[r + 1] - pb[r])
    fill = ptr[:-1].copy()
    for r in range(n):
        o = ptr[r] + low[r]
        for p, i, v in ((pa, ia, va), (pb, ib, vb)):
            for j in range(p[r], p[r + 1]):
                c = i[j]
                ind[o] = c
                val[o] = 2.0 * v[j] if c == r else v[j]
                o += 1
                if c > r:
                    ind[fill[c]] = r
                    val[fill[c]] = v[j]
                    fill[c] += 1


def _csr(values, cols, indptr, n: int):
    from scipy.sparse import csr_matrix

    out = csr_matrix((values, cols, indptr), shape=(n, n), copy=False)
    out.has_canonical_format = True
    return out


def _index_dtype(nnz: int, n: int):
    return np.int32 if max(nnz, n) < 2**31 - 1 else np.int64


def _chunk_matrix(keys: np.ndarray, w: np.ndarray, vocab_size: int):
    """The CSR matrix of one chunk's sorted keys: run lengths times w(d), summed per pair."""
    idx = _index_dtype(len(keys), vocab_size)
    indptr = np.zeros(vocab_size + 1, dtype=np.int64)
    # a bound on the cells: only the first m entries are written, and so touched
    cols, values = np.empty(len(keys), dtype=idx), np.empty(len(keys), dtype=np.float64)
    m = _reduce_sorted(keys, w, vocab_size, indptr, cols, values)
    np.cumsum(indptr, out=indptr)
    return _csr(values[:m], cols[:m], indptr.astype(idx), vocab_size)


def _join(A, B, symmetric: bool):
    """A + B where every column of A's row precedes B's (canonical in and out), and with
    ``symmetric`` (A + B upper-triangular) its X = U + U^T, in one pass without a merge."""
    n = A.shape[0]
    if symmetric:
        nnz = 2 * (A.nnz + B.nnz)  # a bound: the diagonal is not mirrored
        ptr, kernel = np.zeros(n + 1, dtype=np.int64), _symmetric_rows
    else:
        ptr, kernel = A.indptr.astype(np.int64) + B.indptr, _concat_rows
        nnz = int(ptr[-1])
    idx = _index_dtype(nnz, n)
    ind, val = np.empty(nnz, dtype=idx), np.empty(nnz, dtype=np.float64)  # touched as written
    pa, ia, pb, ib = (x.astype(idx, copy=False) for x in (A.indptr, A.indices, B.indptr, B.indices))
    kernel(pa, ia, A.data, pb, ib, B.data, ptr, ind, val)
    m = int(ptr[-1])
    return _csr(val[:m], ind[:m], ptr.astype(idx), n)


def frequent_region(vocab_size: int, cells: int, upper: bool):
    r"""The frequent pairs counted in a dense table (GloVe's ``cooccur.c`` idea): the cells
    :math:`(x, y)` with :math:`(x + 1)(y + 1) < P` (ids by decreasing frequency), :math:`y
    \ge x` with ``upper``, for the largest :math:`P` that fits ``cells`` cells.  Returns
    ``(limit, low, start)`` (int64, V each): row x covers the columns [low[x], limit[x]) at
    table positions from start[x]; the table size is the last row's end."""
    x = np.arange(vocab_size, dtype=np.int64)
    low = x if upper else np.zeros_like(x)

    def rows(P):
        limit = np.minimum(vocab_size, (P - 1) // (x + 1))
        return limit, np.maximum(limit - low, 0)

    lo, hi = 1, vocab_size * vocab_size + 2
    while lo < hi:  # the largest P whose region fits
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if rows(mid)[1].sum() <= cells else (lo, mid - 1)
    limit, size = rows(lo)
    limit = np.maximum(limit, low)  # empty rows: limit = low
    start = np.concatenate(([0], np.cumsum(size)[:-1]))
    return limit, low, start


def _region_matrix(table, limit, low, start, vocab_size: int):
    """The dense table of frequent pairs as a canonical CSR matrix (its non-zero cells)."""
    size = limit - low
    row = np.repeat(np.arange(vocab_size, dtype=np.int64), size)
    nz = np.flatnonzero(table)
    idx = _index_dtype(len(nz), vocab_size)
    cols = (low[row[nz]] + nz - start[row[nz]]).astype(idx)
    indptr = np.zeros(vocab_size + 1, dtype=np.int64)
    np.cumsum(np.bincount(row[nz], minlength=vocab_size), out=indptr[1:])
    return _csr(table[nz], cols, indptr.astype(idx), vocab_size)


def _check_corpus(corpus, offsets, vocab_size: int) -> tuple[np.ndarray, np.ndarray]:
    """The ids checked without a corpus-sized copy."""
    corpus, offsets = np.asarray(corpus), np.asarray(offsets)
    for name, a in (("corpus", corpus), ("offsets", offsets)):
        if a.ndim != 1 or (a.size and (a.dtype == bool or a.dtype.kind not in "iu")):
            raise TypeError(f"{name} must be a 1-d array of integers, as "
                            f"lmkit.embeddings.word2vec.encode_corpus returns, got dtype "
                            f"{a.dtype} and shape {a.shape}")
    if corpus.size:
        lo, hi = corpus.min(), corpus.max()
        if lo < 0 or hi >= vocab_size:
            raise ValueError(f"corpus must hold ids in [0, {vocab_size}) (the ids of a vocabulary "
                             f"of {vocab_size}), got min {lo} and max {hi}; encode the text with "
                             f"the same vocabulary, or pass its size as vocab_size")
    offsets = offsets.astype(np.int64, copy=False)
    if (offsets.size < 1 or offsets[0] != 0 or offsets[-1] != len(corpus)
            or (offsets.size > 1 and np.any(np.diff(offsets) < 0))):
        raise ValueError(f"offsets must be the sentence boundaries of corpus: non-decreasing, "
                         f"from 0 to len(corpus) = {len(corpus)}, as encode_corpus returns them "
                         f"(got {offsets.size} offsets"
                         f"{f', from {offsets[0]} to {offsets[-1]}' if offsets.size else ''})")
    if corpus.dtype.kind == "u" and corpus.dtype.itemsize >= 8:
        corpus = corpus.astype(np.int64)
    return corpus, offsets


def cooccurrence(corpus: np.ndarray, offsets: np.ndarray, vocab_size: int, window: int = 10,
                 weighting: str = "harmonic", symmetric: bool = True,
                 chunk_tokens: int = 4_000_000, progress: bool = False,
                 frequent_cells: int = 1 << 19):
    r"""The co-occurrence matrix :math:`X = F + F^{\top}` (``symmetric=False``: :math:`F`,
    :math:`F_{ab} = \sum_t \sum_{d=1}^{N} [\![ s_t = a,\ s_{t+d} = b ]\!]\, w(d)` within
    sentences) of an encoded corpus (``corpus`` and ``offsets`` as ``encode_corpus`` returns
    them), as a canonical ``scipy.sparse.csr_matrix`` (float64, ``vocab_size`` square).
    ``chunk_tokens`` and ``frequent_cells`` (the dense table of frequent pairs; 0: none) are
    explained in the module's docstring; ``progress`` shows a bar over the tokens."""
    window = check_int("window", window, 1)
    vocab_size = check_int("vocab_size", vocab_size, 1)
    chunk_tokens = check_int("chunk_tokens", chunk_tokens, 1)
    w = distance_weights(window, weighting)
    if vocab_size * vocab_size * (window + 1) >= 2**63:
        raise ValueError(f"vocab_size {vocab_size} and window {window} give pair keys "
                         f"(aV + b)(N + 1) + d beyond int64: lower the vocabulary (min_count, "
                         f"max_vocab_size) below {int((2**63 / (window + 1)) ** 0.5):,} words")
    corpus, offsets = _check_corpus(corpus, offsets, vocab_size)
    frequent_cells = check_int("frequent_cells", frequent_cells, 0)
    from tqdm.auto import tqdm

    limit, low, start = frequent_region(vocab_size, frequent_cells, symmetric)
    table = np.zeros(int(start[-1] + limit[-1] - low[-1]), dtype=np.float64)
    region = np.stack([limit, start - low], axis=1)  # one cache line per row's look-up
    n_tok = len(corpus)
    stack: list = []  # [chunks covered, partial sum]: a binary counter
    pairs = 0
    # one buffer for every chunk's keys (its pages are touched only as far as written)
    buffer = np.empty(min(chunk_tokens, n_tok) * window, dtype=np.int64)
    with tqdm(total=n_tok, unit="tok", unit_scale=True, disable=not progress,
              desc="co-occurrences") as bar:
        for lo in range(0, n_tok, chunk_tokens):
            hi = min(lo + chunk_tokens, n_tok)
            s = int(np.searchsorted(offsets, lo, side="right")) - 1
            n = _pair_keys(corpus, offsets, lo, hi, s, vocab_size, w, symmetric, region, table,
                           buffer)
            pairs += n
            if n:
                keys = buffer[:n]
                keys.sort()
                stack.append([1, _chunk_matrix(keys, w, vocab_size)])
                while len(stack) > 1 and stack[-2][0] <= stack[-1][0]:
                    c, m = stack.pop()
                    stack[-1] = [stack[-1][0] + c, stack[-1][1] + m]
                    del m
            bar.update(hi - lo)
    F = _region_matrix(table, limit, low, start, vocab_size)
    pairs += F.nnz
    del table, buffer
    if not pairs:
        raise ValueError(f"the corpus has no co-occurring pairs: every sentence holds fewer than "
                         f"2 words ({n_tok} tokens in {len(offsets) - 1} sentences, after "
                         f"dropping out-of-vocabulary words); pass longer sentences, or lower "
                         f"min_count so that fewer words are dropped")
    rest = stack.pop()[1] if stack else _csr(np.zeros(0), np.zeros(0, np.int32),
                                             np.zeros(vocab_size + 1, np.int32), vocab_size)
    while stack:
        rest = stack.pop()[1] + rest
    return _join(F, rest, symmetric)  # the table's columns precede the keys' in every row


def cooccurrence_from_sentences(sentences, window: int = 10, min_count: int = 1,
                                weighting: str = "harmonic", symmetric: bool = True,
                                max_vocab_size: int | None = None, **kw):
    """``(X, words, counts)``: the vocabulary of ``sentences`` (token lists) by
    ``lmkit.embeddings.word2vec.build_vocab`` (words seen ``min_count`` times, by decreasing
    count), the corpus encoded by ``encode_corpus`` (other words dropped), and its
    ``cooccurrence`` matrix (``**kw``: ``chunk_tokens``, ``progress``)."""
    from .word2vec import build_vocab, check_sentences, encode_corpus

    window = check_int("window", window, 1)
    min_count = check_int("min_count", min_count, 1)
    sentences = check_sentences(sentences)
    words, counts = build_vocab(sentences, min_count, max_vocab_size)
    corpus, offsets = encode_corpus(sentences, {w: i for i, w in enumerate(words)})
    X = cooccurrence(corpus, offsets, len(words), window, weighting, symmetric, **kw)
    return X, words, counts


def cooccurrence_dict(sentences_of_ids, window: int, weighting: str = "harmonic",
                      symmetric: bool = True) -> dict:
    r"""The reference count, ``{(a, b): X_ab}`` over the non-zero cells, by plain Python
    loops over every position and distance: :math:`F_{ab} \mathrel{+}= w(d)` for each
    :math:`b` at distance :math:`d \le N` right of :math:`a`, and with ``symmetric`` the same
    to :math:`X_{ba}`.  For tests and the benchmark's check only (small corpora)."""
    w = distance_weights(window, weighting)
    out: dict = {}
    for sent in sentences_of_ids:
        sent = [int(x) for x in sent]
        for i, a in enumerate(sent):
            for d in range(1, window + 1):
                if i + d >= len(sent):
                    break
                b = sent[i + d]
                out[a, b] = out.get((a, b), 0.0) + w[d]
                if symmetric:
                    out[b, a] = out.get((b, a), 0.0) + w[d]
    return out


def context_windows(tokens: Sequence[str], window: int) -> list[tuple[list[str], str, list[str]]]:
    """``(left context, centre, right context)`` at every position of ``tokens``: the
    ``window`` words either side, fewer at the edges."""
    tokens = check_strings("tokens", tokens)
    window = check_int("window", window, 1)
    return [(tokens[max(0, i - window):i], t, tokens[i + 1:i + 1 + window])
            for i, t in enumerate(tokens)]


def cooccurrence_table(X, words: Sequence[str], rows: Sequence[str] | None = None,
                       cols: Sequence[str] | None = None) -> str:
    """A fixed-width text table of ``X`` (dense or sparse) restricted to the words ``rows`` x
    ``cols`` (all of ``words`` by default), integers printed without decimals."""
    words = check_strings("words", words, noun="word")
    if X.shape[0] != len(words) or X.shape[1] != len(words):
        raise ValueError(f"X must be {len(words)} x {len(words)}, one row and column per word, "
                         f"got shape {X.shape}")
    index = {w: i for i, w in enumerate(words)}
    rows = words if rows is None else check_strings("rows", rows, noun="word")
    cols = words if cols is None else check_strings("cols", cols, noun="word")
    missing = [w for w in [*rows, *cols] if w not in index]
    if missing:
        raise KeyError(f"{missing[0]!r} is not one of the {len(words)} words of X; pick rows and "
                       f"cols among words")
    ri, ci = [index[w] for w in rows], [index[w] for w in cols]
    sub = X[ri][:, ci]
    sub = np.asarray(sub.toarray() if hasattr(sub, "toarray") else sub, dtype=np.float64)
    cells = [[f"{v:g}" if v == int(v) else f"{v:.3f}" for v in r] for r in sub]
    width = max([len(w) for w in [*rows, *cols]] + [len(c) for r in cells for c in r])
    head = " " * width + " " + " ".join(f"{c:>{width}}" for c in cols)
    lines = [f"{w:<{width}} " + " ".join(f"{c:>{width}}" for c in r) for w, r in zip(rows, cells)]
    return "\n".join([head, *lines])
