"""The helpers of the Transformer-block chapter: the character split, the
block loss, the small-GPT runner, gradient norms at initialisation and the cross-attention
weights."""

import math

import numpy as np
import pytest
import torch

from lmkit.models import EncoderDecoder, GPT, GPTConfig, Seq2SeqConfig, toy_pairs
from lmkit.data import CharData, char_split
from lmkit.models.transformer_explore import (block_loss, cross_attention_weights,
                                              grad_norms_at_init, train_char_gpt)

TEXT = "to be, or not to be: that is the question.\n" * 20


def test_char_split_cuts_the_stream_and_decodes_back():
    d = char_split(TEXT, 0.9)
    assert isinstance(d, CharData)
    assert len(d.train) == int(0.9 * len(TEXT)) and len(d.train) + len(d.valid) == len(TEXT)
    assert "".join(d.vocab.decode(np.concatenate([d.train, d.valid]))) == TEXT
    assert len(d.vocab) == len(set(TEXT)) + 1          # + the unknown character


def test_block_loss_is_the_mean_nll_of_the_blocks():
    torch.manual_seed(0)
    model = GPT(GPTConfig(10, 6, 1, 2, 8))
    ids = np.random.default_rng(0).integers(0, 10, 40)
    t = torch.as_tensor(ids)
    x, y = t[:36].view(6, 6), t[1:37].view(6, 6)
    lp = model(x).logits
    want = -lp.gather(2, y[..., None]).mean().item()
    assert block_loss(model, ids) == pytest.approx(want, abs=1e-5)
    assert block_loss(model, ids, max_blocks=2) == pytest.approx(
        -lp[:2].gather(2, y[:2, :, None]).mean().item(), abs=1e-5)
    # an untrained model is near the uniform distribution's ln |V|
    assert abs(block_loss(model, ids) - math.log(10)) < 0.3


def test_train_char_gpt_learns_and_is_repeatable():
    d = char_split(TEXT, 0.8)
    kw = dict(block=16, batch=8, lr=1e-2, warmup=5, n_layer=1, n_head=2, d_model=16,
              eval_blocks=5)
    a = train_char_gpt(d, 60, **kw)
    b = train_char_gpt(d, 60, **kw)
    assert a["valid"] == b["valid"] and a["params"] == a["model"].num_params()
    assert a["valid"] < math.log(len(d.vocab)) - 0.5     # well below uniform
    untied = train_char_gpt(d, 1, **kw, tie_weights=False)
    assert untied["params"] - a["params"] == len(d.vocab) * 16


def test_grad_norms_have_one_entry_per_block():
    cfg = GPTConfig(12, 8, 3, 2, 16)
    x = torch.randint(0, 12, (2, 8))
    g = grad_norms_at_init(cfg, x, x)
    assert g.shape == (3,) and np.all(g > 0)
    assert np.array_equal(g, grad_norms_at_init(cfg, x, x))


def test_cross_attention_weights_are_distributions_over_the_source():
    torch.manual_seed(0)
    model = EncoderDecoder(Seq2SeqConfig(9, 9, 6, 2, 2, 16))
    src, tgt = (torch.as_tensor(a) for a in toy_pairs("reverse", 3, 4, 9))
    w = cross_attention_weights(model, src, tgt[:, :-1])
    assert w.shape == (2, 3, 2, 5, 4)
    assert torch.allclose(w.sum(-1), torch.ones(2, 3, 2, 5), atol=1e-5)


def test_bad_input_gets_a_clear_error():
    with pytest.raises(ValueError, match="at least 2"):
        char_split("a")
    with pytest.raises(ValueError, match="split"):
        char_split(TEXT, 1.0)
    with pytest.raises(TypeError, match="CharData"):
        train_char_gpt("text", 10)
    with pytest.raises(TypeError, match="GPTConfig"):
        grad_norms_at_init({}, torch.zeros(1, 1), torch.zeros(1, 1))
    with pytest.raises(TypeError, match="EncoderDecoder"):
        cross_attention_weights(GPT(GPTConfig(5, 4, 1, 1, 4)), None, None)
