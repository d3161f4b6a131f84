"""PPMI with context-distribution smoothing against a dense numpy computation, and the
truncated SVD vectors against numpy's dense SVD."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from lmkit.embeddings import cooccurrence_from_sentences, ppmi, svd_vectors
from lmkit.embeddings.svd import truncated_svd


def random_counts(seed: int, n: int = 30, density: float = 0.3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    X = rng.gamma(0.5, 3.0, (n, n)) * (rng.random((n, n)) < density)
    X = X + X.T
    X[0, 0] = 5.0  # no empty first row
    return X


def dense_ppmi(X: np.ndarray, cds: float, shift: float = 1.0) -> np.ndarray:
    D = X.sum()
    pw = X.sum(1) / D
    cc = X.sum(0) ** cds
    pc = cc / cc.sum()
    with np.errstate(divide="ignore"):
        pmi = np.log((X / D) / np.outer(pw, pc)) - np.log(shift)
    return np.where(X > 0, np.maximum(pmi, 0), 0)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10**6), st.sampled_from([0.5, 0.75, 1.0]), st.sampled_from([1.0, 5.0]))
def test_ppmi_equals_the_dense_computation(seed, cds, shift):
    X = random_counts(seed)
    P = ppmi(sp.csr_matrix(X), cds=cds, shift=shift)
    assert P.has_canonical_format and P.dtype == np.float64 and (P.data > 0).all()
    np.testing.assert_allclose(P.toarray(), dense_ppmi(X, cds, shift), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ppmi(X, cds, shift).toarray(), P.toarray())  # dense input


def test_cds_one_is_plain_ppmi():
    X = random_counts(3)
    D, pw, pc = X.sum(), X.sum(1) / X.sum(), X.sum(0) / X.sum()
    with np.errstate(divide="ignore"):
        plain = np.maximum(np.log(X / D / np.outer(pw, pc)), 0)
    np.testing.assert_allclose(ppmi(X, cds=1.0).toarray(), plain, rtol=1e-12, atol=1e-12)
    assert not np.allclose(ppmi(X, cds=0.75).toarray(), plain)  # smoothing changes it


def test_ppmi_leaves_the_callers_matrix_alone():
    X = sp.csr_matrix(random_counts(4))
    X.data[:3] = 0.0  # explicit zeros
    before = X.data.copy()
    ppmi(X)
    np.testing.assert_array_equal(X.data, before)


def test_svd_vectors_match_numpys_dense_svd():
    X = random_counts(1, n=40)
    words = [f"w{i}" for i in range(40)]
    kv = svd_vectors(sp.csr_matrix(X), words, dim=5, eig=1.0)
    s = np.linalg.svd(dense_ppmi(X, 0.75), compute_uv=False)[:5]
    # with eig = 1 the vectors are U S: their column norms are the singular values
    np.testing.assert_allclose(np.linalg.norm(kv.vectors, axis=0), s, rtol=1e-5)
    U, S, Vt = truncated_svd(ppmi(X), 5)
    np.testing.assert_allclose(S, s, rtol=1e-10)
    assert (np.diff(S) <= 0).all()
    best = np.linalg.svd(dense_ppmi(X, 0.75))
    rank5 = (best[0][:, :5] * best[1][:5]) @ best[2][:5]
    np.testing.assert_allclose((U * S) @ Vt, rank5, atol=1e-9)
    np.testing.assert_allclose(kv.vectors, (U * S).astype(np.float32), rtol=1e-5, atol=1e-6)
    half = svd_vectors(X, words, dim=5)  # eig = 0.5
    np.testing.assert_allclose(np.linalg.norm(half.vectors, axis=0), np.sqrt(s), rtol=1e-5)


def test_svd_vectors_are_deterministic_and_keep_the_words():
    X, words, counts = cooccurrence_from_sentences(
        [("the cat sat on the mat while the dog sat on the log " * 3).split()] * 4, window=3)
    a = svd_vectors(X, words, dim=4, counts=counts)
    b = svd_vectors(X, words, dim=4, counts=counts)
    np.testing.assert_array_equal(a.vectors, b.vectors)
    assert a.index_to_key == words and a.counts.tolist() == counts.tolist()
    assert a.vectors.shape == (len(words), 4)


def test_bad_inputs_get_clear_errors():
    X = random_counts(2, n=10)
    words = [f"w{i}" for i in range(10)]
    with pytest.raises(ValueError, match="vocabulary too small for the requested dimension.*"
                                         "10 words and dim=10.*lower dim"):
        svd_vectors(X, words, dim=10)
    with pytest.raises(ValueError, match="square"):
        svd_vectors(X[:, :5], words, dim=2)
    with pytest.raises(ValueError, match="is empty"):
        svd_vectors(sp.csr_matrix((10, 10)), words, dim=2)
    with pytest.raises(ValueError, match="is empty"):
        svd_vectors(np.zeros((0, 0)), [], dim=2)
    with pytest.raises(ValueError, match="9 words are given"):
        svd_vectors(X, words[:9], dim=2)
    bad = X.copy()
    bad[1, 2] = np.nan
    with pytest.raises(ValueError, match="NaN or inf"):
        svd_vectors(bad, words, dim=2)
    bad[1, 2] = -1.0
    with pytest.raises(ValueError, match="negative counts"):
        svd_vectors(bad, words, dim=2)
    with pytest.raises(ValueError, match="negative counts"):
        ppmi(bad)
    with pytest.raises(ValueError, match="cds must be"):
        ppmi(X, cds=0)
    with pytest.raises(ValueError, match="shift must be"):
        ppmi(X, shift=0)
    with pytest.raises(TypeError, match="co-occurrence matrix"):
        ppmi([[1, 2], [3, 4]])
    with pytest.raises(ValueError, match=r"dim < min\(X.shape\) = 10"):
        truncated_svd(ppmi(X), 10)
