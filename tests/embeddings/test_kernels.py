"""The numba kernels against the torch reference on the same pairs and negatives, the
hierarchical softmax as an exact distribution, and the kernel's own training loop."""

import numpy as np
import pytest
import torch

from lmkit.embeddings import hs_probabilities
from lmkit.embeddings.kernels import (cbow_pairs, exp_table, hs_arrays, hs_pairs, sgns_pairs,
                                      train_job)
from lmkit.embeddings.torch_step import cbow_step, hs_step, sgns_step

V, D, N = 40, 16, 300
COUNTS = np.random.default_rng(1).zipf(1.3, V).astype(float) + 1


def weights(seed=0):
    r = np.random.default_rng(seed)
    return (r.normal(0, 0.3, (V, D)).astype(np.float32),
            r.normal(0, 0.3, (V, D)).astype(np.float32))


def pairs(seed=0, k=5):
    r = np.random.default_rng(seed)
    neg = r.integers(0, V, (N, k)).astype(np.int32)
    out = r.integers(0, V, N).astype(np.int32)
    neg[::7, 0] = out[::7]  # noise word == output word: skipped by both
    return r.integers(0, V, N).astype(np.int32), out, neg


def test_sgns_kernel_equals_torch_sequential_step():
    a0, a1 = weights()
    c, o, neg = pairs()
    t0, t1 = torch.from_numpy(a0.copy()), torch.from_numpy(a1.copy())
    sgns_pairs(a0, a1, c, o, neg, 0.05)
    sgns_step(t0, t1, c, o, neg, 0.05, sequential=True)
    assert np.abs(a0 - t0.numpy()).max() < 1e-5 and np.abs(a1 - t1.numpy()).max() < 1e-5
    assert np.abs(a0 - weights()[0]).max() > 1e-3  # something moved


def test_hs_kernel_equals_torch_sequential_step():
    a0, _ = weights()
    pts, cds, lens = hs_arrays(COUNTS)
    a1 = np.random.default_rng(3).normal(0, 0.3, (V - 1, D)).astype(np.float32)
    c, o, _ = pairs(1)
    t0, t1 = torch.from_numpy(a0.copy()), torch.from_numpy(a1.copy())
    hs_pairs(a0, a1, c, o, pts, cds, lens, 0.05)
    hs_step(t0, t1, c, o, pts, cds, lens, 0.05, sequential=True)
    assert np.abs(a0 - t0.numpy()).max() < 1e-5 and np.abs(a1 - t1.numpy()).max() < 1e-5


def test_cbow_kernel_equals_torch_sequential_step():
    a0, a1 = weights(2)
    _, o, neg = pairs(2)
    ctx = np.random.default_rng(4).integers(-1, V, (N, 6)).astype(np.int32)
    ctx[5] = -1  # no context: skipped
    t0, t1 = torch.from_numpy(a0.copy()), torch.from_numpy(a1.copy())
    cbow_pairs(a0, a1, ctx, o, neg, 0.05)
    cbow_step(t0, t1, ctx, o, neg, 0.05)
    assert np.abs(a0 - t0.numpy()).max() < 1e-5 and np.abs(a1 - t1.numpy()).max() < 1e-5


def test_batched_torch_step_equals_the_kernel_when_no_row_is_shared():
    """The batched step (what training uses) scores every pair on the weights before the
    step and sums the updates; where no two pairs share a row of syn0 or syn1neg, that is
    exactly the kernel's pair-by-pair update."""
    r = np.random.default_rng(5)
    a0, a1 = weights(5)
    c = r.permutation(V)[:6].astype(np.int32)               # distinct centres
    rows = r.permutation(V)[:6 * 4].astype(np.int32)        # distinct outputs and noise words
    o, neg = rows[:6], rows[6:].reshape(6, 3)
    t0, t1 = torch.from_numpy(a0.copy()), torch.from_numpy(a1.copy())
    sgns_pairs(a0, a1, c, o, neg, 0.05)
    sgns_step(t0, t1, c, o, neg, 0.05, sequential=False)
    assert np.abs(a0 - t0.numpy()).max() < 1e-5 and np.abs(a1 - t1.numpy()).max() < 1e-5
    assert np.abs(a0 - weights(5)[0]).max() > 1e-3  # something moved


@pytest.mark.parametrize("step", ["sgns", "hs"])
def test_batched_torch_step_lowers_the_loss(step):
    torch.manual_seed(0)
    a0, a1 = weights()
    c, o, neg = pairs()
    t0 = torch.from_numpy(a0)
    if step == "sgns":
        t1 = torch.from_numpy(a1)
        losses = [sgns_step(t0, t1, c, o, neg, 0.02) for _ in range(20)]
    else:
        pts, cds, lens = hs_arrays(COUNTS)
        t1 = torch.zeros(V - 1, D)
        losses = [hs_step(t0, t1, c, o, pts, cds, lens, 0.02) for _ in range(20)]
    assert losses[-1] < losses[0]


def test_hs_is_an_exact_distribution():
    pts, cds, lens = hs_arrays(COUNTS)
    syn1 = np.random.default_rng(5).normal(0, 1, (V - 1, D))
    h = np.random.default_rng(6).normal(0, 1, (7, D))
    p = hs_probabilities(syn1, h, pts, cds, lens)
    assert p.shape == (7, V) and np.allclose(p.sum(1), 1) and np.all(p > 0)


def test_train_job_skips_nothing_with_full_keep_and_is_deterministic():
    corpus = np.random.default_rng(0).integers(0, V, 2000).astype(np.int32)
    offsets = np.arange(0, 2001, 20, dtype=np.int64)
    from lmkit.embeddings.sampling import keep_thresholds, noise_table
    table = noise_table(COUNTS, 0.75, 1 << 12)
    keep = keep_thresholds(np.ones(V))
    pts, cds, lens = hs_arrays(COUNTS)
    outs = []
    for _ in range(2):
        s0, s1 = weights()
        s1h = np.zeros((V - 1, D), np.float32)
        rng, loss = np.array([7], np.uint64), np.zeros(2)
        read = train_job(corpus, offsets, 0, len(offsets) - 1, s0, s1, s1h, pts, cds, lens,
                         table, keep, 3, 4, 1, 1, 0.025, 1e-6, 0.0, 2000.0, rng,
                         np.empty(20, np.int32), np.empty(D, np.float32),
                         np.empty(D, np.float32), exp_table(), False, loss)
        outs.append((s0, s1, s1h, int(rng[0])))
        assert read == 2000 and loss[1] > 0 and np.isfinite(loss[0])
    assert all(np.array_equal(x, y) for x, y in zip(outs[0][:3], outs[1][:3]))
    assert outs[0][3] == outs[1][3]
