"""ELMo's scalar mix: weights on the simplex, gamma, the mix itself, bad input."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lmkit.nn import ScalarMix


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-30, 30), min_size=1, max_size=8))
def test_weights_sum_to_one(w):
    mix = ScalarMix(len(w))
    with torch.no_grad():
        mix.w.copy_(torch.tensor(w))
    s = mix.weights
    assert (s >= 0).all()
    assert s.sum().item() == pytest.approx(1.0, abs=1e-6)


def test_mix_is_gamma_times_the_weighted_sum():
    torch.manual_seed(0)
    mix = ScalarMix(3)
    with torch.no_grad():
        mix.w.copy_(torch.tensor([0.0, 1.0, 2.0]))
        mix.gamma.fill_(2.0)
    h = torch.randn(3, 4, 5)
    s = torch.softmax(torch.tensor([0.0, 1.0, 2.0]), 0)
    want = 2.0 * (s[0] * h[0] + s[1] * h[1] + s[2] * h[2])
    assert torch.allclose(mix(h), want, atol=1e-6)
    # equal weights at the start: the mean of the layers
    assert torch.allclose(ScalarMix(3)(h), h.mean(0), atol=1e-6)


def test_gradients_reach_the_weights_and_gamma():
    mix = ScalarMix(2)
    h = torch.stack([torch.zeros(4), torch.ones(4)])
    mix(h).sum().backward()
    assert mix.w.grad.abs().sum() > 0 and mix.gamma.grad.item() == pytest.approx(2.0)


def test_bad_input():
    with pytest.raises(ValueError, match="first axis"):
        ScalarMix(3)(torch.zeros(2, 5))
    with pytest.raises((TypeError, ValueError)):
        ScalarMix(0)
