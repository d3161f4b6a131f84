"""Co-occurrence counting: the notes' worked example exactly, equality with the brute-force
count on random corpora (hypothesis), chunking and sentence boundaries, bad input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lmkit.embeddings import (context_windows, cooccurrence, cooccurrence_dict,
                              cooccurrence_from_sentences, cooccurrence_table)
from lmkit.embeddings.cooccur import distance_weights, frequent_region
from lmkit.embeddings.word2vec import encode_corpus

EXAMPLE = "i love you but you love him i am sad".split()

# By hand, window 2, uniform, symmetric.  The right pairs at distance 1: i-love love-you
# you-but but-you you-love love-him him-i i-am am-sad; at distance 2: i-you love-but
# you-you but-love you-him love-i him-am i-sad.  X[a, b] counts both orders; you-you is
# counted once in each order, so X[you, you] = 2.  Words in build_vocab's order: by count,
# then alphabetically.
WORDS = ["i", "love", "you", "am", "but", "him", "sad"]
TABLE = np.array([
    # i love you am but him sad
    [0, 2, 1, 1, 0, 1, 1],   # i
    [2, 0, 2, 0, 2, 1, 0],   # love
    [1, 2, 2, 0, 2, 1, 0],   # you
    [1, 0, 0, 0, 0, 1, 1],   # am
    [0, 2, 2, 0, 0, 0, 0],   # but
    [1, 1, 1, 1, 0, 0, 0],   # him
    [1, 0, 0, 1, 0, 0, 0],   # sad
], dtype=float)


def dense(d: dict, n: int) -> np.ndarray:
    out = np.zeros((n, n))
    for (a, b), v in d.items():
        out[a, b] = v
    return out


def encoded(sentences):
    lengths = [len(s) for s in sentences]
    corpus = np.array([x for s in sentences for x in s], dtype=np.int32)
    return corpus, np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)


def test_the_worked_example_cell_by_cell():
    X, words, counts = cooccurrence_from_sentences([EXAMPLE], window=2, weighting="uniform")
    assert words == WORDS and counts.tolist() == [2, 2, 2, 1, 1, 1, 1]
    assert X.shape == (7, 7) and X.dtype == np.float64 and X.has_canonical_format
    np.testing.assert_array_equal(X.toarray(), TABLE)
    assert (X != X.T).nnz == 0 and X.sum() == 2 * (9 + 8)
    ids = [[WORDS.index(w) for w in EXAMPLE]]
    np.testing.assert_array_equal(dense(cooccurrence_dict(ids, 2, "uniform"), 7), TABLE)
    table = cooccurrence_table(X, words)
    assert table.splitlines()[0].split() == WORDS
    assert table.splitlines()[3].split() == ["you", "1", "2", "2", "0", "2", "1", "0"]
    part = cooccurrence_table(X, words, rows=["love"], cols=["but", "you"])
    assert part.splitlines()[1].split() == ["love", "2", "2"]


def test_the_ten_windows_of_the_example():
    wins = context_windows(EXAMPLE, 2)
    assert len(wins) == 10
    assert wins[5] == (["but", "you"], "love", ["him", "i"])
    assert wins[0] == ([], "i", ["love", "you"]) and wins[9] == (["i", "am"], "sad", [])


def test_harmonic_weights_and_the_right_contexts_only():
    sent = [[0, 1, 2, 0]]
    F = cooccurrence(*encoded(sent), 3, window=3, symmetric=False).toarray()
    expect = np.zeros((3, 3))
    expect[0, 1] += 1; expect[1, 2] += 1; expect[2, 0] += 1          # d = 1
    expect[0, 2] += 1 / 2; expect[1, 0] += 1 / 2                      # d = 2
    expect[0, 0] += 1 / 3                                             # d = 3
    np.testing.assert_allclose(F, expect, rtol=0, atol=1e-15)
    X = cooccurrence(*encoded(sent), 3, window=3).toarray()
    np.testing.assert_allclose(X, expect + expect.T, rtol=0, atol=1e-15)
    assert distance_weights(3).tolist() == [0, 1, 0.5, 1 / 3]


sentences = st.lists(st.lists(st.integers(0, 7), min_size=0, max_size=25), min_size=1,
                     max_size=8)


@settings(max_examples=60, deadline=None)
@given(sentences, st.integers(1, 6), st.sampled_from(["harmonic", "uniform"]), st.booleans(),
       st.integers(1, 30), st.sampled_from([0, 3, 20, 1000]))
def test_counts_equal_the_brute_force_count(sents, window, weighting, symmetric, chunk, cells):
    corpus, offsets = encoded(sents)
    ref = cooccurrence_dict(sents, window, weighting, symmetric)
    if not ref:
        with pytest.raises(ValueError, match="no co-occurring pairs"):
            cooccurrence(corpus, offsets, 8, window, weighting, symmetric, chunk_tokens=chunk)
        return
    X = cooccurrence(corpus, offsets, 8, window, weighting, symmetric, chunk_tokens=chunk,
                     frequent_cells=cells)
    assert X.has_canonical_format and X.dtype == np.float64 and X.shape == (8, 8)
    assert X.nnz == len(ref)  # no explicit zeros
    np.testing.assert_allclose(X.toarray(), dense(ref, 8), rtol=1e-12, atol=0)
    if symmetric:
        assert abs(X - X.T).max() <= 1e-12 * max(1.0, abs(X).max())


def test_the_chunk_size_and_the_table_do_not_change_the_result():
    rng = np.random.default_rng(0)
    sents = [list(rng.zipf(1.5, rng.integers(0, 40)) % 50) for _ in range(300)]
    corpus, offsets = encoded(sents)
    base = cooccurrence(corpus, offsets, 50, 5, chunk_tokens=10**6, frequent_cells=0)
    for chunk, cells in [(1, 0), (7, 10), (100, 200), (1000, 10**6), (10**6, 1 << 19)]:
        X = cooccurrence(corpus, offsets, 50, 5, chunk_tokens=chunk, frequent_cells=cells)
        np.testing.assert_array_equal(X.indices, base.indices)
        np.testing.assert_array_equal(X.indptr, base.indptr)
        np.testing.assert_allclose(X.data, base.data, rtol=1e-12)


def test_sentence_boundaries_are_respected():
    # two sentences; joined they would make the pairs (1, 2), (0, 2), (1, 3) ...
    X = cooccurrence(*encoded([[0, 1], [2, 3]]), 4, window=5, weighting="uniform").toarray()
    expect = np.zeros((4, 4))
    expect[0, 1] = expect[1, 0] = expect[2, 3] = expect[3, 2] = 1
    np.testing.assert_array_equal(X, expect)
    # empty sentences and one-word sentences add nothing
    Y = cooccurrence(*encoded([[], [0, 1], [3], [], [2, 3], []]), 4, window=5,
                     weighting="uniform").toarray()
    np.testing.assert_array_equal(Y, expect)


def test_out_of_vocabulary_words_are_dropped_before_counting():
    corpus, offsets = encode_corpus([["a", "zzz", "b"]], {"a": 0, "b": 1})
    X = cooccurrence(corpus, offsets, 2, window=1, weighting="uniform").toarray()
    np.testing.assert_array_equal(X, [[0, 1], [1, 0]])  # a and b become neighbours


def test_the_frequent_region_fits_its_cells():
    for upper in (False, True):
        for cells in (0, 1, 100, 5000):
            limit, low, start = frequent_region(300, cells, upper)
            size = limit - low
            assert (size >= 0).all() and size.sum() <= cells
            assert (start == np.concatenate(([0], np.cumsum(size)[:-1]))).all()
            if upper:
                assert (low == np.arange(300)).all()


def test_bad_inputs_get_clear_errors():
    corpus, offsets = encoded([[0, 1, 2]])
    with pytest.raises(ValueError, match="window must be an integer in"):
        cooccurrence(corpus, offsets, 3, window=0)
    with pytest.raises(TypeError, match="window must be an integer"):
        cooccurrence(corpus, offsets, 3, window=2.5)
    with pytest.raises(ValueError, match="weighting must be one of"):
        cooccurrence(corpus, offsets, 3, weighting="linear")
    with pytest.raises(ValueError, match=r"ids in \[0, 2\).*max 2"):
        cooccurrence(corpus, offsets, 2)
    with pytest.raises(ValueError, match="min -1"):
        cooccurrence(np.array([0, -1]), np.array([0, 2]), 3)
    with pytest.raises(ValueError, match="offsets must be the sentence boundaries"):
        cooccurrence(corpus, np.array([0, 2]), 3)
    with pytest.raises(TypeError, match="1-d array of integers"):
        cooccurrence(np.array([0.0, 1.0]), np.array([0, 2]), 3)
    with pytest.raises(ValueError, match="no co-occurring pairs: every sentence holds fewer "
                                         "than 2 words"):
        cooccurrence(*encoded([[0], [1], []]), 3)
    with pytest.raises(ValueError, match="no co-occurring pairs"):
        cooccurrence(np.zeros(0, np.int32), np.zeros(1, np.int64), 3)
    with pytest.raises(ValueError, match="beyond int64"):
        cooccurrence(corpus, offsets, 2**31, window=10)
    with pytest.raises(ValueError, match="the corpus is empty"):
        cooccurrence_from_sentences([[], []])
    with pytest.raises(TypeError, match="not one string"):
        cooccurrence_from_sentences("i love you")
    with pytest.raises(ValueError, match="window must be"):
        cooccurrence_dict([[0, 1]], 0)
    with pytest.raises(KeyError, match="'cat' is not one of"):
        X, words, _ = cooccurrence_from_sentences([EXAMPLE], window=2)
        cooccurrence_table(X, words, rows=["cat"])
