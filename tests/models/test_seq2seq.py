"""The encoder-decoder Transformer: the toy tasks, masks, learning "reverse" to 100% exact match
with the one training loop, greedy decoding and beam search, and clear errors."""

import numpy as np
import pytest
import torch

from lmkit.models import EncoderDecoder, Seq2SeqConfig, toy_pairs
from lmkit.models.seq2seq import BOS, EOS, IGNORE
from lmkit.train import shuffled_batches, train

V, L = 13, 5


def tiny(**kw) -> EncoderDecoder:
    torch.manual_seed(0)
    return EncoderDecoder(Seq2SeqConfig(**(dict(src_vocab=V, tgt_vocab=V, max_len=L + 1,
                                                n_layer=2, n_head=2, d_model=16) | kw))).eval()


def test_toy_pairs_follow_the_documented_conventions():
    src, tgt = toy_pairs("reverse", 50, L, V, seed=3)
    assert src.shape == (50, L) and tgt.shape == (50, L + 2) and src.dtype == np.int64
    assert np.all(tgt[:, 0] == BOS) and np.all(tgt[:, -1] == EOS)
    assert np.array_equal(tgt[:, 1:-1], src[:, ::-1]) and src.min() >= 3 and src.max() < V
    s, t = toy_pairs("sort", 50, L, V, seed=3)
    assert np.array_equal(s, src) and np.array_equal(t[:, 1:-1], np.sort(src, 1))
    assert np.array_equal(toy_pairs("reverse", 50, L, V, seed=3)[0], src)
    assert not np.array_equal(toy_pairs("reverse", 50, L, V, seed=4)[0], src)


def test_the_decoder_is_causal_and_the_encoder_sees_the_whole_source():
    model = tiny()
    src, tgt = (torch.as_tensor(a) for a in toy_pairs("reverse", 4, L, V))
    tin = tgt[:, :-1]
    logp = model(src, tin).logits
    assert logp.shape == (4, L + 1, V)
    assert torch.allclose(logp.exp().sum(-1), torch.ones(4, L + 1), atol=1e-5)
    later = tin.clone()
    later[:, 3:] = (later[:, 3:] + 1) % V
    assert torch.allclose(model(src, later).logits[:, :3], logp[:, :3], atol=1e-5)
    other = src.clone()
    other[:, -1] = (other[:, -1] - 2) % (V - 3) + 3
    assert not torch.allclose(model(other, tin).logits[:, 0], logp[:, 0], atol=1e-5)


def test_source_padding_is_never_attended_and_ignored_targets_cost_nothing():
    model = tiny()
    src, tgt = (torch.as_tensor(a) for a in toy_pairs("reverse", 3, L, V))
    pad = torch.zeros_like(src, dtype=torch.bool)
    pad[:, 3:] = True
    a = model(src, tgt[:, :-1], src_pad=pad).logits
    other = src.clone()
    other[:, 3:] = 0
    assert torch.allclose(model(other, tgt[:, :-1], src_pad=pad).logits, a, atol=1e-6)
    y = tgt[:, 1:].clone()
    loss = model(src, tgt[:, :-1], y).loss
    y2 = y.clone()
    y2[:, -1] = IGNORE
    lp = model(src, tgt[:, :-1]).logits
    nll = -lp[:, :-1].gather(2, y[:, :-1, None]).mean()     # the mean over the kept targets
    assert torch.allclose(model(src, tgt[:, :-1], y2).loss, nll, atol=1e-6)
    assert not torch.allclose(loss, nll)


def test_reverse_is_learned_to_full_exact_match_and_beam_one_is_greedy(tmp_path):
    src, tgt = toy_pairs("reverse", 4000, L, V, seed=0)
    test_src, test_tgt = toy_pairs("reverse", 200, L, V, seed=1)
    torch.manual_seed(0)
    model = EncoderDecoder(Seq2SeqConfig(V, V, L + 1, 1, 4, 64))
    data = {"src": src, "tgt_in": tgt[:, :-1], "targets": tgt[:, 1:]}
    train(model, shuffled_batches(data, 64), steps=200, lr=3e-3, warmup=20, progress=False)
    x = torch.as_tensor(test_src)
    greedy = model.greedy_decode(x, BOS, EOS, L + 1)
    assert [g[0] for g in greedy] == test_tgt[:, 1:-1].tolist()          # 100% exact match
    one = model.beam_search(x[:30], BOS, EOS, L + 1, beam=1)
    assert [b[0] for b in one] == [g[0] for g in greedy[:30]]
    assert np.allclose([b[1] for b in one], [g[1] for g in greedy[:30]], atol=1e-4)
    four = model.beam_search(x[:30], BOS, EOS, L + 1, beam=4, length_penalty=0.6)
    assert [b[0] for b in four] == test_tgt[:30, 1:-1].tolist()
    # the log-probability reported is the model's, eos included
    tokens, lp = four[0]
    t = torch.tensor([[BOS, *tokens, EOS]])
    scored = model(x[:1], t[:, :-1]).logits[0].gather(1, t[0, 1:, None]).sum().item()
    assert lp == pytest.approx(scored, abs=1e-4)
    twin = tiny(n_layer=1, n_head=4, d_model=64)
    twin.load_state_dict(model.state_dict())
    assert twin.greedy_decode(x[:20], BOS, EOS, L + 1) == greedy[:20]


def test_decoding_stops_at_max_len_without_eos():
    model = tiny()
    src = torch.as_tensor(toy_pairs("sort", 3, L, V)[0])
    for out in (model.greedy_decode(src, BOS, EOS, 2), model.beam_search(src, BOS, EOS, 2, beam=3)):
        assert len(out) == 3 and all(len(t) <= 2 and EOS not in t for t, _ in out)


def test_bad_input_gets_a_clear_error():
    model = tiny()
    src = torch.as_tensor(toy_pairs("reverse", 2, L, V)[0])
    tin = torch.ones(2, 3, dtype=torch.long)
    with pytest.raises(ValueError, match=r"d_model \(30\) must be divisible by n_head \(4\)"):
        Seq2SeqConfig(V, V, 8, 1, 4, 30)
    with pytest.raises(ValueError, match="norm must be"):
        Seq2SeqConfig(V, V, 8, 1, 1, 8, norm="sandwich")
    with pytest.raises(TypeError, match="built from a Seq2SeqConfig"):
        EncoderDecoder(dict(src_vocab=V))
    with pytest.raises(ValueError, match=r"src has 7 tokens but the model reads at most max_len=6"):
        model(torch.ones(2, 7, dtype=torch.long), tin)
    with pytest.raises(ValueError, match=r"tgt_in must hold ids in \[0, 13\)"):
        model(src, tin + V)
    with pytest.raises(ValueError, match="one row per pair"):
        model(src, tin[:1])
    with pytest.raises(ValueError, match="targets must be a tensor of tgt_in's shape"):
        model(src, tin, tin[:, :2])
    with pytest.raises(ValueError, match="src_pad must be a bool tensor"):
        model(src, tin, src_pad=(src > 5).long())
    with pytest.raises(ValueError, match="max_len"):
        model.greedy_decode(src, BOS, EOS, 7)
    with pytest.raises(ValueError, match="beam must be"):
        model.beam_search(src, BOS, EOS, 3, beam=0)
    with pytest.raises(TypeError, match="torch.long tensor"):
        model.greedy_decode(src.float(), BOS, EOS, 3)
    with pytest.raises(ValueError, match="task must be 'reverse' or 'sort'"):
        toy_pairs("copy")
    with pytest.raises(ValueError, match="vocab"):
        toy_pairs("sort", vocab=3)
