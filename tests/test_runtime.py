import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from lmkit import runtime


def test_device_falls_back_to_cpu_and_can_be_forced(monkeypatch):
    monkeypatch.delenv("LMKIT_DEVICE", raising=False)
    expected = "cuda" if torch.cuda.is_available() else None
    dev = runtime.get_device()
    assert dev.type in ("cuda", "mps", "cpu") and (expected is None or dev.type == expected)
    assert runtime.get_device("cpu").type == "cpu"
    monkeypatch.setenv("LMKIT_DEVICE", "cpu")
    assert runtime.get_device().type == "cpu"


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_asking_for_a_missing_gpu_is_a_clear_error():
    with pytest.raises(ValueError, match="no CUDA GPU"):
        runtime.get_device("cuda")


def test_seed_makes_numpy_and_torch_repeatable():
    g1 = runtime.set_seed(7)
    a, t = g1.random(3), torch.rand(3)
    g2 = runtime.set_seed(7)
    assert np.array_equal(a, g2.random(3)) and torch.equal(t, torch.rand(3))
    with pytest.raises(ValueError, match="seed"):
        runtime.set_seed(-1)


def test_profiles(monkeypatch):
    monkeypatch.delenv("LMKIT_PROFILE", raising=False)
    assert runtime.profile() == "default" and runtime.by_profile(1, 2) == 1
    monkeypatch.setenv("LMKIT_PROFILE", "full")
    assert runtime.by_profile(1, 2) == 2
    monkeypatch.setenv("LMKIT_PROFILE", "huge")
    with pytest.raises(ValueError, match="LMKIT_PROFILE='huge'"):
        runtime.profile()


def test_a_forced_device_must_exist(monkeypatch):
    """Unknown names, MPS where it is missing and a CUDA index beyond the GPUs torch sees are
    clear errors, whether asked for by argument or by LMKIT_DEVICE (issue 9)."""
    monkeypatch.delenv("LMKIT_DEVICE", raising=False)
    with pytest.raises(ValueError, match=r"'gpu' is not a device name; use 'cpu', 'cuda'"):
        runtime.get_device("gpu")
    monkeypatch.setenv("LMKIT_DEVICE", "gpu")
    with pytest.raises(ValueError, match=r"LMKIT_DEVICE='gpu'.*unset LMKIT_DEVICE"):
        runtime.get_device()
    monkeypatch.setenv("LMKIT_DEVICE", "")       # set but empty: choose, as if unset
    assert runtime.get_device() == runtime.get_device(None)
    monkeypatch.delenv("LMKIT_DEVICE")
    # pretend this machine has one GPU and no MPS, then MPS and no GPU
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert runtime.get_device("cuda:0") == torch.device("cuda:0")
    with pytest.raises(ValueError, match=r"there is no GPU 1, torch sees 1 \(cuda:0 to cuda:0\)"):
        runtime.get_device("cuda:1")
    with pytest.raises(ValueError, match="Apple's MPS was asked for, but it is not available"):
        runtime.get_device("mps")
    monkeypatch.setenv("LMKIT_DEVICE", "mps")
    with pytest.raises(ValueError, match="LMKIT_DEVICE='mps': Apple's MPS was asked for"):
        runtime.get_device()
    monkeypatch.delenv("LMKIT_DEVICE")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert runtime.get_device("mps").type == "mps" and runtime.get_device().type == "mps"
    with pytest.raises(ValueError, match="no CUDA GPU"):
        runtime.get_device("cuda:0")


def test_seeds_accept_numpy_integers_and_refuse_the_rest():
    assert runtime.set_seed(np.int64(3)).random() == runtime.set_seed(3).random()
    runtime.set_seed(np.uint8(3))
    a = torch.rand(2)
    runtime.set_seed(3)
    assert torch.equal(a, torch.rand(2))
    for bad, exc in ((True, TypeError), (2.5, TypeError), (float("nan"), TypeError), (2**64, ValueError)):
        with pytest.raises(exc, match="seed must be an integer"):
            runtime.set_seed(bad)


def test_by_profile_refuses_an_unknown_profile(monkeypatch):
    monkeypatch.setenv("LMKIT_PROFILE", "huge")
    with pytest.raises(ValueError, match=r"LMKIT_PROFILE='huge' is not a profile; use one of"):
        runtime.by_profile(1, 2)
    monkeypatch.setenv("LMKIT_PROFILE", " FULL ")
    assert runtime.by_profile(1, 2) == 2


def test_fastest_takes_the_minimum_of_interleaved_runs():
    calls = []
    slow = iter([0.0, 0.05, 0.0, 0.0])  # one disturbed run must not count

    def a():
        import time
        calls.append("a")
        time.sleep(next(slow, 0.0))

    t = runtime.fastest({"a": a, "b": lambda: calls.append("b")}, reps=3)
    assert calls == ["a", "b"] * 4  # a warm-up, then the functions take turns
    assert set(t) == {"a", "b"} and t["a"] < 0.04 and t["b"] >= 0
    with pytest.raises(TypeError, match="dict of name"):
        runtime.fastest({})
    with pytest.raises(TypeError, match="reps"):
        runtime.fastest({"a": a}, reps=0.5)


def test_keep_freed_memory_is_idempotent():
    import sys

    from lmkit.runtime import keep_freed_memory

    first = keep_freed_memory()
    assert isinstance(first, bool) and keep_freed_memory() == first
    if sys.platform.startswith("linux"):
        import platform
        if platform.libc_ver()[0] == "glibc":
            assert first


def test_evaluating_switches_off_dropout_and_gradients_and_restores_the_mode():
    import torch

    from lmkit.runtime import evaluating

    m = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Dropout(0.5)).train()
    with evaluating(m):
        assert not m.training and not m[1].training
        assert not m(torch.ones(1, 2)).requires_grad
    assert m.training
    try:
        with evaluating(m):
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert m.training                         # restored even after an error
    m.eval()
    with evaluating(m):
        pass
    assert not m.training                     # an evaluating model stays so


@given(st.lists(st.integers(0, 5), max_size=40), st.integers(1, 7))
def test_length_batches_cover_every_row_once_in_order_of_length(lengths, batch):
    batches = runtime.length_batches(lengths, batch)
    rows = np.concatenate(batches) if batches else np.array([], dtype=int)
    assert sorted(rows.tolist()) == list(range(len(lengths)))     # each row once
    assert all(len(b) == batch for b in batches[:-1])              # full but the last
    assert [lengths[r] for r in rows] == sorted(lengths)           # by length
    same = [r for r in rows if lengths[r] == (lengths[0] if lengths else 0)]
    assert same == sorted(same)                                    # ties keep their order


def test_length_batches_refuse_a_batch_below_one():
    with pytest.raises(ValueError, match="batch"):
        runtime.length_batches([3, 1], 0)
