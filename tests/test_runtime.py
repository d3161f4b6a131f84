import numpy as np
import pytest
import torch

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
