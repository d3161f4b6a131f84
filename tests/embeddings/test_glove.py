"""GloVe: the weighting f, the cells, the model's loss, training through the one loop."""

import functools

import numpy as np
import pytest
import scipy.sparse as sp
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lmkit.embeddings import GloVe, GloVeConfig, GloVeModel, glove_cells, glove_weight
from lmkit.train.optim import make_optimizer, optimizer_name


@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=50),
       st.floats(0.5, 500), st.floats(0.1, 2))
def test_weight_is_capped_at_one_and_increasing(xs, x_max, alpha):
    x = np.sort(np.asarray(xs))
    f = glove_weight(x, x_max, alpha)
    assert np.all(f <= 1.0) and np.all(f >= 0)
    assert np.all(np.diff(f) >= -1e-15)
    assert np.allclose(f[x >= x_max], 1.0)
    below = x < x_max
    assert np.allclose(f[below], (x[below] / x_max) ** alpha)


def test_weight_known_values():
    assert glove_weight([0, 100, 1e4])[[0, 1, 2]].tolist() == [0.0, 1.0, 1.0]
    assert glove_weight(10.0) == pytest.approx(0.1 ** 0.75)


@pytest.mark.parametrize("kw, match", [({"x_max": 0}, "x_max"), ({"x_max": -1}, "x_max"),
                                       ({"alpha": 0}, "alpha")])
def test_weight_bad_settings(kw, match):
    with pytest.raises(ValueError, match=match):
        glove_weight([1.0], **kw)
    with pytest.raises(ValueError, match=match):
        GloVeConfig(**kw)


def test_bad_counts_and_matrices():
    with pytest.raises(ValueError, match="finite"):
        glove_weight([1.0, np.nan])
    with pytest.raises(TypeError, match="square scipy.sparse"):
        glove_cells(np.eye(3))
    with pytest.raises(ValueError, match="no non-zero"):
        glove_cells(sp.csr_matrix((3, 3)))
    with pytest.raises(ValueError, match="one row per word"):
        GloVe(epochs=1).fit(sp.eye(3, format="csr"), ["a", "b"], progress=False)
    with pytest.raises(TypeError, match="not both"):
        GloVe(GloVeConfig(), epochs=2)


def test_cells_hold_log_counts_and_weights():
    X = sp.csr_matrix(np.array([[0, 2.0, 0], [2.0, 0, 150.0], [0, 150.0, 1.0]]))
    c = glove_cells(X)
    got = sorted(zip(c["rows"], c["cols"], c["targets"], c["weights"]))
    assert [(r, k) for r, k, *_ in got] == [(0, 1), (1, 0), (1, 2), (2, 1), (2, 2)]
    assert np.allclose([t for *_, t, _ in got], np.log([2, 2, 150, 150, 1]), atol=1e-6)
    assert np.allclose([w for *_, w in got], [0.02 ** 0.75] * 2 + [1, 1] + [0.01 ** 0.75])


def test_model_loss_is_the_weighted_squared_error():
    torch.manual_seed(0)
    m = GloVeModel(GloVeConfig(vector_size=4), 5)
    assert m.w.weight.abs().max() <= 0.5 / 4 and m.b.weight.abs().max() == 0
    rows, cols = torch.tensor([0, 1, 4]), torch.tensor([2, 2, 3])
    t, w = torch.tensor([0.5, 1.0, 2.0]), torch.tensor([1.0, 0.3, 0.0])
    pred, loss = m(rows, cols, t, w)
    direct = [(m.w.weight[i] @ m.w_tilde.weight[j] + m.b.weight[i, 0] + m.b_tilde.weight[j, 0])
              for i, j in zip(rows, cols)]
    assert torch.allclose(pred, torch.stack(direct))
    assert torch.isclose(loss, 0.5 * (w * (torch.stack(direct) - t) ** 2).sum())


def toy_matrix(V=30, seed=0):
    rng = np.random.default_rng(seed)
    A = rng.poisson(3.0, (V, V)).astype(float) * (rng.random((V, V)) < 0.5)
    return sp.csr_matrix(A + A.T)


def test_loss_falls_and_runs_are_repeatable():
    X, words = toy_matrix(), [f"w{i}" for i in range(30)]
    a = GloVe(vector_size=8, epochs=6, batch=64, lr=0.1, seed=3).fit(X, words, progress=False)
    assert a.epoch_loss[-1] < 0.5 * a.epoch_loss[0]
    assert all(x > y for x, y in zip(a.epoch_loss, a.epoch_loss[1:]))
    b = GloVe(vector_size=8, epochs=6, batch=64, lr=0.1, seed=3).fit(X, words, progress=False)
    assert np.array_equal(a.wv.vectors, b.wv.vectors)
    assert a.wv.vectors.shape == (30, 8) and len(a.epoch_seconds) == 6
    assert np.allclose(a.wv.vectors, (a.model.w.weight + a.model.w_tilde.weight).detach().numpy())


def test_callback_sees_each_epoch():
    X, words = toy_matrix(12), [f"w{i}" for i in range(12)]
    seen = []
    GloVe(vector_size=4, epochs=3, batch=50).fit(
        X, words, progress=False, callback=lambda e, g: seen.append((e, g.wv.vectors.shape)))
    assert seen == [(1, (12, 4)), (2, (12, 4)), (3, (12, 4))]


def test_adagrad_step_through_make_optimizer():
    """One AdaGrad step with accumulators starting at 1: theta -= lr g / sqrt(1 + g^2)."""
    lin = torch.nn.Linear(2, 1, bias=False)
    with torch.no_grad():
        lin.weight.copy_(torch.tensor([[1.0, -2.0]]))
    factory = functools.partial(torch.optim.Adagrad, initial_accumulator_value=1.0)
    opt = make_optimizer(factory, lin, lr=0.1, weight_decay=0.0)
    lin(torch.tensor([[3.0, 0.5]])).sum().backward()
    opt.step()
    g = torch.tensor([3.0, 0.5])
    assert torch.allclose(lin.weight[0], torch.tensor([1.0, -2.0]) - 0.1 * g / torch.sqrt(1 + g * g))
    assert optimizer_name(factory) == "Adagrad[('initial_accumulator_value', 1.0)]"
    with pytest.raises(ValueError, match="unknown optimizer"):
        make_optimizer("adam", lin, 0.1, 0.0)


@pytest.mark.parametrize("binary", [False, True])
def test_vectors_round_trip_through_gensims_reader(tmp_path, binary):
    """GloVe's vectors are saved in chapter 5's word2vec formats: gensim reads them back, and
    lmkit reads them back, to the same numbers."""
    gensim_kv = pytest.importorskip("gensim.models.keyedvectors")
    from lmkit.embeddings import load_word2vec_format, save_word2vec_format

    X, words = toy_matrix(20), [f"w{i}" for i in range(20)]
    g = GloVe(vector_size=6, epochs=2, batch=64).fit(X, words, progress=False)
    path = tmp_path / ("v.bin" if binary else "v.txt")
    save_word2vec_format(g.wv, path, binary=binary)
    theirs = gensim_kv.KeyedVectors.load_word2vec_format(str(path), binary=binary)
    assert list(theirs.index_to_key) == words
    tol = 0 if binary else 1e-5   # the text format prints 6 significant digits
    assert np.allclose(theirs.vectors, g.wv.vectors, atol=tol, rtol=0)
    ours = load_word2vec_format(path, binary=binary)
    assert np.allclose(ours.vectors, g.wv.vectors, atol=tol, rtol=0)
