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
