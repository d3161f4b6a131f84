"""Count against predict: corpus-growth counts, the GloVe curve, the timing helpers."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from lmkit.embeddings import cooccurrence_dict
from lmkit.embeddings.count_predict import (count_growth, first_reach, glove_curve,
                                            growth_exponent, interleaved_min,
                                            pair_occurrences, warm_up)

TOY = [s.split() for s in ["the cat sat on the mat", "the dog sat on the log",
                           "a cat and a dog", "the end"]] * 5


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 12), max_size=8), st.integers(1, 6))
def test_pair_occurrences_equal_a_uniform_brute_force_count(lengths, window):
    sents = [list(range(n)) for n in lengths]
    brute = sum(cooccurrence_dict(sents, window, weighting="uniform").values())
    assert pair_occurrences(lengths, window) == brute


def test_pair_occurrences_bad_input():
    with pytest.raises(ValueError, match="window"):
        pair_occurrences([3], 0)
    with pytest.raises(ValueError, match="lengths"):
        pair_occurrences([-1], 2)


def test_count_growth_rows():
    n = sum(map(len, TOY))
    rows = count_growth(TOY, [6, n // 2, n], window=2, min_count=1)
    assert [r["words"] for r in rows] == [6, sum(map(len, TOY[:len(TOY) // 2])), n]
    assert [r["tokens"] for r in rows] == [r["words"] for r in rows]  # min_count 1: all kept
    assert all(a["nnz"] <= b["nnz"] for a, b in zip(rows, rows[1:]))
    full = cooccurrence_dict([[{w: i for i, w in enumerate(
        sorted({w for s in TOY for w in s}))}[w] for w in s] for s in TOY], 2)
    assert rows[-1]["nnz"] == len(full)  # the whole corpus: every distinct cell
    assert rows[-1]["pairs"] == pair_occurrences([len(s) for s in TOY], 2)
    assert all(r["nnz"] <= r["pairs"] and r["mb"] > 0 and r["cpu_s"] >= 0 for r in rows)
    # min_count drops words: fewer tokens, the vocabulary of the whole corpus
    rare = count_growth(TOY, [n], window=2, min_count=6)[0]
    assert rare["tokens"] < n and rare["dense_mb"] < rows[0]["dense_mb"]
    with pytest.raises(ValueError, match="at least one"):
        count_growth(TOY, [])
    with pytest.raises(ValueError, match="size"):
        count_growth(TOY, [0])


@given(st.floats(0.1, 3), st.floats(0.01, 100))
def test_growth_exponent_of_a_power_law(b, a):
    x = np.array([1e3, 1e4, 1e5, 1e6])
    assert growth_exponent(x, a * x ** b) == pytest.approx(b, rel=1e-9)


def test_growth_exponent_bad_input():
    with pytest.raises(ValueError, match="positive"):
        growth_exponent([1, 2], [0, 1])
    with pytest.raises(ValueError, match="distinct"):
        growth_exponent([2, 2], [1, 3])


def test_first_reach():
    assert first_reach([1, 2, 3], [0.1, 0.3, 0.2], 0.25) == 2
    assert first_reach([1, 2, 3], [0.1, 0.3, 0.2], 0.3) == 2
    assert first_reach([1, 2], [0.1, 0.2], 0.5) is None
    with pytest.raises(ValueError, match="equally long"):
        first_reach([1], [0.1, 0.2], 0.1)


def test_interleaved_min_takes_turns_and_the_minimum():
    calls, times = [], {"a": iter([9.0, 3.0, 2.0, 5.0]), "b": iter([1.0, 4.0, 6.0, 0.5])}
    fns = {k: (lambda k=k: calls.append(k) or next(times[k])) for k in times}
    best = interleaved_min(fns, reps=3)
    assert calls == ["a", "b"] * 4  # one warm-up each, then turns
    assert best == {"a": 2.0, "b": 0.5}  # the warm-up (9.0, 1.0) is not counted
    with pytest.raises(ValueError, match="seconds"):
        interleaved_min({"x": lambda: float("nan")}, reps=1)
    with pytest.raises(ValueError, match="at least one"):
        interleaved_min({})


def test_glove_curve_scores_every_epoch():
    X = sp.random(30, 30, density=0.3, random_state=1, format="csr") * 20
    X = (X + X.T).tocsr()
    words = [f"w{i}" for i in range(30)]
    seen = []

    def score(kv):
        seen.append(len(kv))
        return {"norm": float(np.linalg.norm(kv.vectors))}

    model, rows = glove_curve(X, words, None, score, vector_size=4, epochs=3, batch=64, seed=0)
    assert [r["epoch"] for r in rows] == [1, 2, 3] and seen == [30, 30, 30]
    assert [r["loss"] for r in rows] == model.epoch_loss
    assert [r["wall_s"] for r in rows] == model.epoch_seconds
    assert all(b["cpu_s"] >= a["cpu_s"] for a, b in zip(rows, rows[1:]))
    assert rows[-1]["norm"] == pytest.approx(float(np.linalg.norm(model.wv.vectors)))
    _, bare = glove_curve(X, words, vector_size=4, epochs=1, batch=64)
    assert set(bare[0]) == {"epoch", "cpu_s", "wall_s", "loss"}


def test_warm_up_runs():
    assert warm_up() is None


def test_glove_after_n_epochs_of_a_longer_run_is_an_n_epoch_run():
    """The notebook's exercise 5: GloVe has no schedule tied to the run's length, so one run
    scored after every epoch gives the whole curve (unlike word2vec's decaying rate)."""
    X = sp.random(25, 25, density=0.4, random_state=2, format="csr") * 30
    X = (X + X.T).tocsr()
    words = [f"w{i}" for i in range(25)]
    snaps = []
    glove_curve(X, words, None, lambda kv: snaps.append(kv.vectors.copy()) or {},
                vector_size=4, epochs=3, batch=32, seed=3)
    short, _ = glove_curve(X, words, vector_size=4, epochs=2, batch=32, seed=3)
    assert np.array_equal(snaps[1], short.wv.vectors)
