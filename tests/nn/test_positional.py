"""lmkit.nn.positional: the sinusoid values, the relative-offset property, the modules' offset
(for a KV cache) and the block-size check."""

import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from lmkit.nn import (LearnedPositions, RecurrentPositions, SinusoidalPositions,
                      relative_offset_matrix, sinusoidal_positions)


def test_sinusoid_values():
    pe = sinusoidal_positions(50, 8)
    assert pe.shape == (50, 8) and pe.dtype == torch.get_default_dtype()
    assert pe[0].tolist() == [0, 1] * 4  # sin 0, cos 0
    for pos in (1, 7, 49):
        for i in range(4):
            w = 10000 ** (-2 * i / 8)
            assert pe[pos, 2 * i].item() == pytest.approx(math.sin(pos * w), abs=1e-6)
            assert pe[pos, 2 * i + 1].item() == pytest.approx(math.cos(pos * w), abs=1e-6)
    odd = sinusoidal_positions(3, 5)  # an odd width ends with a sine
    assert odd.shape == (3, 5) and torch.allclose(odd[:, :4], sinusoidal_positions(3, 5)[:, :4])
    assert odd[2, 4].item() == pytest.approx(math.sin(2 * 10000 ** (-4 / 5)), abs=1e-6)


@given(st.integers(1, 16).map(lambda n: 2 * n), st.integers(-30, 30), st.integers(0, 60))
def test_relative_offset_property(d, k, pos):
    pe = sinusoidal_positions(100, d, dtype=torch.float64)
    m = relative_offset_matrix(d, k, dtype=torch.float64)
    if 0 <= pos + k < 100:
        assert torch.allclose(m @ pe[pos], pe[pos + k], atol=1e-5)
    assert torch.allclose(m @ m.T, torch.eye(d, dtype=torch.float64), atol=1e-12)  # a rotation


def test_relative_offset_matrix_in_float32_for_the_whole_table():
    pe = sinusoidal_positions(64, 16)
    m = relative_offset_matrix(16, 5)
    assert torch.allclose(pe[:-5] @ m.T, pe[5:], atol=1e-5)
    assert torch.equal(relative_offset_matrix(16, 0), torch.eye(16))
    with pytest.raises(ValueError, match="even width"):
        relative_offset_matrix(5, 1)


@pytest.mark.parametrize("cls", [SinusoidalPositions, LearnedPositions])
def test_positions_are_added_with_an_offset(cls):
    torch.manual_seed(0)
    pos = cls(8, 10)
    x = torch.randn(2, 6, 8)
    full = pos(x)
    assert torch.allclose(full - x, pos.positions(6).expand(2, 6, 8), atol=1e-6)
    assert torch.allclose(pos(x[:, 4:], offset=4), full[:, 4:])
    assert pos(torch.randn(1, 10, 8)).shape == (1, 10, 8)  # exactly the block size
    with pytest.raises(ValueError, match=r"sequence of length 11 .* block size max_len=10"):
        pos(torch.randn(1, 11, 8))
    with pytest.raises(ValueError, match=r"length 3 after 8 cached positions .* max_len=10"):
        pos(torch.randn(1, 3, 8), offset=8)
    with pytest.raises(ValueError, match=r"d_model=8"):
        pos(torch.randn(1, 3, 7))


def test_sinusoids_are_not_saved_and_learned_positions_are():
    assert SinusoidalPositions(8, 10).state_dict() == {}
    lp = LearnedPositions(8, 10)
    assert list(lp.state_dict()) == ["weight"] and lp.weight.requires_grad
    assert torch.allclose(SinusoidalPositions(8, 10).positions(10), sinusoidal_positions(10, 8))


def test_recurrent_positions_carry_their_state_across_an_offset():
    torch.manual_seed(0)
    rp = RecurrentPositions(6)
    x = torch.randn(2, 7, 6)
    full = rp(x)
    first, state = rp(x[:, :4], return_state=True)
    rest = rp(x[:, 4:], offset=4, state=state)
    assert torch.allclose(torch.cat([first, rest], 1), full, atol=1e-6)
    y = x.clone()
    y[:, 5:] = 0  # causal: changing later inputs leaves earlier outputs alone
    assert torch.allclose(rp(y)[:, :5], full[:, :5]) and not torch.allclose(rp(y), full)
    with pytest.raises(ValueError, match="cannot start at offset=4 without the GRU state"):
        rp(x[:, 4:], offset=4)
    assert rp(torch.randn(1, 500, 6)).shape == (1, 500, 6)  # no block size
