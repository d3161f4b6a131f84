r"""Topic clustering of documents (chapter 3's mixture of topic models): WikiText articles,
tf-idf vectors and spherical k-means."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Sequence

import numpy as np

from ..checks import check_int
from ..text import Vocab, check_sentences

__all__ = ["kmeans", "split_articles", "tfidf"]


def split_articles(lines: Sequence[Sequence[str]]) -> list[list[list[str]]]:
    """WikiText lines grouped into articles: a new article starts at each top-level heading
    ``= Title =`` (subheadings ``= = ... = =`` stay inside; lines before the first heading
    belong to the first article)."""
    if not isinstance(lines, Iterable):
        raise TypeError(f"lines must be a list of lines, each a list of tokens (e.g. "
                        f"load_wikitext2()['train']), got {type(lines).__name__}")
    lines = check_sentences(lines, "lines")
    articles: list[list[list[str]]] = []
    current: list[list[str]] = []
    titled = False
    for line in lines:
        heading = len(line) > 2 and line[0] == "=" and line[-1] == "=" and line[1] != "="
        if heading and titled:
            articles.append(current)
            current = []
        titled = titled or heading
        current.append(list(line))
    if current:
        articles.append(current)
    return articles


def tfidf(docs: Sequence[Sequence[str]], vocab: Vocab) -> np.ndarray:
    r"""L2-normalised tf-idf rows, :math:`\mathrm{tf}(w, d) \log(D / \mathrm{df}(w))`, one per
    document (a document is a list of tokens; tokens outside ``vocab`` count as ``<unk>``).
    An empty document, or one whose words are in every document, gets a row of zeros."""
    docs = list(docs) if isinstance(docs, Iterable) and not isinstance(docs, str) else docs
    if not isinstance(docs, list) or any(isinstance(doc, str) or not isinstance(doc, Iterable)
                                         for doc in docs):
        raise TypeError("docs must be a list of documents, each a list of token strings; "
                        "join an article's lines first: [w for line in article for w in line]")
    if not isinstance(vocab, Vocab):
        raise TypeError(f"vocab must be a lmkit.text.Vocab, got {type(vocab).__name__}; "
                        f"build one with Vocab(docs)")
    if not docs:
        raise ValueError("docs is empty: tf-idf needs at least one document")
    D, V = len(docs), len(vocab)
    tf = np.zeros((D, V))
    for i, doc in enumerate(docs):
        tf[i] = np.bincount(vocab.encode(doc), minlength=V)
    df = np.count_nonzero(tf, axis=0)
    x = tf * np.log(D / np.maximum(df, 1))
    norm = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norm > 0, norm, 1)


def kmeans(x: np.ndarray, k: int, seed: int = 0, iterations: int = 50) -> tuple[np.ndarray, np.ndarray]:
    r"""Spherical k-means (cosine) with k-means++ seeding: ``(labels, centroids)``.

    Rows of ``x`` are unit vectors; each iteration assigns every row to the centroid of
    largest cosine, :math:`\arg\max_j x \cdot c_j`, then sets each centroid to its members'
    normalised sum, until the labels stop changing."""
    try:
        x = np.asarray(x)
    except ValueError as err:  # ragged
        raise ValueError(f"x must be a matrix, one row per document: {err}") from None
    if x.dtype == bool or x.dtype.kind not in "iuf" or x.ndim != 2 or len(x) == 0:
        raise ValueError(f"x must be a non-empty numeric matrix, one row per document (e.g. "
                         f"tfidf(docs, vocab)), got {x.dtype} of shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("x holds NaN or inf: k-means needs finite vectors")
    x = x.astype(float, copy=False)
    k = check_int("k (the number of clusters, at most the number of rows)", k, low=1, high=len(x))
    seed = check_int("seed", seed, low=0)
    iterations = check_int("iterations", iterations, low=1)
    rng = np.random.default_rng(seed)
    centres = [x[rng.integers(len(x))]]
    for _ in range(1, k):
        d = 1 - np.max(x @ np.array(centres).T, axis=1)
        d = np.maximum(d, 0)
        centres.append(x[rng.choice(len(x), p=d / d.sum())] if d.sum() > 0 else x[rng.integers(len(x))])
    c = np.array(centres)
    labels = np.zeros(len(x), dtype=int)
    for it in range(iterations):
        new = np.argmax(x @ c.T, axis=1)
        if it and np.array_equal(new, labels):
            break
        labels = new
        for j in range(k):
            members = x[labels == j]
            if len(members):
                v = members.sum(axis=0)
                c[j] = v / max(np.linalg.norm(v), 1e-12)
    return labels, c
