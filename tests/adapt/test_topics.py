"""Topic clustering: WikiText articles, tf-idf rows and spherical k-means."""

import numpy as np
import pytest

from lmkit import Vocab
from lmkit.adapt import kmeans, split_articles, tfidf


def test_articles_tfidf_and_kmeans():
    lines = [[], ["=", "A", "="], ["x", "y"], ["=", "=", "sub", "=", "="], ["z"], ["=", "B", "="], ["w"]]
    arts = split_articles(lines)
    assert [len(a) for a in arts] == [5, 2] and arts[1][0] == ["=", "B", "="]
    docs = [["oil", "oil", "barrel"], ["oil", "crude"], ["goal", "match"], ["match", "team", "goal"]]
    x = tfidf(docs, Vocab(docs))
    assert np.allclose(np.linalg.norm(x, axis=1), 1)
    labels, _ = kmeans(x, 2, seed=0)
    assert labels[0] == labels[1] != labels[2] == labels[3]
    with pytest.raises(ValueError, match=r"k \(the number of clusters, at most the number of rows\) must be an integer in \[1, 4\]"):
        kmeans(x, 5)


def test_tfidf_values_and_unknown_words():
    docs = [["oil", "oil", "barrel"], ["oil", "crude"]]
    vocab = Vocab(docs)
    x = tfidf(docs + [["zebra"]], vocab)  # zebra is <unk>: in one document of three
    raw = np.array([2 * np.log(3 / 2), np.log(3)])  # oil twice (df 2), barrel once (df 1)
    assert x[0, vocab["oil"]] == pytest.approx(raw[0] / np.linalg.norm(raw))
    assert x[0, vocab["barrel"]] == pytest.approx(raw[1] / np.linalg.norm(raw))
    assert x[2, vocab.unk_id] == pytest.approx(1.0)
    with pytest.raises(TypeError, match="list of documents"):
        tfidf(["oil barrel", "crude"], vocab)
