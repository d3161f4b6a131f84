import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from lmkit.embeddings import (KeyedVectors, analogy_accuracy_by_band, frequency_bands,
                              offset_parallelism, pair_correlation_by_band, pca_project,
                              score_vectors, sweep, take_words)


def _planted(seed=0):
    """Vectors where the gender offset is one fixed direction plus small noise, so that
    man:woman::king:queen holds exactly up to the noise; counts decrease with the index."""
    rng = np.random.default_rng(seed)
    d = 20
    base = {w: rng.normal(size=d) for w in ["man", "king", "father", "boy", "uncle"]}
    g = rng.normal(size=d) * 0.8
    words, vecs = [], []
    for w, v in base.items():
        words.append(w)
        vecs.append(v)
    for w, f in zip(["woman", "queen", "mother", "girl", "aunt"], base):
        words.append(w)
        vecs.append(base[f] + g + rng.normal(size=d) * 0.05)
    for i in range(30):
        words.append(f"filler{i}")
        vecs.append(rng.normal(size=d))
    counts = np.arange(len(words), 0, -1) * 10
    return KeyedVectors(words, np.array(vecs), counts)


ANALOGIES = {"family": [("man", "woman", "king", "queen"), ("father", "mother", "boy", "girl"),
                        ("boy", "girl", "uncle", "aunt"), ("man", "woman", "nobody", "x")]}


def test_take_words_is_seeded_and_sized():
    sents = [["w"] * (i % 7 + 1) for i in range(500)]
    a, b = take_words(sents, 300, seed=3), take_words(sents, 300, seed=3)
    assert a == b
    n = sum(map(len, a))
    assert 300 <= n < 300 + 7
    assert sum(map(len, take_words(sents, 10 ** 9))) == sum(map(len, sents))
    with pytest.raises(ValueError, match="no sentences"):
        take_words([], 5)


def test_frequency_bands():
    assert frequency_bands([1, 5, 49, 50, 10 ** 6], [5, 50]).tolist() == [-1, 0, 0, 1, 1]
    with pytest.raises(ValueError, match="increasing"):
        frequency_bands([1], [50, 5])


def test_analogy_by_band_counts_every_answered_question():
    kv = _planted()
    rows = analogy_accuracy_by_band(kv, [1, 250, 300], analogies=ANALOGIES)
    assert sum(r["n"] for r in rows) == 3  # the question with unknown words is skipped
    assert sum(r["correct"] for r in rows) == 3  # the offset is planted: all right
    # the rarest word of each question decides its band
    counts = dict(zip(kv.index_to_key, kv.counts))
    rarest = sorted(min(counts[w] for w in q) for q in ANALOGIES["family"][:3])
    expect = np.bincount(frequency_bands(rarest, [1, 250, 300]), minlength=3)
    assert [r["n"] for r in rows] == expect.tolist()
    assert np.isnan(next(r["accuracy"] for r in rows if r["n"] == 0)) or all(
        r["n"] for r in rows)


def test_score_vectors_and_pairs_by_band():
    kv = _planted()
    pairs = [("man", "woman", 9.0), ("king", "queen", 8.0), ("man", "filler3", 1.0),
             ("boy", "filler5", 0.5), ("uncle", "aunt", 7.0), ("girl", "filler9", 0.2),
             ("king", "filler1", 0.1), ("father", "mother", 8.5), ("zzz", "man", 3.0)]
    s = score_vectors(kv, pairs=[], analogies=ANALOGIES)
    assert s["analogy_add"] == 1.0 and s["analogy_mul"] == 1.0
    assert s["analogy_oov"] == pytest.approx(25.0)
    rows = pair_correlation_by_band(kv, [1], pairs=pairs, min_pairs=3)
    assert rows[0]["n"] == 8 and rows[0]["spearman"] > 0.5
    with pytest.raises(ValueError, match="no pair"):
        pair_correlation_by_band(kv, [1], pairs=[("zzz", "yyy", 1.0)])
    with pytest.raises(TypeError, match="KeyedVectors"):
        score_vectors("not vectors")


@settings(max_examples=25, deadline=None)
@given(st.integers(3, 12), st.integers(2, 6), st.integers(0, 10 ** 6))
def test_pca_matches_covariance_eigenvectors(n, d, seed):
    x = np.random.default_rng(seed).normal(size=(n, d)) * np.arange(1, d + 1)
    k = min(2, n - 1, d)
    coords, share = pca_project(x, k)
    xc = x - x.mean(0)
    # the coordinates keep the variance along the top eigenvectors of the covariance
    ev = np.sort(np.linalg.eigvalsh(xc.T @ xc))[::-1][:k]
    assert np.allclose((coords ** 2).sum(0), ev, rtol=1e-6, atol=1e-9)
    assert np.all(share >= 0) and share.sum() <= 1 + 1e-9
    assert np.allclose(coords.mean(0), 0, atol=1e-9)


def test_pca_rejects_bad_input():
    with pytest.raises(ValueError, match="at least 2 rows"):
        pca_project(np.ones((1, 3)))
    with pytest.raises(ValueError, match="finite"):
        pca_project(np.array([[0.0, np.nan], [1.0, 2.0]]))


def test_offset_parallelism_sees_a_planted_direction():
    kv = _planted()
    pairs = [("man", "woman"), ("king", "queen"), ("father", "mother"), ("boy", "girl")]
    r = offset_parallelism(kv, pairs, n_draws=50, pool=len(kv))
    assert r["pairs_cos"] > 0.8 and abs(r["random_mean"]) < 0.3 and r["z"] > 3
    assert offset_parallelism(kv, pairs, n_draws=50, pool=len(kv)) == r  # seeded
    with pytest.raises(ValueError, match="at least 2"):
        offset_parallelism(kv, [("man", "woman")])


def test_sweep_trains_and_scores_each_setting():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(40)]
    sents = [list(rng.choice(words, 12)) for _ in range(300)]
    rows = sweep(sents, [{"negative": 2}, {"negative": 5}],
                 dict(vector_size=8, epochs=1, min_count=1), pairs=[],
                 analogies={"s": [("w1", "w2", "w3", "w4")]}, keep_models=True)
    assert [r["negative"] for r in rows] == [2, 5]
    for r in rows:
        assert r["vocab"] == 40 and r["cpu_s"] >= 0 and r["words_per_s"] > 0
        assert 0 <= r["analogy_add"] <= 1 and r["model"].config.negative == r["negative"]
    with pytest.raises(TypeError, match="list of dicts"):
        sweep(sents, {"negative": 2})


def test_format_table():
    from lmkit.embeddings import format_table
    text = format_table([{"k": 2, "rho": 0.12345}, {"k": 15}], {"k": "d", "rho": ".3f"})
    assert text.splitlines() == [" k    rho", " 2  0.123", "15      -"]
    with pytest.raises(ValueError, match="at least one"):
        format_table([], {})
