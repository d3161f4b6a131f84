"""Chapter 6's measurements on GloVe: probability ratios and count bands equal their formulas
on small matrices, the parts of a trained GloVe add up to its vectors, and the sweep counts
once per window."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from lmkit.embeddings import GloVe, glove_weight
from lmkit.embeddings.glove_explore import (count_bands, glove_parts, glove_sweep,
                                            probability_ratios)

WORDS = ["ice", "steam", "solid", "gas", "water", "fashion"]
# rows ice and steam: counts with the probes; row sums 20 and 40
X = np.zeros((6, 6))
X[0, [2, 3, 4, 1]] = [8.0, 1.0, 6.0, 5.0]    # ice: solid 8, gas 1, water 6, steam 5
X[1, [2, 3, 4, 0]] = [2.0, 16.0, 17.0, 5.0]  # steam: solid 2, gas 16, water 17, ice 5
X[2:, :2] = X[:2, 2:].T                      # symmetric


def test_probability_ratios_by_hand():
    for M in (X, sp.csr_matrix(X)):
        rows = probability_ratios(M, WORDS, "ice", "steam",
                                  ["solid", "gas", "water", "fashion"])
        got = {r["probe"]: r for r in rows}
        assert got["solid"]["p_i"] == pytest.approx(8 / 20)
        assert got["solid"]["p_j"] == pytest.approx(2 / 40)
        assert got["solid"]["ratio"] == pytest.approx((8 / 20) / (2 / 40))
        assert got["gas"]["ratio"] == pytest.approx((1 / 20) / (16 / 40))
        assert (got["water"]["x_i"], got["water"]["x_j"]) == (6.0, 17.0)
        assert np.isnan(got["fashion"]["ratio"])   # 0 / 0: undefined
    X2 = X.copy()
    X2[0, 5] = X2[5, 0] = 1.0
    assert probability_ratios(X2, WORDS, "ice", "steam", ["fashion"])[0]["ratio"] == np.inf


def test_probability_ratios_bad_input():
    with pytest.raises(KeyError, match="'snow' is not one of the 6 words"):
        probability_ratios(X, WORDS, "ice", "snow", ["solid"])
    with pytest.raises(ValueError, match="one row per word"):
        probability_ratios(X[:5, :5], WORDS, "ice", "steam", ["solid"])
    lonely = X.copy()
    lonely[0] = lonely[:, 0] = 0
    with pytest.raises(ValueError, match="co-occurs with no word"):
        probability_ratios(lonely, WORDS, "ice", "steam", ["solid"])


@given(st.lists(st.floats(0.05, 500, allow_nan=False), min_size=1, max_size=60),
       st.floats(1, 200), st.floats(0.2, 1.5))
@settings(max_examples=40, deadline=None)
def test_count_bands_are_the_formula(xs, x_max, alpha):
    x = np.asarray(xs)
    edges = [0, 1, 10, 100]
    rows = count_bands(sp.csr_matrix(x[None, :]), edges, x_max, alpha)
    f = glove_weight(x, x_max, alpha)
    for r in rows:
        inside = (x >= r["low"]) & (x < r["high"])
        assert r["cells"] == pytest.approx(inside.mean())
        assert r["mass"] == pytest.approx(x[inside].sum() / x.sum())
        assert r["weight"] == pytest.approx(f[inside].sum() / f.sum())
    for key in ("cells", "mass", "weight"):
        assert sum(r[key] for r in rows) == pytest.approx(1.0)
    assert rows[-1]["high"] == np.inf


def test_count_bands_bad_input():
    with pytest.raises(ValueError, match="increasing"):
        count_bands(np.array([1.0, 2.0]), [0, 10, 5])
    with pytest.raises(ValueError, match="start the edges at 0"):
        count_bands(np.array([0.5, 2.0]), [1, 10])
    with pytest.raises(ValueError, match="no non-zero"):
        count_bands(sp.csr_matrix((3, 3)), [0, 1])


@pytest.fixture(scope="module")
def corpus():
    rng = np.random.default_rng(0)
    vocab = ["man", "woman", "king", "queen", "boy", "girl"] + [f"w{i}" for i in range(40)]
    p = 1 / np.arange(1, len(vocab) + 1)
    return [[str(w) for w in rng.choice(vocab, size=rng.integers(3, 12), p=p / p.sum())]
            for _ in range(200)]


QUESTIONS = {"family": [("man", "woman", "king", "queen"), ("boy", "girl", "man", "woman")]}


def test_glove_parts_add_up_to_the_vectors(corpus):
    from lmkit.embeddings import cooccurrence_from_sentences

    X_, words, counts = cooccurrence_from_sentences(corpus, window=3)
    g = GloVe(vector_size=6, epochs=2, batch=64).fit(X_, words, counts, progress=False)
    parts = glove_parts(g)
    assert list(parts) == ["W", "W~", "W+W~"]
    assert np.allclose(parts["W"].vectors + parts["W~"].vectors, g.wv.vectors, atol=1e-6)
    assert np.allclose(parts["W+W~"].vectors, g.wv.vectors, atol=1e-6)
    assert parts["W"].index_to_key == g.wv.index_to_key == words
    assert not np.allclose(parts["W"].vectors, parts["W~"].vectors)
    with pytest.raises(TypeError, match="trained GloVe"):
        glove_parts(GloVe())


def test_glove_sweep_rows(corpus):
    rows = glove_sweep(corpus, [{}, {"alpha": 1.0}, {"window": 2}],
                       base=dict(vector_size=6, epochs=2, batch=64), window=4, min_count=1,
                       restrict_vocab=None, pair_sets=(), analogies=QUESTIONS)
    assert [r["window"] for r in rows] == [4, 4, 2]
    assert rows[0]["nnz"] == rows[1]["nnz"] > rows[2]["nnz"]
    assert rows[1]["alpha"] == 1.0 and "alpha" not in rows[0]
    for r in rows:
        assert r["n"] == 2 and 0 <= r["accuracy"] <= 1 and r["loss"] > 0 and r["cpu_s"] >= 0
    again = glove_sweep(corpus, [{}], base=dict(vector_size=6, epochs=2, batch=64), window=4,
                        min_count=1, restrict_vocab=None, pair_sets=(), analogies=QUESTIONS)
    assert again[0]["loss"] == rows[0]["loss"]   # seeded
    with pytest.raises(TypeError, match="list of dicts"):
        glove_sweep(corpus, {"alpha": 1.0})
