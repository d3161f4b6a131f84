r"""Word vectors: from one-hot codes to distributed representations, and the models that
learn them.

- ``vectors``: one-hot codes, cosine, count-based context vectors and ``nearest_neighbours``
  (chapter 1; chapter 4 reads a neural LM's embedding matrices with it);
- ``keyed``: ``KeyedVectors``, a vocabulary with one vector per word (``most_similar``,
  ``similarity``, analogies), and ``io``, the word2vec text and binary formats;
- ``evaluate``: analogy accuracy and similarity correlation on the sets of ``lmkit.data``;
- ``word2vec`` and ``fasttext``: the models of chapter 5, trained by a batched torch step (the
  readable reference) or by word2vec.c's per-pair loop compiled with numba (the fast path).

Submodules load on first use: ``import lmkit.embeddings`` imports neither torch nor numba.
"""

from __future__ import annotations

from ..lazy import attach
from .vectors import context_vectors, cosine, nearest_neighbours, one_hot

__getattr__, __dir__, __all__ = attach(__name__, {}, eager=[
    "context_vectors", "cosine", "nearest_neighbours", "one_hot"])
