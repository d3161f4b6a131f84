"""em_weights: the one EM for interpolation weights.  The weights always sum to 1, even when
some held-out tokens get probability 0 from every component."""

import warnings

import numpy as np
import pytest
from hypothesis import event, given, settings, strategies as st

from lmkit.interpolate import em_weights, mix_logprobs


def test_em_matches_a_hand_computed_step_and_never_decreases():
    probs = np.array([[0.5, 0.1, 0.2], [0.1, 0.3, 0.2]])
    lam, trace = em_weights(probs, iterations=2, tol=-np.inf)
    # one step from (1/2, 1/2): λ_1 = mean_i (p_1(i) / (p_1(i) + p_2(i)))
    want = np.mean([0.5 / 0.6, 0.1 / 0.4, 0.2 / 0.4])
    assert trace[1][0][0] == pytest.approx(want) and trace[1][0].sum() == pytest.approx(1)
    assert trace[0][1] == pytest.approx(np.mean(np.log([0.3, 0.2, 0.2])))
    # iterations=2: two updates; the trace runs from init to the returned weights
    assert len(trace) == 3 and np.array_equal(lam, trace[-1][0])
    assert trace[-1][1] == pytest.approx(np.mean(np.log(lam @ probs)))
    lam, trace = em_weights(probs, iterations=500, tol=-np.inf)
    ll = [t[1] for t in trace]
    assert len(trace) == 501 and np.all(np.diff(ll) >= -1e-12)
    assert np.array_equal(lam, trace[-1][0]) and ll[-1] == np.mean(np.log(lam @ probs))


def test_tol_stops_early_and_init_is_the_first_point():
    probs = np.random.default_rng(1).dirichlet(np.ones(3), size=300).T
    _, trace = em_weights(probs, iterations=1000, tol=1e-3)
    assert 1 < len(trace) < 1000
    gains = np.diff([t[1] for t in trace])
    assert gains[-1] < 1e-3 and np.all(gains[:-1] >= 1e-3)
    _, trace = em_weights(probs, iterations=3, init=np.array([0.2, 0.3, 0.5]))
    assert np.array_equal(trace[0][0], [0.2, 0.3, 0.5])


@given(st.integers(1, 4), st.integers(1, 30), st.integers(0, 10**6), st.floats(0, 1))
@settings(max_examples=60)
def test_weights_sum_to_one_even_when_no_component_predicts_a_token(m, n, seed, zero_share):
    rng = np.random.default_rng(seed)
    probs = rng.random((m, n)) * (rng.random((m, n)) > 0.4)  # many zeros
    dead = rng.random(n) < zero_share
    probs[:, dead] = 0.0
    ok = probs.sum(axis=0) > 0
    event("no token predictable" if not ok.any() else "all predictable" if ok.all() else "some not")
    if not ok.any():
        with pytest.raises(ValueError, match="no held-out token has a probability above 0"):
            em_weights(probs)
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lam, trace = em_weights(probs, iterations=20)
    assert abs(lam.sum() - 1) < 1e-12 and np.all(lam >= 0)
    assert all(abs(t[0].sum() - 1) < 1e-12 for t in trace)
    if ok.all():
        assert not caught and np.all(np.isfinite([t[1] for t in trace]))
    else:  # the unpredictable tokens are left out: the same weights as EM without them
        assert len(caught) == 1 and f"{n - ok.sum()} of {n} held-out tokens" in str(caught[0].message)
        assert all(t[1] == -np.inf for t in trace)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            want, want_trace = em_weights(probs[:, ok], iterations=20)
        assert np.allclose(lam, want, rtol=0, atol=1e-12) and len(trace) == len(want_trace)


def test_numpy_scalars_are_accepted():
    probs = np.array([[0.5, 0.1], [0.1, 0.3]], dtype=np.float32)
    a, _ = em_weights(probs, iterations=np.int64(5), tol=np.float32(1e-9))
    b, _ = em_weights(probs.astype(float), iterations=5, tol=1e-9)
    assert np.allclose(a, b) and a.dtype == np.float64


def test_the_returned_weights_are_those_the_last_trace_entry_reports():
    probs = np.random.default_rng(2).dirichlet(np.ones(3), size=200).T
    for iterations, tol in [(1, -np.inf), (7, -np.inf), (1000, 1e-4), (1000, 0.0)]:
        lam, trace = em_weights(probs, iterations=iterations, tol=tol)
        assert np.array_equal(lam, trace[-1][0]) and len(trace) <= iterations + 1
        assert trace[-1][1] == pytest.approx(np.mean(np.log(lam @ probs)), abs=1e-15)


def test_probabilities_above_one_are_refused():
    with pytest.raises(ValueError, match=r"must be <= 1, but component 1 gives token 0 1\.5"):
        em_weights(np.array([[0.5, 0.2], [1.5, 0.1]]))
    em_weights(np.array([[1.0 + 1e-12, 0.2], [0.5, 0.1]]))  # rounding above 1 is accepted


def test_a_zero_weight_component_is_named_in_the_warning():
    probs = np.array([[0.0, 0.5, 0.2], [0.3, 0.5, 0.2]])
    with pytest.warns(RuntimeWarning, match="1 of 3 held-out tokens get probability 0 from every "
                                            "component with weight > 0"):
        em_weights(probs, init=[1.0, 0.0])


@given(st.integers(1, 4), st.integers(0, 30), st.integers(0, 10**6))
@settings(max_examples=60)
def test_mix_logprobs_is_the_log_of_the_weighted_sum(m, n, seed):
    rng = np.random.default_rng(seed)
    probs = rng.random((m, n)) * (rng.random((m, n)) > 0.3)
    w = rng.dirichlet(np.ones(m)) * (rng.random(m) > 0.3)
    w = np.full(m, 1 / m) if w.sum() == 0 else w / w.sum()
    with np.errstate(divide="ignore"):
        lp, want = np.log(probs), np.log(w @ probs)
    got = mix_logprobs(lp, w)
    assert got.shape == (n,) and np.array_equal(np.isneginf(got), np.isneginf(want))
    assert np.allclose(got[np.isfinite(want)], want[np.isfinite(want)], rtol=1e-12, atol=1e-12)


def test_mix_logprobs_is_stable_and_ignores_zero_weights():
    lp = np.array([[-1000.0, -np.inf, 0.0], [-1001.0, -5.0, -np.inf]])
    got = mix_logprobs(lp, [0.5, 0.5])
    assert got[0] == pytest.approx(np.log(0.5) - 1000 + np.log1p(np.exp(-1.0)))  # exp underflows
    assert got[1] == pytest.approx(np.log(0.5) - 5) and got[2] == pytest.approx(np.log(0.5))
    assert np.array_equal(mix_logprobs(lp, [1.0, 0.0]), lp[0])  # -inf where the weighted one is 0
    assert np.array_equal(mix_logprobs(lp, [0.0, 1.0]), lp[1])
    for bad, err, match in [(np.zeros(3), ValueError, "components x tokens"),
                            (np.array([[0.5, -1.0]]), ValueError, "must be <= 0"),
                            (np.array([[np.nan]]), ValueError, "must be <= 0"),
                            (np.array([["a"]]), TypeError, "numeric")]:
        with pytest.raises(err, match=match):
            mix_logprobs(bad, [1.0])
    with pytest.raises(ValueError, match="weights needs 2 weights"):
        mix_logprobs(lp, [1.0])
    with pytest.raises(ValueError, match="sum to 1"):
        mix_logprobs(lp, [0.5, 0.6])
