"""Word2Vec end to end on a toy corpus: the loss falls, seeded single-thread runs are
bitwise deterministic, the vocabulary and encoding, the torch backend, HS."""

import numpy as np
import pytest

from lmkit.embeddings import KeyedVectors, Word2Vec, hs_probabilities
from lmkit.embeddings.word2vec import build_vocab, encode_corpus


def toy(n=400, seed=0):
    """Two topics: words of a topic co-occur."""
    r = np.random.default_rng(seed)
    a, b = [f"a{i}" for i in range(10)], [f"b{i}" for i in range(10)]
    return [list(r.choice(a if r.random() < 0.5 else b, 8)) for _ in range(n)]


def test_vocab_and_encoding():
    sents = [["x", "y", "x"], ["z"], [], ["x", "y"]]
    words, counts = build_vocab(sents, min_count=2)
    assert words == ["x", "y"] and counts.tolist() == [3, 2]
    ids, off = encode_corpus(sents, {w: i for i, w in enumerate(words)})
    assert ids.tolist() == [0, 1, 0, 0, 1] and off.tolist() == [0, 3, 3, 3, 5]
    small, off2 = encode_corpus(sents, {w: i for i, w in enumerate(words)}, block=1,
                                dtype=np.uint16)
    assert small.dtype == np.uint16 and small.tolist() == ids.tolist()
    assert off2.tolist() == off.tolist() and ids.dtype == np.int32


@pytest.mark.parametrize("sg,hs,negative", [(1, 0, 5), (0, 0, 5), (1, 1, 0), (0, 1, 3)])
def test_loss_falls_and_topics_separate(sg, hs, negative):
    m = Word2Vec(vector_size=20, window=3, sg=sg, hs=hs, negative=negative, min_count=1,
                 epochs=8, sample=0, seed=1).fit(toy(), progress=False)
    assert isinstance(m.wv, KeyedVectors) and len(m.wv) == 20
    assert m.epoch_losses[-1] < m.epoch_losses[0]
    v = m.wv.vectors / np.linalg.norm(m.wv.vectors, axis=1, keepdims=True)
    i = {w: k for k, w in enumerate(m.wv.index_to_key)}
    same = v[i["a1"]] @ v[i["a2"]]
    other = v[i["a1"]] @ v[i["b2"]]
    assert same > other
    assert m.words_per_second > 0 and m.train_seconds > 0


def test_seeded_single_thread_runs_are_bitwise_deterministic():
    kw = dict(vector_size=16, window=4, min_count=1, epochs=2, seed=3, sample=1e-2, hs=1)
    a = Word2Vec(**kw).fit(toy(), progress=False)
    b = Word2Vec(**kw).fit(toy(), progress=False)
    assert np.array_equal(a.wv.vectors, b.wv.vectors)
    assert np.array_equal(a.syn1neg, b.syn1neg) and np.array_equal(a.syn1, b.syn1)
    c = Word2Vec(**{**kw, "seed": 4}).fit(toy(), progress=False)
    assert not np.array_equal(a.wv.vectors, c.wv.vectors)


def test_two_workers_train_too():
    m = Word2Vec(vector_size=16, min_count=1, epochs=3, workers=2, sample=0).fit(
        toy(2000), progress=False)
    assert np.all(np.isfinite(m.wv.vectors)) and m.epoch_losses[-1] < m.epoch_losses[0]


def test_trained_hs_model_is_an_exact_distribution():
    m = Word2Vec(vector_size=16, min_count=1, epochs=2, hs=1, negative=0).fit(toy(),
                                                                              progress=False)
    assert m.syn1neg is None and m.syn1.shape == (len(m.wv) - 1, 16)
    p = hs_probabilities(m.syn1, m.wv.vectors[:5], *m.hs_arrays)
    assert np.allclose(p.sum(1), 1)


def test_torch_backend_learns_the_topics():
    m = Word2Vec(vector_size=20, window=3, min_count=1, epochs=6, sample=0, backend="torch",
                 batch_size=64, alpha=0.05, hs=1).fit(toy(), progress=False)
    assert m.epoch_losses[-1] < m.epoch_losses[0]
    v = m.wv.vectors / np.linalg.norm(m.wv.vectors, axis=1, keepdims=True)
    i = {w: k for k, w in enumerate(m.wv.index_to_key)}
    assert v[i["a1"]] @ v[i["a2"]] > v[i["a1"]] @ v[i["b2"]]
