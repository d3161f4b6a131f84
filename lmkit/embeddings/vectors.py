r"""Word vectors: from one-hot codes to distributed representations.

Chapter 1 contrasts the two: a one-hot vector :math:`e_w \in \{0,1\}^{|V|}` makes every
pair of different words orthogonal (cosine 0), so it says nothing about similarity; a
distributed vector, here the counts of a word's neighbours, puts words used alike close
together.  A neural language model learns dense vectors along the way (its input embeddings,
``model.input_embeddings()``); ``nearest_neighbours`` reads any such matrix.  Later chapters
learn dense vectors directly (word2vec, GloVe) and extend this module.
"""

from __future__ import annotations

import numpy as np

from ..checks import check_ids, check_int, check_strings

__all__ = ["context_vectors", "cosine", "nearest_neighbours", "one_hot"]


def _check_vectors(name: str, x) -> np.ndarray:
    try:
        arr = np.asarray(x)
    except ValueError as err:  # ragged
        raise ValueError(f"{name} must be a vector or a matrix of equal-length rows: {err}") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers, got dtype {arr.dtype}")
    arr = np.atleast_2d(arr.astype(float))
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a vector or a matrix (one vector per row), got "
                         f"{arr.ndim} dimensions")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} holds NaN or inf: cosine needs finite vectors")
    return arr


def one_hot(ids: np.ndarray | list[int], size: int) -> np.ndarray:
    """Rows :math:`e_w` of the identity matrix: ``one_hot([2, 0], 4)`` is 2 x 4 (one id gives
    one row)."""
    size = check_int("size", size, low=1)
    ids = check_ids(ids, size, scalar_ok=True)
    out = np.zeros((ids.size, size))
    out[np.arange(ids.size), ids] = 1.0
    return out


def cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    r"""Cosine similarity :math:`\frac{a \cdot b}{\|a\|\,\|b\|}` between the rows of ``a`` and
    the rows of ``b`` (a matrix of shape ``len(a) x len(b)``); a zero row gives 0."""
    a, b = _check_vectors("a", a), _check_vectors("b", b)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"vectors differ in length: {a.shape[1]} and {b.shape[1]}")
    na = np.linalg.norm(a, axis=1, keepdims=True)
    nb = np.linalg.norm(b, axis=1, keepdims=True)
    return (a / np.where(na > 0, na, 1)) @ (b / np.where(nb > 0, nb, 1)).T


def context_vectors(tokens: np.ndarray, targets: np.ndarray | list[int], size: int,
                    window: int = 2) -> np.ndarray:
    r"""Distributional vectors: row i counts how often each word occurs within ``window``
    tokens of an occurrence of ``targets[i]`` in the id sequence ``tokens`` (ids in
    [0, size); a target given twice gets the same row twice).

    One vectorised pass per offset :math:`d \in [-window, window] \setminus \{0\}`.
    """
    size = check_int("size", size, low=1)
    window = check_int("window", window, low=1)
    tokens = check_ids(tokens, size, "tokens")
    targets = check_ids(targets, size, "targets")
    distinct, row = np.unique(targets, return_inverse=True)
    row_of = np.full(size, -1, dtype=np.int64)
    row_of[distinct] = np.arange(len(distinct))
    out = np.zeros((len(distinct), size))
    n = len(tokens)
    reach = min(window, n - 1)  # offsets past the text's length see nothing
    for d in range(-reach, reach + 1):
        if d == 0:
            continue
        centre = tokens[max(0, -d): n - max(0, d)]
        neighbour = tokens[max(0, d): n - max(0, -d)]
        rows = row_of[centre]
        keep = rows >= 0
        np.add.at(out, (rows[keep], neighbour[keep]), 1.0)
    return out[row.reshape(-1)]


def nearest_neighbours(emb, vocab, words, k: int = 5) -> dict[str, list[str]]:
    """The ``k`` words whose embeddings (rows of ``emb``, a torch tensor or a numpy array, one
    row per id of ``vocab``) have the highest cosine similarity to each word in ``words``,
    the word itself and the special tokens left out: the byproduct the notes call the
    matrix Q, which the book writes C (input) or O (output), keeping Q for a proposal
    distribution.  ``words`` is a list of words (not one string); ``k`` is at most the number of
    words other than the specials and the word itself."""
    import torch  # only here: the rest of this module is numpy

    from ..text import Vocab

    if not isinstance(vocab, Vocab):
        raise TypeError(f"vocab must be a lmkit.text.Vocab (the one whose ids index the rows of "
                        f"emb), got {type(vocab).__name__}")
    words = check_strings("words", words, "['monday']", noun="word")
    for w in words:
        if w not in vocab:
            raise KeyError(f"{w!r} is not in the vocabulary ({len(vocab)} words)")
    try:
        e = torch.as_tensor(emb).detach().float().cpu()
    except (TypeError, ValueError, RuntimeError) as err:
        raise TypeError(f"emb must be a matrix of numbers (a torch tensor or numpy array, one row "
                        f"per id of vocab), got {type(emb).__name__}: {err}") from None
    if e.dim() != 2 or len(e) != len(vocab):
        raise ValueError(f"emb must have one row per word of the vocabulary ({len(vocab)}), "
                         f"got shape {tuple(e.shape)}")
    if not torch.isfinite(e).all():
        raise ValueError("emb holds NaN or inf: cosine similarity needs finite embeddings "
                         "(did training diverge?)")
    excluded = {vocab[t] for t in vocab.specials if t in vocab}
    others = len(vocab) - len(excluded) - 1  # candidates: neither a special nor the word
    if others < 1:
        raise ValueError(f"the vocabulary has no words besides the specials to compare with "
                         f"({len(vocab)} tokens); build it from a corpus")
    k = check_int("k", k, low=1, high=others)
    e = e / e.norm(dim=1, keepdim=True).clamp(min=1e-12)
    out = {}
    for w in words:
        i = vocab[w]
        sim = e @ e[i]
        sim[i] = -2
        sim[sorted(excluded)] = -2
        out[w] = vocab.decode(sim.topk(k).indices.tolist())
    return out
