"""lmkit.nn.blocks: causal stacks never look ahead, encoders do, caches equal full runs, pre-
and post-norm differ, cross-attention reads the context, bad arguments are refused."""

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from lmkit.nn import Block, Decoder, Encoder, FeedForward, padding_mask

D, H = 16, 4


def n_params(m):
    return sum(p.numel() for p in m.parameters())


@given(st.integers(1, 7), st.sampled_from(["pre", "post"]), st.booleans())
def test_changing_future_tokens_never_changes_past_outputs(t, norm, use_sdpa):
    torch.manual_seed(0)
    dec = Decoder(2, D, H, norm=norm, cross_attention=False, use_sdpa=use_sdpa).eval()
    x = torch.randn(2, 8, D)
    y = x.clone()
    y[:, t:] = torch.randn(2, 8 - t, D)
    a, b = dec(x), dec(y)
    assert torch.allclose(a[:, :t], b[:, :t], atol=1e-6)
    assert not torch.allclose(a[:, t:], b[:, t:], atol=1e-3)


def test_an_encoder_is_bidirectional():
    torch.manual_seed(0)
    enc = Encoder(2, D, H).eval()
    x = torch.randn(1, 6, D)
    y = x.clone()
    y[:, 5] = torch.randn(D)
    assert not torch.allclose(enc(x)[:, 0], enc(y)[:, 0], atol=1e-3)  # the past sees the future
    mask = padding_mask(torch.tensor([5]), 6)  # ... unless the changed token is padding
    assert torch.allclose(enc(x, mask=mask)[:, :5], enc(y, mask=mask)[:, :5], atol=1e-6)


@pytest.mark.parametrize("cross", [False, True])
def test_decoding_with_caches_equals_the_full_causal_run(cross):
    torch.manual_seed(0)
    dec = Decoder(3, D, H, cross_attention=cross).eval()
    x, ctx = torch.randn(2, 7, D), torch.randn(2, 5, D)
    kw = {"context": ctx, "context_mask": padding_mask(torch.tensor([5, 3]))} if cross else {}
    full = dec(x, **kw)
    caches = dec.new_caches()
    steps = [dec(x[:, :2], caches=caches, **kw)]
    steps += [dec(x[:, t:t + 1], caches=caches, **kw) for t in range(2, 7)]
    assert torch.allclose(torch.cat(steps, 1), full, atol=1e-5)
    assert [c.length for c in caches] == [7, 7, 7]
    with pytest.raises(ValueError, match=r"one KVCache per layer \(3\), got 2"):
        dec(x, caches=caches[:2], **kw)


def test_cross_attention_reads_the_context_and_its_mask():
    torch.manual_seed(0)
    dec = Decoder(1, D, H).eval()
    x, ctx = torch.randn(1, 4, D), torch.randn(1, 5, D)
    other = ctx.clone()
    other[:, 4] = torch.randn(D)
    assert not torch.allclose(dec(x, context=ctx), dec(x, context=other), atol=1e-3)
    m = padding_mask(torch.tensor([4]), 5)
    assert torch.allclose(dec(x, context=ctx, context_mask=m),
                          dec(x, context=other, context_mask=m), atol=1e-6)


def test_pre_and_post_norm_run_and_differ():
    torch.manual_seed(0)
    pre = Block(D, H, norm="pre")
    post = Block(D, H, norm="post")
    post.load_state_dict(pre.state_dict())  # same weights, different wiring
    x = torch.randn(2, 5, D)
    a, b = pre(x), post(x)
    assert a.shape == b.shape == x.shape and not torch.allclose(a, b, atol=1e-3)
    # post-norm ends in a layer norm: each position has mean 0 and variance 1
    assert torch.allclose(b.mean(-1), torch.zeros(2, 5), atol=1e-5)
    f = lambda h: pre.attn(h)  # noqa: E731
    h = x + f(pre.ln_1(x))
    assert torch.allclose(a, h + pre.ffn(pre.ln_2(h)), atol=1e-6)  # x + f(LN(x)), twice
    assert Encoder(2, D, H, norm="post").ln_f is None and Encoder(2, D, H).ln_f is not None


def test_parameter_counts():
    d_ff = 4 * D
    attn = 4 * (D * D + D)
    ffn = D * d_ff + d_ff + d_ff * D + D
    assert n_params(FeedForward(D, d_ff)) == ffn
    assert n_params(Block(D, H)) == attn + ffn + 2 * 2 * D
    assert n_params(Block(D, H, cross_attention=True)) == 2 * attn + ffn + 3 * 2 * D
    assert n_params(Block(D, H)) - n_params(Block(D, H, tie_qk=True)) == D * D + D
    assert n_params(Decoder(2, D, H, cross_attention=False)) == 2 * n_params(Block(D, H)) + 2 * D
    assert n_params(Block(D, H, bias=False)) == 4 * D * D + 2 * D * d_ff + 2 * D


def test_feed_forward_activations():
    torch.manual_seed(0)
    ff = FeedForward(D, 8, activation="relu")
    x = torch.randn(3, D)
    assert torch.allclose(ff(x), torch.relu(x @ ff.w_1.weight.T + ff.w_1.bias) @ ff.w_2.weight.T
                          + ff.w_2.bias, atol=1e-6)


def test_dropout_only_in_training():
    torch.manual_seed(0)
    block = Block(D, H, dropout=0.5)
    x = torch.randn(2, 5, D)
    assert not torch.allclose(block(x), block(x))
    block.eval()
    assert torch.equal(block(x), block(x))


def test_keep_weights_for_plots():
    torch.manual_seed(0)
    dec = Decoder(2, D, H).eval()
    x, ctx = torch.randn(1, 4, D), torch.randn(1, 6, D)
    out = dec(x, context=ctx, keep_weights=True)
    assert torch.allclose(out, dec(x, context=ctx), atol=1e-5)
    w = dec.blocks[0].attn.weights
    assert w.shape == (1, H, 4, 4) and (w.triu(1) == 0).all()
    assert dec.blocks[1].cross.weights.shape == (1, H, 4, 6)


def test_bad_inputs():
    with pytest.raises(ValueError, match="norm must be 'pre'"):
        Block(D, H, norm="sandwich")
    with pytest.raises(ValueError, match="activation must be one of"):
        FeedForward(D, 8, activation="swish")
    with pytest.raises(ValueError, match="d_model=10 is not divisible by n_heads=4"):
        Encoder(1, 10, 4)
    with pytest.raises(ValueError, match="n_layers must be an integer"):
        Decoder(0, D, H)
    with pytest.raises(ValueError, match="needs context="):
        Decoder(1, D, H)(torch.randn(1, 3, D))
    with pytest.raises(ValueError, match="without cross-attention"):
        Block(D, H)(torch.randn(1, 3, D), context=torch.randn(1, 3, D))
    with pytest.raises(ValueError, match=r"mask of shape \(1, 1, 1, 4\) does not broadcast"):
        Encoder(1, D, H)(torch.randn(1, 3, D), mask=padding_mask(torch.tensor([4])))
