"""min-count coverage, subsampling's discarded share, pair distances and group cosines: each
equals its formula on small inputs."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lmkit.embeddings import KeyedVectors
from lmkit.embeddings.explore import (discarded_share, distance_shares, group_cosine,
                                      min_count_coverage, random_cosine)
from lmkit.embeddings.sampling import keep_probability, window_weights

COUNTS = np.array([50, 20, 20, 5, 2, 1, 1])


def test_min_count_coverage_by_hand():
    sizes, share = min_count_coverage(COUNTS, [1, 2, 5, 21, 60])
    assert sizes.tolist() == [7, 5, 4, 1, 0]
    assert np.allclose(share, [1, 97 / 99, 95 / 99, 50 / 99, 0])


@given(st.lists(st.integers(0, 500), min_size=1, max_size=30).filter(lambda c: sum(c) > 0),
       st.integers(1, 600))
@settings(max_examples=40, deadline=None)
def test_min_count_coverage_is_the_formula(counts, t):
    c = np.array(counts)
    sizes, share = min_count_coverage(c, [t])
    assert sizes[0] == (c >= t).sum()
    assert np.isclose(share[0], c[c >= t].sum() / c.sum())


@pytest.mark.parametrize("variant", ["paper", "word2vec"])
def test_discarded_share_is_the_formula(variant):
    for m in (1e-1, 1e-2, 0.0):
        keep = keep_probability(COUNTS, m, variant)
        assert np.isclose(discarded_share(COUNTS, m, variant),
                          (COUNTS * (1 - keep)).sum() / COUNTS.sum())
    assert discarded_share(COUNTS, 0.0) == 0.0
    assert discarded_share(COUNTS, 1e-3, variant) > discarded_share(COUNTS, 1e-1, variant)


def test_distance_shares_of_the_dynamic_window():
    rng = np.random.default_rng(0)
    n, N = 200_000, 5
    b = rng.integers(1, N + 1, n)                  # one window per centre
    cen, ctx = [], []
    for j in range(1, N + 1):
        i = np.flatnonzero(b >= j)
        cen += [i, i]
        ctx += [i + j, i - j]
    share = distance_shares(np.concatenate(cen), np.concatenate(ctx), N)
    w = window_weights(N)
    assert np.allclose(share, w / w.sum(), atol=3e-3)
    assert np.isclose(share.sum(), 1)


def test_distance_shares_bad_input():
    with pytest.raises(ValueError, match="1..window"):
        distance_shares(np.array([0, 1]), np.array([0, 9]), 5)
    with pytest.raises(ValueError, match="integer positions"):
        distance_shares(np.array([0.5]), np.array([1.5]), 5)
    with pytest.raises(ValueError, match="no pairs"):
        distance_shares(np.array([], int), np.array([], int), 5)
    with pytest.raises(ValueError, match="min_counts is empty"):
        min_count_coverage(COUNTS, [])


def test_group_and_random_cosine():
    vecs = np.array([[1, 0], [1, 0.1], [0, 1], [0, -1], [-1, 0]], dtype=np.float32)
    kv = KeyedVectors(["a", "b", "c", "d", "e"], vecs)
    g = group_cosine(kv, [["a", "b"], ["c", "d"], ["a", "b", "e"]])
    cab = 1 / np.sqrt(1.01)
    assert np.allclose(g, [cab, -1, (cab - 1 - cab) / 3], atol=1e-6)
    r = random_cosine(kv, 5, 20_000, seed=1)
    u = kv.unit_vectors().astype(float)
    sim = u @ u.T
    assert abs(r - (sim.sum() - np.trace(sim)) / 20) < 0.03   # uniform over ordered pairs
    assert r == random_cosine(kv, 5, 20_000, seed=1)
    with pytest.raises(ValueError, match="at least two"):
        group_cosine(kv, [["a"]])
    with pytest.raises(KeyError):
        group_cosine(kv, [["a", "zz"]])
    with pytest.raises(TypeError, match="KeyedVectors"):
        group_cosine(np.zeros((2, 2)), [["a", "b"]])
