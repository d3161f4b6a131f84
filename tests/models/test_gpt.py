"""GPT: causality, the KV cache, sampling, constrained decoding, tied weights, scoring, training
with the one loop, save/load, and clear errors."""

import numpy as np
import pytest
import torch

from lmkit import Vocab
from lmkit.models import GPT, GPTConfig, load, save
from lmkit.train import train

V = 11


def tiny(**kw) -> GPT:
    torch.manual_seed(0)
    cfg = dict(vocab_size=V, block_size=16, n_layer=2, n_head=2, d_model=16) | kw
    return GPT(GPTConfig(**cfg)).eval()


KINDS = [dict(positions=p) for p in ("learned", "sinusoidal", "rnn", "none")] + [
    dict(norm="post"), dict(use_sdpa=False), dict(tie_qk=True, bias=False)]
IDS = [",".join(f"{k}={v}" for k, v in kw.items()) for kw in KINDS]


@pytest.mark.parametrize("kw", KINDS, ids=IDS)
def test_changing_future_tokens_never_changes_past_logits(kw):
    model = tiny(**kw)
    x = torch.randint(0, V, (3, 16), generator=torch.Generator().manual_seed(1))
    logp = model(x).logits
    assert logp.shape == (3, 16, V)
    assert torch.allclose(logp.exp().sum(-1), torch.ones(3, 16), atol=1e-5)
    for t in (1, 7, 15):
        y = x.clone()
        y[:, t:] = (y[:, t:] + 1) % V
        changed = model(y).logits
        assert torch.allclose(changed[:, :t], logp[:, :t], atol=1e-5)
        assert not torch.allclose(changed[:, t:], logp[:, t:], atol=1e-5)


@pytest.mark.parametrize("kw", KINDS[:4], ids=IDS[:4])
def test_the_kv_cache_reads_token_by_token_what_the_full_pass_reads(kw):
    model = tiny(**kw)
    x = torch.randint(0, V, (2, 12), generator=torch.Generator().manual_seed(2))
    full = model(x).logits
    state = model.new_state()
    parts = [model(x[:, :5], state=state)]
    parts += [model(x[:, t:t + 1], state=state) for t in range(5, 12)]
    assert parts[-1].state is state and state.length == 12
    assert torch.allclose(torch.cat([p.logits for p in parts], 1), full, atol=1e-5)


@pytest.mark.parametrize("kw", KINDS[:4], ids=IDS[:4])
def test_cached_greedy_generation_gives_the_uncached_tokens(kw):
    model = tiny(**kw)
    prompt = torch.tensor([[1, 2, 3], [4, 4, 4]])
    cached = model.generate(prompt, 13, temperature=0, use_cache=True)
    plain = model.generate(prompt, 13, temperature=0, use_cache=False)
    assert cached.shape == (2, 16) and torch.equal(cached[:, :3], prompt)
    assert torch.equal(cached, plain)
    # past block_size the cache restarts from the last block_size // 2 tokens: it runs on
    long = model.generate(prompt[0], 40, temperature=0)
    assert long.shape == (43,) and torch.equal(long[:16], cached[0])


def test_sampling_top_k_temperature_and_seeds():
    model = tiny()
    prompt = torch.tensor([[3, 1]])
    greedy = model.generate(prompt, 10, temperature=0)
    g = torch.Generator().manual_seed(5)
    assert torch.equal(model.generate(prompt, 10, top_k=1, generator=g), greedy)

    def draw(seed, **kw):
        return model.generate(prompt.repeat(4, 1), 12, temperature=1.5, top_k=5,
                              generator=torch.Generator().manual_seed(seed), **kw)
    assert torch.equal(draw(7), draw(7))
    assert torch.equal(draw(7), draw(7, use_cache=False))
    assert not torch.equal(draw(7), draw(8))
    assert model.training is False and tiny().train().generate(prompt, 2).shape == (1, 4)


def test_constrained_decoding_never_emits_a_disallowed_token():
    """Like the Tang poems: every third position is punctuation (id 0), the others are not."""
    model = tiny()

    def allowed(seq):
        mask = torch.zeros(seq.shape[0], V, dtype=torch.bool)
        if seq.shape[1] % 3 == 2:
            mask[:, 0] = True
        else:
            mask[:, 5:] = True
        return mask
    out = model.generate(torch.tensor([[0, 7]] * 5), 30, temperature=2.0, allowed=allowed,
                         generator=torch.Generator().manual_seed(0))
    new = out[:, 2:]
    pos = torch.arange(2, 32)
    assert torch.all(new[:, pos % 3 == 2] == 0)
    assert torch.all(new[:, pos % 3 != 2] >= 5)
    evens = model.generate(torch.tensor([1]), 20, temperature=0,
                           allowed=lambda seq: torch.arange(V) % 2 == 0)
    assert torch.all(evens[1:] % 2 == 0)


def test_tied_weights_share_one_matrix_and_save_and_load_round_trip(tmp_path):
    tied, untied = tiny(), tiny(tie_weights=False)
    assert tied.emb.weight is tied.output.proj.weight
    assert tied.num_params() == untied.num_params() - V * 16
    assert tied.num_params(non_embedding=True) == tied.num_params() - V * 16 - 16 * 16
    assert untied.num_params(non_embedding=True) == untied.num_params() - V * 16 - 16 * 16
    blk = tied.blocks[0]
    assert blk.attn.w_o.weight.std().item() == pytest.approx(0.02 / 2, rel=0.2)   # 1/sqrt(2 L)
    assert blk.attn.w_q.weight.std().item() == pytest.approx(0.02, rel=0.2)
    with torch.no_grad():
        for p in tied.parameters():
            p.add_(0.1 * torch.randn_like(p))
    x = torch.randint(0, V, (2, 9))
    twin = tiny()
    twin.load_state_dict(tied.state_dict())
    assert torch.equal(twin(x).logits, tied(x).logits)
    path = save(tied, tmp_path / "gpt.pt")
    again = load(path)
    assert again.config == tied.config and again.emb.weight is again.output.proj.weight
    assert torch.equal(again.eval()(x).logits, tied(x).logits)


def test_a_periodic_copy_task_is_learned_with_the_one_training_loop():
    """Each row repeats a random pattern of 3 tokens: after the first period every token is a
    copy of the one 3 positions back."""
    def batches(seed=0, B=32):
        g = torch.Generator().manual_seed(seed)
        while True:
            s = torch.randint(0, 10, (B, 3), generator=g).repeat(1, 5)
            yield s[:, :-1], s[:, 1:]
    x, y = next(batches(99, 256))
    torch.manual_seed(0)
    model = GPT(GPTConfig(10, 15, 1, 2, 32))

    def copied():
        logp = model.eval()(x).logits[:, 3:]
        return -logp.gather(2, y[:, 3:, None]).mean().item()
    before = copied()
    hist = train(model, batches(), steps=60, lr=1e-2, warmup=5, progress=False)
    assert before > 2.0 and copied() < 0.5
    assert hist["train_loss"][-1][1] < hist["train_loss"][0][1]


def test_label_smoothing_trains_on_the_smoothed_loss_and_evaluates_the_exact_one():
    x = torch.randint(0, V, (2, 8))
    smooth, plain = tiny(label_smoothing=0.1), tiny()
    assert torch.equal(smooth(x, x).loss, plain(x, x).loss)            # eval: exact NLL
    assert smooth.train()(x, x).loss > plain.train()(x, x).loss


def test_streams_and_sentences_are_scored_with_a_window_of_block_size():
    model = tiny(block_size=8)
    ids = np.random.default_rng(0).integers(0, V, 30)
    t = torch.as_tensor(ids)
    slide = model.stream_logprobs(ids, length=1, batch=4)
    ref = [model(t[max(0, i - 7): i + 1][None]).logits[0, -1, ids[i + 1]].item() for i in range(29)]
    assert np.allclose(slide, ref, atol=1e-5)
    blocks = model.stream_logprobs(ids)       # blocks of 8; the last one ends at the stream's end
    ref = [model(t[min(8 * (i // 8), 21): i + 1][None]).logits[0, -1, ids[i + 1]].item()
           for i in range(29)]
    assert np.allclose(blocks, ref, atol=1e-5)
    assert np.allclose(model.stream_logprobs(ids, length=3, batch=2)[:8], slide[:8], atol=1e-6)
    text = [list("the cat"), list("a hat")]
    vocab = Vocab(text)
    lm = GPT(GPTConfig(len(vocab), 8, 1, 1, 8), vocab=vocab)
    lp = lm.token_logprobs(text)
    assert lp.shape == (14,) and np.all(lp < 0) and lm.perplexity(text) > 1


def test_bad_input_gets_a_clear_error():
    model = tiny()
    with pytest.raises(ValueError, match=r"d_model \(30\) must be divisible by n_head \(4\).*"
                                         r"d_model=32 or n_head=3"):
        GPTConfig(V, 8, 1, 4, 30)
    with pytest.raises(ValueError, match=r"x has 17 tokens but .* block_size=16: crop the "
                                         r"context to its last 16 tokens"):
        model(torch.zeros(1, 17, dtype=torch.long))
    state = model.new_state()
    model(torch.zeros(1, 10, dtype=torch.long), state=state)
    with pytest.raises(ValueError, match="the cache holds 10 tokens and x adds 7"):
        model(torch.zeros(1, 7, dtype=torch.long), state=state)
    for empty in (torch.zeros(1, 0, dtype=torch.long), torch.zeros(0, dtype=torch.long)):
        with pytest.raises(ValueError, match="at least one token"):
            model.generate(empty, 5)
    with pytest.raises(ValueError, match="must hold word ids in"):
        model.generate(torch.tensor([[V]]), 5)
    with pytest.raises(ValueError, match="temperature must be"):
        model.generate(torch.tensor([[1]]), 5, temperature=-1)
    with pytest.raises(ValueError, match="top_k"):
        model.generate(torch.tensor([[1]]), 5, top_k=0)
    with pytest.raises(ValueError, match="bool tensor of shape"):
        model.generate(torch.tensor([[1]]), 5, allowed=lambda s: torch.ones(3, dtype=torch.bool))
    with pytest.raises(ValueError, match="permits no token"):
        model.generate(torch.tensor([[1]]), 5, allowed=lambda s: torch.zeros(V, dtype=torch.bool))
    with pytest.raises(TypeError, match="state must be a GPTState"):
        model(torch.zeros(1, 3, dtype=torch.long), state=[None])
    with pytest.raises(ValueError, match="positions must be one of"):
        GPTConfig(V, 8, 1, 1, 8, positions="rotary")
    with pytest.raises(ValueError, match="tie_weights=True needs"):
        GPTConfig(V, 8, 1, 1, 8, output="class")
    with pytest.raises(ValueError, match="label_smoothing"):
        GPTConfig(V, 8, 1, 1, 8, label_smoothing=1.0)
    with pytest.raises(ValueError, match="targets must have shape"):
        model(torch.zeros(2, 3, dtype=torch.long), torch.zeros(2, 4, dtype=torch.long))
    with pytest.raises(ValueError, match="normalise=True"):
        model.stream_logprobs(np.arange(5), normalise=False)


@pytest.mark.parametrize("output", ["class", "hierarchical", "nce"])
def test_other_output_layers_start_from_the_counts_and_round_trip(output, tmp_path):
    counts = np.arange(1, V + 1) * 10.0
    cfg = GPTConfig(V, 8, 1, 2, 8, output=output, k=3 if output == "nce" else None,
                    tie_weights=output == "nce")
    torch.manual_seed(0)
    model = GPT(cfg, counts=counts).eval()
    x = torch.randint(0, V, (2, 8))
    logp = model(x).logits
    assert torch.allclose(logp.exp().sum(-1), torch.ones(2, 8), atol=1e-5)
    if output == "nce":   # the unigram start: frequent ids are likelier
        assert torch.all(logp[..., -1] > logp[..., 0])
    again = load(save(model, tmp_path / "m.pt"))
    assert torch.allclose(again.eval()(x).logits, logp, atol=1e-6)
