"""Noise distribution, noise table, subsampling, dynamic window and learning rate: each equals
its formula."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lmkit.embeddings.sampling import (keep_probability, keep_thresholds, learning_rate,
                                       noise_distribution, noise_table, sample_windows,
                                       window_weights)

COUNTS = np.array([1000, 400, 120, 30, 7, 5, 1], dtype=float)


@given(st.lists(st.integers(1, 10_000), min_size=1, max_size=40),
       st.sampled_from([0.0, 0.5, 0.75, 1.0]))
@settings(max_examples=40, deadline=None)
def test_noise_distribution_is_the_formula_and_sums_to_one(counts, alpha):
    c = np.array(counts, float)
    p = noise_distribution(c, alpha)
    u = c / c.sum()
    assert np.allclose(p, u ** alpha / (u ** alpha).sum())
    assert abs(p.sum() - 1) < 1e-12


def test_noise_distribution_limits():
    assert np.allclose(noise_distribution(COUNTS, 0), 1 / len(COUNTS))
    assert np.allclose(noise_distribution(COUNTS, 1), COUNTS / COUNTS.sum())


@pytest.mark.parametrize("size", [1000, 1 << 16, 1 << 20])
def test_noise_table_shares_follow_pn(size):
    t = noise_table(COUNTS, 0.75, size)
    assert t.dtype == np.int32 and len(t) == size and np.all(np.diff(t) >= 0)
    share = np.bincount(t, minlength=len(COUNTS)) / size
    assert np.abs(share - noise_distribution(COUNTS)).max() <= 1.0 / size + 1e-12


def test_keep_probabilities_equal_their_formulas():
    m, f, T = 1e-2, COUNTS, COUNTS.sum()
    paper = keep_probability(COUNTS, m, "paper")
    assert np.allclose(paper, np.clip(np.sqrt(m / (f / T)), 0, 1))
    assert np.allclose(1 - paper, np.clip(1 - np.sqrt(m / (f / T)), 0, 1))  # P_discard
    w2v = keep_probability(COUNTS, m, "word2vec")
    assert np.allclose(w2v, np.clip((np.sqrt(f / (m * T)) + 1) * (m * T) / f, 0, 1))
    assert np.all(keep_probability(COUNTS, 0) == 1)
    assert w2v[0] < 1 and w2v[-1] == 1  # frequent words are dropped, rare ones kept
    thr = keep_thresholds(w2v)
    assert thr.dtype == np.uint32 and np.allclose(thr / 2.0 ** 32, w2v, atol=1e-9)
    with pytest.raises(ValueError, match="variant"):
        keep_probability(COUNTS, 1e-3, "gensim")


def test_dynamic_window_weights_match_sampled_windows():
    n = 5
    assert np.allclose(window_weights(n), [(n - j + 1) / n for j in range(1, n + 1)])
    b = sample_windows(np.random.default_rng(0), 200_000, n)
    assert b.min() == 1 and b.max() == n
    used = [(b >= j).mean() for j in range(1, n + 1)]
    assert np.allclose(used, window_weights(n), atol=0.01)


def test_learning_rate_decays_linearly_to_its_floor():
    a = learning_rate(0.025, np.array([0, 50, 100, 200]), 100)
    assert np.allclose(a, [0.025, 0.0125, 0.025e-4, 0.025e-4])
    with pytest.raises(ValueError, match="alpha"):
        learning_rate(0.0, 1, 10)


@pytest.mark.parametrize("counts,error", [([], ValueError), ([[1, 2]], ValueError),
                                          ([1, -1], ValueError), ([0, 0], ValueError),
                                          ([1, np.nan], ValueError), (["a"], TypeError)])
def test_bad_counts_are_named(counts, error):
    from lmkit.embeddings.sampling import check_counts

    with pytest.raises(error, match="counts must"):
        check_counts(counts)
    with pytest.raises(error, match="counts must"):
        noise_distribution(counts)
