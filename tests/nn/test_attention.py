"""lmkit.nn.attention: the weights are distributions, masks hide exactly, the written-out path
equals torch's SDPA, the KV cache equals full causal attention, heads are column blocks."""

import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from lmkit.nn import (NEG_INF, KVCache, MultiHeadAttention, causal_mask, padding_mask,
                      scaled_dot_product)
from lmkit.nn.attention import attention

shapes = st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 6), st.integers(1, 6),
                   st.integers(1, 5), st.integers(0, 2 ** 16))


def qkv(B, h, T_q, T_k, d, seed=0, d_v=None):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(B, h, T_q, d, generator=g), torch.randn(B, h, T_k, d, generator=g),
            torch.randn(B, h, T_k, d_v or d, generator=g))


def test_the_notes_masking_example():
    p = torch.softmax(torch.tensor([1.0, 2.0, NEG_INF]), 0)
    assert torch.allclose(p, torch.tensor([0.2689, 0.7311, 0.0]), atol=1e-4) and p[2] == 0
    # the same through attention: one query, keys scoring 1, 2 and a masked third
    q = torch.tensor([[[1.0]]])
    k = torch.tensor([[[1.0], [2.0], [5.0]]])
    _, w = scaled_dot_product(q, k, torch.eye(3)[None], mask=torch.tensor([[True, True, False]]))
    assert torch.allclose(w[0, 0], torch.tensor([0.2689, 0.7311, 0.0]), atol=1e-4)


@given(shapes)
def test_weights_are_distributions_and_masked_weights_are_exactly_zero(s):
    B, h, T_q, T_k, d, seed = s
    q, k, v = qkv(B, h, T_q, T_k, d, seed)
    mask = torch.rand(B, 1, T_q, T_k, generator=torch.Generator().manual_seed(seed)) < 0.6
    mask[..., 0] = True  # every query sees at least one key
    out, w = scaled_dot_product(q, k, v, mask)
    assert torch.allclose(w.sum(-1), torch.ones(B, h, T_q), atol=1e-6)
    assert (w >= 0).all() and (w.masked_select(~mask.expand_as(w)) == 0).all()
    assert torch.allclose(out, w @ v, atol=1e-6)


def test_the_scores_are_scaled_by_sqrt_dk():
    q, k, v = qkv(1, 1, 2, 4, 16)
    _, w = scaled_dot_product(q, k, v)
    assert torch.allclose(w, torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(16), -1), atol=1e-6)


@given(shapes, st.sampled_from(["none", "causal", "padding", "random"]))
def test_own_attention_equals_sdpa(s, kind):
    B, h, T_q, T_k, d, seed = s
    if kind == "causal":
        T_k = max(T_k, T_q)
    q, k, v = qkv(B, h, T_q, T_k, d, seed, d_v=d + 1)  # cross-attention: T_k != T_q, d_v != d_k
    g = torch.Generator().manual_seed(seed + 1)
    mask = {"none": lambda: None, "causal": lambda: causal_mask(T_q, T_k),
            "padding": lambda: padding_mask(torch.randint(1, T_k + 1, (B,), generator=g), T_k),
            "random": lambda: torch.rand(B, h, T_q, T_k, generator=g) < 0.5}[kind]()
    assert torch.allclose(attention(q, k, v, mask), attention(q, k, v, mask, use_sdpa=True),
                          atol=1e-5)
    if T_k >= T_q:  # the causal flag, with and without another mask
        assert torch.allclose(attention(q, k, v, mask, causal=True),
                              attention(q, k, v, mask, causal=True, use_sdpa=True), atol=1e-5)


def test_a_query_that_sees_no_key_gets_zero_weights_on_both_paths():
    q, k, v = qkv(1, 2, 3, 4, 5)
    mask = torch.ones(3, 4, dtype=torch.bool)
    mask[1] = False
    out, w = scaled_dot_product(q, k, v, mask)
    assert (w[..., 1, :] == 0).all() and (out[..., 1, :] == 0).all()
    assert torch.allclose(out, attention(q, k, v, mask, use_sdpa=True), atol=1e-6)
    bias = torch.randn(3, 4)
    for m in (mask, None):
        assert torch.allclose(attention(q, k, v, m, bias=bias),
                              attention(q, k, v, m, bias=bias, use_sdpa=True), atol=1e-5)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_masking_in_half_precision(dtype):
    q, k, v = (t.to(dtype) for t in qkv(2, 2, 5, 5, 8))
    mask = padding_mask(torch.tensor([3, 5]))
    out, w = scaled_dot_product(q, k, v, mask, causal=True)
    assert torch.isfinite(out).all() and (w[0, ..., 3:] == 0).all()
    sdpa = attention(q, k, v, mask, causal=True, use_sdpa=True)
    assert torch.allclose(out.float(), sdpa.float(), atol=2e-2)


def test_causal_is_the_causal_mask_and_takes_sdpas_is_causal_path():
    q, k, v = qkv(2, 2, 5, 5, 4)
    ref = attention(q, k, v, causal_mask(5))
    assert torch.allclose(attention(q, k, v, causal=True, use_sdpa=True), ref, atol=1e-6)
    assert torch.allclose(attention(q, k, v, causal=True), ref, atol=1e-6)


def test_a_single_causal_query_sees_every_key_without_building_a_mask():
    """One query (the newest position, as in cached decoding) may see all the keys, so
    ``causal=True`` adds no mask there; a padding mask still applies."""
    q, k, v = qkv(2, 2, 1, 6, 4)
    for sdpa in (False, True):
        assert torch.allclose(attention(q, k, v, causal=True, use_sdpa=sdpa),
                              attention(q, k, v, causal_mask(1, 6)), atol=1e-6)
    pad = padding_mask(torch.tensor([4, 6]), 6)
    assert torch.allclose(attention(q, k, v, pad, causal=True),
                          attention(q, k, v, pad & causal_mask(1, 6)), atol=1e-6)


def test_causal_mask_is_end_aligned():
    assert causal_mask(3).tolist() == [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
    m = causal_mask(2, 4)  # two new queries at positions 2 and 3 after two cached keys
    assert m.tolist() == [[1, 1, 1, 0], [1, 1, 1, 1]]
    assert causal_mask(0, 3).shape == (0, 3)
    with pytest.raises(ValueError, match="T_k >= T_q"):
        causal_mask(4, 2)


def test_padding_mask_forms():
    lengths = torch.tensor([3, 1])
    expected = [[[[True, True, True, False]]], [[[True, False, False, False]]]]
    assert padding_mask(lengths, 4).tolist() == expected
    assert padding_mask(lengths).shape == (2, 1, 1, 3)
    ids = torch.tensor([[5, 6, 7, 0], [8, 0, 0, 0]])
    assert padding_mask(ids, pad_id=0).tolist() == expected
    assert padding_mask(ids != 0).tolist() == expected
    with pytest.raises(ValueError, match="pad_id="):
        padding_mask(ids)  # ids without pad_id: ambiguous
    with pytest.raises(ValueError, match="lengths must be >= 0"):
        padding_mask(torch.tensor([2, -1]))
    with pytest.raises(TypeError, match="tensor of lengths"):
        padding_mask([3, 1])


def test_padding_keys_do_not_change_the_real_outputs():
    torch.manual_seed(0)
    mha = MultiHeadAttention(8, 2)
    x = torch.randn(1, 5, 8)
    mask = padding_mask(torch.tensor([3]), 5)
    y = x.clone()
    y[:, 3:] = torch.randn(1, 2, 8)  # change the padding
    assert torch.allclose(mha(x, mask=mask)[:, :3], mha(y, mask=mask)[:, :3], atol=1e-6)
    assert torch.allclose(mha(x, mask=mask)[:, :3], mha(x[:, :3]), atol=1e-6)


@pytest.mark.parametrize("tie_qk", [False, True])
def test_multihead_sdpa_and_own_paths_agree(tie_qk):
    torch.manual_seed(0)
    a = MultiHeadAttention(12, 3, tie_qk=tie_qk, use_sdpa=True)
    b = MultiHeadAttention(12, 3, tie_qk=tie_qk, use_sdpa=False)
    b.load_state_dict(a.state_dict())
    x, ctx = torch.randn(2, 5, 12), torch.randn(2, 7, 12)
    for kw in ({}, {"causal": True}, {"mask": padding_mask(torch.tensor([2, 5]))}):
        assert torch.allclose(a(x, **kw), b(x, **kw), atol=1e-5)
    pad = padding_mask(torch.tensor([7, 4]))
    assert torch.allclose(a(x, context=ctx, mask=pad), b(x, context=ctx, mask=pad), atol=1e-5)


def test_multihead_is_a_loop_over_heads_of_column_blocks():
    """Project, then split: head i uses columns i d_k ... (i+1) d_k - 1 of W^Q, W^K, W^V and
    the rows of the same block of W^O."""
    torch.manual_seed(0)
    d, h = 12, 3
    dk = d // h
    mha = MultiHeadAttention(d, h, use_sdpa=False)
    x, ctx = torch.randn(2, 4, d), torch.randn(2, 6, d)
    Wq, Wk, Wv, Wo = (m.weight.T for m in (mha.w_q, mha.w_k, mha.w_v, mha.w_o))
    bq, bk, bv = mha.w_q.bias, mha.w_k.bias, mha.w_v.bias
    heads = []
    for i in range(h):
        cols = slice(i * dk, (i + 1) * dk)
        Q = x @ Wq[:, cols] + bq[cols]
        K, V = ctx @ Wk[:, cols] + bk[cols], ctx @ Wv[:, cols] + bv[cols]
        heads.append(torch.softmax(Q @ K.transpose(1, 2) / math.sqrt(dk), -1) @ V)
    expected = torch.cat(heads, -1) @ Wo + mha.w_o.bias
    assert torch.allclose(mha(x, context=ctx, keep_weights=True), expected, atol=1e-5)
    assert mha.weights.shape == (2, h, 4, 6)
    assert torch.allclose(mha.weights.sum(-1), torch.ones(2, h, 4), atol=1e-6)


def test_cached_incremental_attention_equals_full_causal_attention():
    torch.manual_seed(0)
    mha = MultiHeadAttention(16, 4).eval()
    x = torch.randn(2, 9, 16)
    full = mha(x, causal=True)
    cache = KVCache()
    steps = [mha(x[:, :3], causal=True, cache=cache)]  # a prompt of 3, then one at a time
    for t in range(3, 9):
        assert cache.length == t
        steps.append(mha(x[:, t:t + 1], causal=True, cache=cache))
    assert torch.allclose(torch.cat(steps, 1), full, atol=1e-5)
    assert cache.k.shape == (2, 4, 9, 4)
    k = cache.k
    cache.reorder(torch.tensor([1, 1, 0]))  # beam search: rows follow the surviving prefixes
    assert torch.equal(cache.k, k[[1, 1, 0]]) and cache.v.shape == (3, 4, 9, 4)
    cache.reset()
    assert cache.length == 0 and cache.k is None


def test_kv_cache_refuses_another_batch():
    c = KVCache()
    c.append(torch.zeros(2, 1, 3, 4), torch.zeros(2, 1, 3, 4))
    with pytest.raises(ValueError, match="reset"):
        c.append(torch.zeros(1, 1, 1, 4), torch.zeros(1, 1, 1, 4))


def test_tied_qk_has_exactly_d_squared_plus_bias_fewer_parameters():
    def n(m):
        return sum(p.numel() for p in m.parameters())
    d = 16
    assert n(MultiHeadAttention(d, 4)) - n(MultiHeadAttention(d, 4, tie_qk=True)) == d * d + d
    assert n(MultiHeadAttention(d, 4, bias=False)) - n(MultiHeadAttention(d, 4, bias=False, tie_qk=True)) == d * d
    tied = MultiHeadAttention(d, 4, tie_qk=True, use_sdpa=False)
    x = torch.randn(1, 3, d)
    tied(x, keep_weights=True)
    scores = tied.split(tied.w_q(x)) @ tied.split(tied.w_q(x)).transpose(-2, -1)
    assert torch.allclose(scores, scores.transpose(-2, -1))  # Q = K: symmetric scores
    assert torch.allclose(tied.weights, torch.softmax(scores / 2, -1), atol=1e-6)


def test_bad_inputs():
    with pytest.raises(ValueError, match=r"d_model=10 is not divisible by n_heads=4.*e\.g\. 12"):
        MultiHeadAttention(10, 4)
    with pytest.raises(TypeError, match="n_heads must be an integer"):
        MultiHeadAttention(8, 2.0)
    with pytest.raises(ValueError, match="dropout"):
        MultiHeadAttention(8, 2, dropout=1.0)
    q, k, v = qkv(2, 2, 3, 4, 5)
    bad = torch.ones(3, 3, dtype=torch.bool)
    for use_sdpa in (False, True):
        with pytest.raises(ValueError, match=r"mask of shape \(3, 3\) does not broadcast to the "
                                             r"attention scores' shape \(2, 2, 3, 4\).*T_q=3, T_k=4"):
            attention(q, k, v, bad, use_sdpa=use_sdpa)
        with pytest.raises(TypeError, match="mask must be a bool tensor"):
            attention(q, k, v, torch.ones(3, 4), use_sdpa=use_sdpa)
    mha = MultiHeadAttention(8, 2)
    with pytest.raises(ValueError, match=r"x must have shape \(batch, T, d_model=8\), got \(3, 8\)"):
        mha(torch.randn(3, 8))
    with pytest.raises(ValueError, match="context must have shape"):
        mha(torch.randn(1, 3, 8), context=torch.randn(1, 3, 6))
    with pytest.raises(ValueError, match=r"mask of shape \(1, 1, 1, 5\)"):
        mha(torch.randn(1, 3, 8), mask=padding_mask(torch.tensor([5])))
