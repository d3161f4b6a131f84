import numpy as np
import pytest

from lmkit.embeddings import KeyedVectors

gensim_kv = pytest.importorskip("gensim.models.keyedvectors")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # gensim's init_sims


def _random(n=400, d=16, seed=0):
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(n)]
    vectors = rng.standard_normal((n, d)).astype(np.float32)
    kv = KeyedVectors(words, vectors, counts=np.arange(n, 0, -1))
    g = gensim_kv.KeyedVectors(d)
    g.add_vectors(words, vectors)
    return kv, g, rng


def _same_ranking(ours, theirs, tol=2e-6):
    assert [w for w, _ in ours] == [w for w, _ in theirs]
    assert np.allclose([s for _, s in ours], [s for _, s in theirs], atol=tol, rtol=0)


def test_attributes_lookup_and_read_only_float32_storage():
    vectors = np.arange(12, dtype=np.float64).reshape(4, 3)
    kv = KeyedVectors(["the", "cat", "Sat", "<unk>"], vectors, [9, 5, 2, 0])
    assert len(kv) == 4 and kv.vector_size == 3 and "cat" in kv and "dog" not in kv
    assert kv.index_to_key == ["the", "cat", "Sat", "<unk>"] and kv.key_to_index["Sat"] == 2
    assert kv.vectors.dtype == np.float32 and np.array_equal(kv["cat"], [3, 4, 5])
    assert np.array_equal(kv[["the", "Sat"]], vectors[[0, 2]])
    assert kv.counts.tolist() == [9, 5, 2, 0] and KeyedVectors(["a"], [[1.0]]).counts is None
    with pytest.raises(ValueError, match="read-only"):
        kv.vectors[0, 0] = 1.0
    vectors[0, 0] = 99  # the caller's array is copied, not shared
    assert kv["the"][0] == 0
    assert "4 words x 3 dims" in repr(kv)


def test_unknown_words_raise_a_key_error_naming_them():
    kv = KeyedVectors(["queen", "King"], np.eye(2))
    with pytest.raises(KeyError, match="'queeen' is not in the vocabulary of 2 words"):
        kv["queeen"]
    with pytest.raises(KeyError, match="'king' is not in .* did you mean 'King'"):
        kv.similarity("queen", "king")
    with pytest.raises(KeyError, match="'prince'"):
        kv.most_similar(["queen"], ["prince"])
    with pytest.raises(TypeError, match="looked up by string"):
        kv.get_vector(0)


def test_unit_vectors_are_cached_and_a_zero_row_stays_zero():
    kv = KeyedVectors(["a", "b", "zero"], [[3.0, 4.0], [0.0, -2.0], [0.0, 0.0]])
    u = kv.unit_vectors()
    assert u is kv.unit_vectors() and not np.isnan(u).any()
    assert np.allclose(u, [[0.6, 0.8], [0.0, -1.0], [0.0, 0.0]])
    assert np.allclose(kv.get_vector("a", norm=True), [0.6, 0.8])
    assert kv.similarity("a", "zero") == 0.0 and abs(kv.similarity("a", "b") + 0.8) < 1e-7
    assert [w for w, _ in kv.most_similar("a")] == ["zero", "b"]  # cosine 0, then -0.8


def test_most_similar_ranks_and_scores_as_gensim():
    kv, g, rng = _random()
    for _ in range(30):
        a, b, c, e = (f"w{i}" for i in rng.choice(len(kv), 4, replace=False))
        for restrict in (None, 150, 10_000):
            _same_ranking(kv.most_similar([b, c], [a], topn=7, restrict_vocab=restrict),
                          g.most_similar([b, c], [a], topn=7, restrict_vocab=restrict))
        _same_ranking(kv.most_similar([b, c, e], [a, "w3"], topn=5),
                      g.most_similar([b, c, e], [a, "w3"], topn=5))
        _same_ranking(kv.most_similar(b), g.most_similar(b))  # one word: its neighbours
        assert abs(kv.similarity(a, b) - g.similarity(a, b)) < 1e-6


def test_most_similar_cosmul_ranks_and_scores_as_gensim():
    kv, g, rng = _random(seed=1)
    for _ in range(30):
        a, b, c = (f"w{i}" for i in rng.choice(len(kv), 3, replace=False))
        _same_ranking(kv.most_similar_cosmul([b, c], [a], topn=7),
                      g.most_similar_cosmul([b, c], [a], topn=7), tol=1e-5)
        _same_ranking(kv.most_similar_cosmul([b]), g.most_similar_cosmul([b]), tol=1e-5)
    # gensim ignores restrict_vocab in most_similar_cosmul; lmkit searches the first N words,
    # which is gensim's answer on the first N words alone
    small = gensim_kv.KeyedVectors(kv.vector_size)
    small.add_vectors(kv.index_to_key[:100], kv.vectors[:100])
    _same_ranking(kv.most_similar_cosmul(["w1", "w2"], ["w3"], topn=5, restrict_vocab=100),
                  small.most_similar_cosmul(["w1", "w2"], ["w3"], topn=5), tol=1e-5)


def test_analogy_recovers_a_planted_offset_both_ways():
    rng = np.random.default_rng(3)
    words = ["man", "woman", "king", "queen"] + [f"x{i}" for i in range(50)]
    vec = rng.standard_normal((len(words), 20))
    vec[1] = vec[0] + 2 * (gender := rng.standard_normal(20)) / np.linalg.norm(gender)
    vec[3] = vec[2] + (vec[1] - vec[0])
    kv = KeyedVectors(words, vec)
    for method in ("add", "mul"):
        assert kv.analogy("man", "woman", "king", method=method) == "queen"
    assert kv.most_similar(["woman", "king"], ["man"], topn=1)[0][0] == "queen"
    # query words never come back, even when the search is restricted to them and one more
    assert kv.analogy("man", "woman", "king", restrict_vocab=4) == "queen"
    assert sorted(w for w, _ in kv.most_similar(["man"], topn=100)) == sorted(words[1:])
    with pytest.raises(ValueError, match="no word is left"):
        kv.analogy("man", "woman", "king", restrict_vocab=3)


@pytest.mark.parametrize("make, error, message", [
    (lambda: KeyedVectors(["a", "b"], np.ones((3, 2))), ValueError, r"shape \(len\(words\), d\) = \(2, d\)"),
    (lambda: KeyedVectors(["a", "b"], np.ones(2)), ValueError, "got shape"),
    (lambda: KeyedVectors(["a", "b"], np.ones((2, 0))), ValueError, "d >= 1"),
    (lambda: KeyedVectors(["a", "b"], [[1.0], [np.nan]]), ValueError, "NaN or inf .* of 'b'"),
    (lambda: KeyedVectors(["a", "b"], [[1.0], [np.inf]]), ValueError, "finite"),
    (lambda: KeyedVectors(["a", "b"], [[True], [False]]), TypeError, "numbers"),
    (lambda: KeyedVectors(["a", "b"], [["x"], ["y"]]), TypeError, "numbers"),
    (lambda: KeyedVectors(["a", "b", "a"], np.ones((3, 2))), ValueError, "'a' is given twice .*0 and 2"),
    (lambda: KeyedVectors(["a", "b c"], np.ones((2, 2))), ValueError, "whitespace"),
    (lambda: KeyedVectors(["a", "b\n"], np.ones((2, 2))), ValueError, "whitespace"),
    (lambda: KeyedVectors(["a", ""], np.ones((2, 2))), ValueError, "empty"),
    (lambda: KeyedVectors("ab", np.ones((2, 2))), TypeError, "not a string"),
    (lambda: KeyedVectors(["a", 3], np.ones((2, 2))), TypeError, "not a string"),
    (lambda: KeyedVectors([], np.ones((0, 2))), ValueError, "at least one word"),
    (lambda: KeyedVectors(["a", "b"], np.ones((2, 2)), [1]), ValueError, "one count per word"),
    (lambda: KeyedVectors(["a", "b"], np.ones((2, 2)), [1, -1]), ValueError, ">= 0"),
    (lambda: KeyedVectors(["a", "b"], np.ones((2, 2)), [1.5, 2]), TypeError, "integers"),
])
def test_bad_constructions_are_refused(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_bad_queries_are_refused():
    kv, _, _ = _random(n=20)
    with pytest.raises(ValueError, match="positive must name at least one word"):
        kv.most_similar([], ["w1"])
    with pytest.raises(ValueError, match=r"topn must be an integer in \[1, inf\), got 0"):
        kv.most_similar(["w1"], topn=0)
    with pytest.raises(TypeError, match="topn must be an integer"):
        kv.most_similar_cosmul(["w1"], topn=None)
    with pytest.raises(ValueError, match="restrict_vocab must be an integer"):
        kv.most_similar(["w1"], restrict_vocab=0)
    with pytest.raises(TypeError, match="positive word 2"):
        kv.most_similar(["w1", 2])
    with pytest.raises(ValueError, match="method must be 'add'"):
        kv.analogy("w1", "w2", "w3", method="3cosmul")


def test_a_tensor_is_detached_and_copy_false_shares_a_float32_array():
    class Tensor:  # what KeyedVectors needs of a torch tensor (torch is slow to import)
        def __init__(self, a):
            self.a = a

        def detach(self):
            return self

        def cpu(self):
            return self

        def numpy(self):
            return self.a

    weights = np.random.default_rng(0).standard_normal((3, 4))
    kv = KeyedVectors(["a", "b", "c"], Tensor(weights))
    assert np.array_equal(kv.vectors, weights.astype(np.float32))
    arr = np.ones((3, 4), dtype=np.float32)
    shared = KeyedVectors(["a", "b", "c"], arr, copy=False)
    assert np.shares_memory(shared.vectors, arr) and not arr.flags.writeable
