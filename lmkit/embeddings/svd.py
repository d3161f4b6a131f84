r"""Count-based word vectors: positive pointwise mutual information (PPMI) of the
co-occurrence matrix, with context-distribution smoothing, and its truncated SVD (Levy,
Goldberg and Dagan 2015), the count baseline that GloVe and skip-gram are set beside.

With :math:`\#(w, c) = X_{wc}`, :math:`\#(w) = \sum_c X_{wc}`, :math:`\#(c) = \sum_w X_{wc}`
and :math:`|D| = \sum_{w,c} X_{wc}`,

.. math::

    \mathrm{PPMI}_{\alpha,k}(w, c) = \max\Big(\log \frac{P(w, c)}{P(w)\, P_\alpha(c)} - \log k,
    \ 0\Big), \quad P(w, c) = \frac{\#(w, c)}{|D|},\ P(w) = \frac{\#(w)}{|D|},\
    P_\alpha(c) = \frac{\#(c)^\alpha}{\sum_{c'} \#(c')^\alpha}.

Smoothing the context distribution with :math:`\alpha = 0.75` (word2vec's noise exponent)
raises the probability of rare contexts and so lowers PMI's bias towards them; :math:`k` is
the shift (:math:`\log k` for skip-gram with :math:`k` negative samples); :math:`k = 1` is no
shift.  Only the non-zero cells are computed: :math:`\log 0` is :math:`-\infty`, clipped to 0.

The vectors are :math:`W = U_d \Sigma_d^{p}` of the truncated SVD :math:`M \approx U_d \Sigma_d
V_d^{\top}` of :math:`M = \mathrm{PPMI}`: :math:`p = 1` is the plain factorisation, :math:`p
= 0.5` the symmetric one (:math:`W` and the context vectors :math:`V_d \Sigma_d^{1/2}` play
the same part, as in word2vec), :math:`p = 0` drops the singular values.  Levy et al.
recommend :math:`p = 0.5` or :math:`0` over the traditional :math:`p = 1`, which was
consistently worse in their experiments.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..checks import check_int, check_real

__all__ = ["ppmi", "svd_vectors", "truncated_svd"]


def _check_counts(X, what: str = "X"):
    """``X`` as a canonical float64 CSR matrix of finite counts >= 0, or a clear error."""
    from scipy import sparse

    if not (sparse.issparse(X) or isinstance(X, np.ndarray)):
        raise TypeError(f"{what} must be a co-occurrence matrix (scipy.sparse or a 2-d numpy "
                        f"array), as lmkit.embeddings.cooccurrence returns, got "
                        f"{type(X).__name__}")
    if X.ndim != 2:
        raise ValueError(f"{what} must be a 2-d co-occurrence matrix, got shape {X.shape}")
    if X.dtype == bool or X.dtype.kind not in "iuf":
        raise TypeError(f"{what} must hold counts (numbers), got dtype {X.dtype}")
    X = sparse.csr_matrix(X, dtype=np.float64)  # shares the caller's arrays where it can
    if not np.all(np.isfinite(X.data)):
        raise ValueError(f"{what} holds {int((~np.isfinite(X.data)).sum())} NaN or inf cells: "
                         f"co-occurrence counts must be finite; recount them")
    if X.nnz and X.data.min() < 0:
        raise ValueError(f"{what} holds negative counts (min {X.data.min():g}): co-occurrence "
                         f"counts must be >= 0; pass the counts, not a PMI or log matrix")
    if not X.has_canonical_format or not np.all(X.data):
        X = X.copy()  # never edit the caller's matrix
        X.sum_duplicates()
        X.eliminate_zeros()
    if X.nnz == 0:
        raise ValueError(f"{what} ({X.shape[0]} x {X.shape[1]}) is empty: no co-occurrence was "
                         f"counted; use a larger corpus or a wider window")
    return X


def ppmi(X, cds: float = 0.75, shift: float = 1.0):
    r"""The PPMI matrix of co-occurrence counts ``X`` (``scipy.sparse`` CSR, float64, same
    shape), with context-distribution smoothing :math:`\alpha` = ``cds`` (1: plain PPMI)
    and shift :math:`k` = ``shift``:
    :math:`\max(\log \frac{\#(w,c)\, \sum_{c'} \#(c')^\alpha}{\#(w)\, \#(c)^\alpha} - \log k,
    0)`, on the non-zero cells of ``X`` only (the zeros stay zero)."""
    from scipy.sparse import csr_matrix

    cds = check_real("cds", cds, 0, 1, low_open=True)
    shift = check_real("shift", shift, 0, None, low_open=True)
    X = _check_counts(X)
    rows = np.asarray(X.sum(axis=1)).ravel()           # #(w)
    cols = np.asarray(X.sum(axis=0)).ravel() ** cds    # #(c)^alpha
    r = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
    # log P(w,c) - log P(w) - log P_alpha(c), with |D| cancelling once
    pmi = (np.log(X.data) + np.log(cols.sum()) - np.log(rows[r]) - np.log(cols[X.indices])
           - np.log(shift))
    out = csr_matrix((np.maximum(pmi, 0.0), X.indices.copy(), X.indptr.copy()), shape=X.shape)
    out.has_canonical_format = True
    out.eliminate_zeros()
    return out


def truncated_svd(M, dim: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""The ``dim`` largest singular triplets of ``M``, :math:`M \approx U \Sigma V^{\top}`,
    by ARPACK (``scipy.sparse.linalg.svds``) from a seeded start vector, so deterministic:
    ``(U, S, Vt)``, by decreasing singular value, each singular vector's sign fixed so that
    its largest entry (in absolute value) of :math:`U` is positive."""
    from scipy.sparse.linalg import svds

    dim = check_int("dim", dim, 1)
    seed = check_int("seed", seed, 0)
    n = min(M.shape)
    if dim >= n:
        raise ValueError(f"a vocabulary too small for the requested dimension: dim={dim} needs "
                         f"dim < min(X.shape) = {n} (ARPACK's truncated SVD); lower dim below "
                         f"{n}, or count a larger vocabulary (more text, lower min_count)")
    v0 = np.random.default_rng(seed).uniform(-1, 1, n)
    U, S, Vt = svds(M, k=dim, v0=v0, solver="arpack")
    order = np.argsort(-S, kind="stable")
    U, S, Vt = U[:, order], S[order], Vt[order]
    sign = np.sign(U[np.argmax(np.abs(U), axis=0), np.arange(dim)])
    sign[sign == 0] = 1
    return U * sign, S, Vt * sign[:, None]


def svd_vectors(X, words: Sequence[str], dim: int = 100, cds: float = 0.75, eig: float = 0.5,
                seed: int = 0, shift: float = 1.0, counts=None):
    r"""Word vectors :math:`W = U_d \Sigma_d^{p}` (``eig`` = :math:`p`) of the truncated SVD
    of ``ppmi(X, cds, shift)``, as a ``KeyedVectors`` of ``words`` (one per row of the square
    matrix ``X``; ``counts``: their frequencies, optional), dimensions by decreasing singular
    value.  Levy et al. (2015) recommend ``eig`` 0.5 (the symmetric weighting, the default)
    or 0 over the plain :math:`p = 1`.  Deterministic for a given ``seed``."""
    from ..checks import check_strings
    from .keyed import KeyedVectors

    eig = check_real("eig", eig, 0, None)
    words = check_strings("words", words, noun="word")
    X = _check_counts(X)
    if X.shape[0] != X.shape[1]:
        raise ValueError(f"X must be a square word-by-word co-occurrence matrix, got shape "
                         f"{X.shape}")
    if X.shape[0] != len(words):
        raise ValueError(f"X has {X.shape[0]} rows but {len(words)} words are given: pass the "
                         f"words of X's rows, in order (cooccurrence_from_sentences returns them)")
    dim = check_int("dim", dim, 1)
    if dim >= X.shape[0]:
        raise ValueError(f"a vocabulary too small for the requested dimension: {X.shape[0]} words "
                         f"and dim={dim}, but the truncated SVD needs dim < {X.shape[0]}; lower "
                         f"dim below {X.shape[0]}, or count a larger vocabulary (more text, lower "
                         f"min_count)")
    U, S, _ = truncated_svd(ppmi(X, cds, shift), dim, seed)
    return KeyedVectors(words, U * S ** eig, counts)
