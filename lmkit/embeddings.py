r"""Word vectors: from one-hot codes to distributed representations.

Chapter 1 contrasts the two: a one-hot vector :math:`e_w \in \{0,1\}^{|V|}` makes every
pair of different words orthogonal (cosine 0), so it says nothing about similarity; a
distributed vector, here the counts of a word's neighbours, puts words used alike close
together.  Later chapters learn dense vectors (word2vec, GloVe) and extend this module.
"""

from __future__ import annotations

import numpy as np

__all__ = ["context_vectors", "cosine", "one_hot"]


def one_hot(ids: np.ndarray | list[int], size: int) -> np.ndarray:
    """Rows :math:`e_w` of the identity matrix: ``one_hot([2, 0], 4)`` is 2 x 4."""
    ids = np.asarray(ids, dtype=np.int64)
    if size < 1:
        raise ValueError(f"size must be >= 1, got {size}")
    if ids.size and (ids.min() < 0 or ids.max() >= size):
        raise ValueError(f"ids must lie in [0, {size}), got min {ids.min()} and max {ids.max()}")
    out = np.zeros((ids.size, size))
    out[np.arange(ids.size), ids] = 1.0
    return out


def cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    r"""Cosine similarity :math:`\frac{a \cdot b}{\|a\|\,\|b\|}` between the rows of ``a`` and
    the rows of ``b`` (a matrix of shape ``len(a) x len(b)``); a zero row gives 0."""
    a, b = np.atleast_2d(np.asarray(a, float)), np.atleast_2d(np.asarray(b, float))
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"vectors differ in length: {a.shape[1]} and {b.shape[1]}")
    na = np.linalg.norm(a, axis=1, keepdims=True)
    nb = np.linalg.norm(b, axis=1, keepdims=True)
    return (a / np.where(na > 0, na, 1)) @ (b / np.where(nb > 0, nb, 1)).T


def context_vectors(tokens: np.ndarray, targets: np.ndarray | list[int], size: int,
                    window: int = 2) -> np.ndarray:
    r"""Distributional vectors: row i counts how often each word occurs within ``window``
    tokens of an occurrence of ``targets[i]`` in the id sequence ``tokens``.

    One vectorised pass per offset :math:`d \in [-window, window] \setminus \{0\}`.
    """
    if window < 1:
        raise ValueError(f"window must be >= 1, got {window}")
    tokens = np.asarray(tokens, dtype=np.int64)
    targets = np.asarray(targets, dtype=np.int64)
    row_of = np.full(size, -1, dtype=np.int64)
    row_of[targets] = np.arange(len(targets))
    out = np.zeros((len(targets), size))
    n = len(tokens)
    for d in range(-window, window + 1):
        if d == 0 or abs(d) >= n:
            continue
        centre = tokens[max(0, -d): n - max(0, d)]
        neighbour = tokens[max(0, d): n - max(0, -d)]
        rows = row_of[centre]
        keep = rows >= 0
        np.add.at(out, (rows[keep], neighbour[keep]), 1.0)
    return out
