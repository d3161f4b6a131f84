r"""Word vectors: from one-hot codes to distributed representations, and the models that
learn them.

- ``vectors``: one-hot codes, cosine, count-based context vectors and ``nearest_neighbours``
  (chapter 1; chapter 4 reads a neural LM's embedding matrices with it);
- ``keyed``: ``KeyedVectors``, a vocabulary with one vector per word (``most_similar``,
  ``similarity``, analogies), and ``io``, the word2vec text and binary formats;
- ``evaluate``: analogy accuracy and similarity correlation on the sets of ``lmkit.data``;
- ``word2vec`` and ``fasttext``: the models of chapter 5, trained by a batched torch step (the
  readable reference) or by word2vec.c's per-pair loop compiled with numba (the fast path);
- ``cooccur``, ``glove`` and ``svd``: chapter 6's count-based vectors: the co-occurrence
  matrix, GloVe (a torch model trained by ``lmkit.train``), and SVD of the PPMI matrix.

Submodules load on first use: ``import lmkit.embeddings`` imports neither torch nor numba.
"""

from __future__ import annotations

from ..lazy import attach
from .vectors import context_vectors, cosine, nearest_neighbours, one_hot

__getattr__, __dir__, __all__ = attach(__name__, {
    "KeyedVectors": "keyed",
    "load_word2vec_format": "io", "save_word2vec_format": "io",
    "evaluate_word_analogies": "evaluate", "evaluate_word_pairs": "evaluate",
    "pearson": "evaluate", "spearman": "evaluate",
    "Word2Vec": "word2vec", "Word2VecConfig": "word2vec", "hs_probabilities": "word2vec",
    "noise_distribution": "sampling", "noise_table": "sampling", "keep_probability": "sampling",
    "FastText": "fasttext", "FastTextConfig": "fasttext", "FastTextKeyedVectors": "fasttext",
    "char_ngrams": "subwords", "ngram_index": "subwords",
    "take_words": "experiments", "score_vectors": "experiments", "sweep": "experiments",
    "frequency_bands": "experiments", "analogy_accuracy_by_band": "experiments",
    "pair_correlation_by_band": "experiments", "pca_project": "experiments",
    "offset_parallelism": "experiments", "format_table": "experiments",
    "min_count_coverage": "explore", "discarded_share": "explore",
    "distance_shares": "explore", "group_cosine": "explore", "random_cosine": "explore",
    "analogy_summary": "compare", "context_pairs": "compare", "intrinsic_scores": "compare",
    "neighbour_ranks": "compare", "pair_spearman": "compare",
    "cooccurrence": "cooccur", "cooccurrence_from_sentences": "cooccur",
    "cooccurrence_dict": "cooccur", "context_windows": "cooccur", "cooccurrence_table": "cooccur",
    "ppmi": "svd", "svd_vectors": "svd",
    "GloVe": "glove", "GloVeConfig": "glove", "GloVeModel": "glove", "glove_weight": "glove",
    "glove_cells": "glove",
    "probability_ratios": "glove_explore", "count_bands": "glove_explore",
    "glove_parts": "glove_explore", "glove_sweep": "glove_explore",
    "count_growth": "count_predict", "growth_exponent": "count_predict",
    "glove_curve": "count_predict", "first_reach": "count_predict",
    "word_vectors": "contextual", "sense_similarity": "contextual",
    "nearest_sense": "contextual", "pooled_layers": "contextual",
    "bert_pooled_layers": "contextual",
}, eager=[
    "context_vectors", "cosine", "nearest_neighbours", "one_hot"])
