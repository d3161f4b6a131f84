import numpy as np
import pytest
from hypothesis import given, strategies as st

from lmkit import embeddings


def test_one_hot_vectors_are_orthogonal():
    e = embeddings.one_hot([2, 0, 3], 4)
    assert e.shape == (3, 4) and np.array_equal(e.argmax(1), [2, 0, 3])
    assert np.allclose(embeddings.cosine(e, e), np.eye(3))
    with pytest.raises(ValueError, match=r"ids must lie in \[0, 4\)"):
        embeddings.one_hot([4], 4)


def test_cosine_handles_zero_rows_and_checks_shapes():
    c = embeddings.cosine([[1.0, 0.0], [0.0, 0.0]], [[2.0, 0.0]])
    assert np.allclose(c, [[1.0], [0.0]])
    with pytest.raises(ValueError, match="differ in length"):
        embeddings.cosine([[1.0, 0.0]], [[1.0, 0.0, 0.0]])


@given(st.lists(st.integers(0, 5), min_size=1, max_size=40), st.integers(1, 3))
def test_context_vectors_match_a_brute_force_count(tokens, window):
    targets = [0, 3]
    got = embeddings.context_vectors(np.array(tokens), targets, 6, window)
    want = np.zeros((2, 6))
    for i, t in enumerate(tokens):
        if t in targets:
            for j in range(max(0, i - window), min(len(tokens), i + window + 1)):
                if j != i:
                    want[targets.index(t), tokens[j]] += 1
    assert np.array_equal(got, want)


def test_context_vectors_repeat_targets_and_reach_no_further_than_the_text():
    tokens = np.array([0, 1, 2, 0, 3])
    got = embeddings.context_vectors(tokens, [0, 2, 0], 4, window=1)
    assert np.array_equal(got[0], got[2]) and np.array_equal(got[0], [0, 1, 1, 1])
    far = embeddings.context_vectors(tokens, [0], 4, window=10**9)  # no loop over 2e9 offsets
    assert np.array_equal(far, embeddings.context_vectors(tokens, [0], 4, window=4))
    with pytest.raises(ValueError, match=r"tokens must lie in \[0, 4\).*got min -1"):
        embeddings.context_vectors(np.array([0, 1, -1]), [0], 4)  # not the last word


def test_nearest_neighbours_by_cosine_skip_the_word_and_the_specials():
    import torch

    from lmkit import Vocab
    from lmkit.embeddings import nearest_neighbours

    vocab = Vocab(["a", "b", "c", "d"] * 2)
    emb = torch.eye(len(vocab)) + 0.1
    emb[vocab["b"]] = emb[vocab["a"]] * 2
    assert nearest_neighbours(emb, vocab, ["a"], k=1) == {"a": ["b"]}
    assert nearest_neighbours(emb.numpy(), vocab, ["a"], k=1) == {"a": ["b"]}
    assert set(nearest_neighbours(emb, vocab, ["c"], k=3)["c"]) == {"a", "b", "d"}
    with pytest.raises(KeyError, match="'zebra' is not in the vocabulary"):
        nearest_neighbours(emb, vocab, ["zebra"])
    with pytest.raises(ValueError, match="one row per word"):
        nearest_neighbours(emb[:3], vocab, ["a"])
