"""Batch iterators: the same outputs as before, shuffled epochs, clear errors."""

import numpy as np
import pytest
import torch

from lmkit.train import bptt_batches, ngram_batches, random_windows, shuffled_batches

IDS = np.arange(23)


def test_bptt_batches_cut_parallel_streams_and_cycle():
    it = bptt_batches(IDS, 2, 4)  # two streams of 11: 0..10 and 11..21, targets 1..11 and 12..22
    x, y = next(it)
    assert x.tolist() == [[0, 1, 2, 3], [11, 12, 13, 14]]
    assert y.tolist() == [[1, 2, 3, 4], [12, 13, 14, 15]]
    rest = [next(it) for _ in range(2)]
    assert rest[-1][0].tolist() == [[8, 9, 10], [19, 20, 21]]   # the last piece is shorter
    assert rest[-1][1].tolist() == [[9, 10, 11], [20, 21, 22]]
    assert torch.equal(next(it)[0], x)                  # then it starts again
    with pytest.raises(ValueError, match="too short"):
        next(bptt_batches(np.arange(5), 4, 3))
    with pytest.raises(ValueError, match=r"batch must be an integer in \[1, inf\)"):
        next(bptt_batches(IDS, 0, 3))


def test_ngram_batches_are_windows_in_a_seeded_order():
    batches = [next(it) for it in [ngram_batches(IDS, 3, 5, seed=1)] for _ in range(4)]
    x = torch.cat([b[0] for b in batches])
    y = torch.cat([b[1] for b in batches])
    assert sorted(y.tolist()) == list(range(3, 23))      # every window once per epoch
    assert torch.equal(x, torch.stack([y - 3, y - 2, y - 1], 1))
    first = next(ngram_batches(IDS, 3, 5, seed=1))
    assert torch.equal(first[1], batches[0][1])
    assert not torch.equal(first[1], next(ngram_batches(IDS, 3, 5, seed=2))[1])
    with pytest.raises(ValueError, match="no window"):
        next(ngram_batches(IDS[:3], 3, 5))


def test_shuffled_batches_cover_each_row_once_per_epoch():
    data = {"a": np.arange(10) * 2, "targets": np.arange(10)}
    batches = list(shuffled_batches(data, 4, seed=0, epochs=2))
    assert [len(b["targets"]) for b in batches] == [4, 4, 2] * 2
    for epoch in (batches[:3], batches[3:]):
        t = torch.cat([b["targets"] for b in epoch])
        assert sorted(t.tolist()) == list(range(10))
        assert torch.equal(torch.cat([b["a"] for b in epoch]), 2 * t)   # rows stay together
    assert not torch.equal(batches[0]["targets"], batches[3]["targets"])  # a new order each epoch
    gen = torch.Generator().manual_seed(0)
    assert torch.equal(batches[0]["targets"], torch.randperm(10, generator=gen)[:4])
    forever = shuffled_batches(data, 4)
    assert len([next(forever) for _ in range(10)]) == 10


def test_random_windows_are_shifted_by_one_and_seeded():
    ids = np.arange(100)
    x, y = next(random_windows(ids, 8, 5, seed=3))
    assert x.shape == y.shape == (5, 8) and torch.equal(y, x + 1)
    x2, _ = next(random_windows(ids, 8, 5, seed=3))
    assert torch.equal(x, x2)
    assert not torch.equal(x, next(random_windows(ids, 8, 5, seed=4))[0])
    with pytest.raises(ValueError, match="no window"):
        random_windows(np.arange(5), 8, 2)
    with pytest.raises(TypeError, match="integer ids"):
        random_windows(np.arange(50) + 0.5, 8, 2)
