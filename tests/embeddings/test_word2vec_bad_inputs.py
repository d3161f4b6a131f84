"""Bad input to Word2Vec: a clear error, and nothing half-done (the model stays untrained)."""

import pytest

from lmkit.embeddings import Word2Vec


@pytest.mark.parametrize("kwargs,error,match", [
    (dict(window=0), ValueError, "window"),
    (dict(negative=-1), ValueError, "negative"),
    (dict(hs=0, negative=0), ValueError, "no output layer"),
    (dict(vector_size=0), ValueError, "vector_size"),
    (dict(alpha=0.0), ValueError, "alpha"),
    (dict(alpha=-0.1), ValueError, "alpha"),
    (dict(window=2.5), TypeError, "window"),
    (dict(subsampling="gensim"), ValueError, "subsampling"),
    (dict(backend="jax"), ValueError, "backend"),
    (dict(backend="torch", sg=0), ValueError, "skip-gram"),
])
def test_bad_settings(kwargs, error, match):
    with pytest.raises(error, match=match):
        Word2Vec(**kwargs)


@pytest.mark.parametrize("sentences,error,match", [
    ([], ValueError, "empty"),
    ([[], []], ValueError, "empty"),
    ([["a", "b"]], ValueError, "min_count=5 leaves no word"),
    ("the cat sat", TypeError, "one string"),
    (["the cat", "sat"], TypeError, "got the string 'the cat'"),
    ([["the", 3]], TypeError, "tokens must be str, got int 3"),
    ([["the", ["cat"]]], TypeError, "tokens must be str, got list"),
    (42, TypeError, "got int"),
])
def test_bad_sentences(sentences, error, match):
    m = Word2Vec()
    with pytest.raises(error, match=match):
        m.fit(sentences, progress=False)
    assert m.wv is None and m.syn1neg is None  # nothing half-done
