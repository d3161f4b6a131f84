"""Recurrent models: stateless forward, learning with the state carried by the loop, tied
embeddings, batched stream scoring, NCE's raw scores."""

import numpy as np
import pytest
import torch

import lmkit
from lmkit.models import RNNConfig, RNNLM, load, save
from lmkit.train import bptt_batches, ngram_batches, train

STREAM = np.tile(np.array([3, 4, 5, 6, 7, 8, 2]), 300)  # a deterministic "language"


@pytest.mark.parametrize("cell", ["lstm", "rnn"])
def test_forward_is_stateless_and_the_state_goes_in_and_out(cell):
    torch.manual_seed(0)
    model = RNNLM(RNNConfig(10, 8, 16, cell=cell, layers=2)).eval()
    x = torch.randint(0, 10, (3, 12))
    whole = model(x)
    first = model(x[:, :5])
    second = model(x[:, 5:], state=first.state)
    assert torch.allclose(torch.cat([first.logits, second.logits], 1), whole.logits, atol=1e-6)
    for a, b in zip(*(o.state if cell == "lstm" else (o.state,) for o in (second, whole))):
        assert torch.allclose(a, b, atol=1e-6)
    assert torch.equal(model(x).logits, whole.logits)        # nothing kept between calls
    assert not hasattr(model, "reset") and "state" not in vars(model)
    with pytest.raises(ValueError, match="state=None to start new texts"):
        model(x[:2], state=first.state)


@pytest.mark.parametrize("cell, output", [("lstm", "hierarchical"), ("rnn", "nce")])
def test_recurrent_models_learn_and_round_trip_through_save(cell, output, tmp_path):
    torch.manual_seed(0)
    counts = np.bincount(STREAM, minlength=10)
    cfg = RNNConfig(10, 8, 16, cell=cell, output=output, k=5 if output == "nce" else None)
    model = RNNLM(cfg, counts=counts)
    valid = next(bptt_batches(STREAM, 4, 20))
    hist = train(model, bptt_batches(STREAM, 8, 20), steps=200, lr=0.02, warmup=10,
                 evaluate=lambda: model(*valid)[1].item(), eval_every=100, progress=False)
    assert hist["valid_loss"][-1][1] < hist["valid_loss"][0][1] and hist["valid_loss"][-1][1] < 0.3
    save(model, tmp_path / "lm.pt")
    twin = load(tmp_path / "lm.pt").eval()
    model.eval()
    assert twin.config == cfg
    assert torch.allclose(model(valid[0])[0], twin(valid[0])[0])


def test_training_is_seeded_and_checks_its_budget():
    def run():
        torch.manual_seed(0)
        m = lmkit.models.BengioLM(lmkit.models.BengioConfig(10, 4, 8, context=2))
        return train(m, ngram_batches(STREAM, 2, 32), steps=30, progress=False, seed=3)["train_loss"]
    assert run() == run()
    with pytest.raises(ValueError, match="give a budget"):
        train(RNNLM(RNNConfig(10, 4, 4)), bptt_batches(STREAM, 2, 5), progress=False)
    with pytest.raises(ValueError, match="too short"):
        next(bptt_batches(np.arange(5), 4, 3))


@pytest.mark.parametrize("make", [
    lambda: RNNLM(RNNConfig(10, 8, 16, cell="lstm")),
    lambda: RNNLM(RNNConfig(10, 8, 16, cell="rnn", output="class"), counts=np.arange(10) + 1.0),
], ids=["lstm", "rnn-class"])
def test_stream_logprobs_match_the_models_own_distributions(make):
    """Token by token, ``stream_logprobs`` equals the exact log-distribution of ``forward``
    given the same history; the stream's length need not divide into the batch."""
    torch.manual_seed(0)
    model = make().eval()
    ids = np.random.default_rng(0).integers(0, 10, 23)
    lp = model.stream_logprobs(ids, batch=3, length=4)
    assert lp.shape == (22,) and np.all(lp < 0)
    # piece 0 of 3 covers targets 0..7 from a fresh state
    logits, _ = model(torch.as_tensor(ids[None, :8]))
    ref = logits[0].gather(1, torch.as_tensor(ids[1:9])[:, None])[:, 0].detach().double().numpy()
    assert np.allclose(lp[:8], ref, atol=1e-5)
    one = model.stream_logprobs(ids, batch=1, length=100)
    logits, _ = model(torch.as_tensor(ids[None, :-1]))
    assert np.allclose(one, logits[0].gather(1, torch.as_tensor(ids[1:])[:, None])[:, 0].detach().numpy(), atol=1e-5)
    assert lmkit.metrics.perplexity(lp) == pytest.approx(np.exp(-lp.mean()))


def test_tied_embeddings_share_one_matrix_and_survive_save(tmp_path):
    torch.manual_seed(0)
    counts = np.bincount(STREAM, minlength=10)
    cfg = RNNConfig(10, 16, 16, tie=True, output="importance", k=4)
    model = RNNLM(cfg, counts=counts)
    assert model.emb.weight is model.output.proj.weight
    assert model.num_parameters() < RNNLM(RNNConfig(10, 16, 16, output="importance", k=4),
                                          counts=counts).num_parameters()
    train(model, bptt_batches(STREAM, 8, 20), steps=150, lr=0.02, warmup=10, progress=False)
    assert model.emb.weight is model.output.proj.weight
    pp = lmkit.metrics.perplexity(model.stream_logprobs(STREAM[:200], batch=2))
    assert pp < 1.5
    save(model, tmp_path / "tied.pt")
    twin = load(tmp_path / "tied.pt")
    assert twin.emb.weight is twin.output.proj.weight
    assert lmkit.metrics.perplexity(twin.stream_logprobs(STREAM[:200], batch=2)) == pp


def test_nce_scores_without_normalising_and_others_refuse():
    counts = np.bincount(STREAM, minlength=10)
    torch.manual_seed(0)
    model = RNNLM(RNNConfig(10, 8, 16, output="nce", k=5), counts=counts)
    raw = model.stream_logprobs(STREAM[:50], batch=2, normalise=False)
    h = torch.randn(3, 16)
    assert torch.allclose(model.output.log_partition(h),
                          torch.logsumexp(model.output.self_normalised(h), 1))
    assert raw.shape == (49,)
    hidden, _ = model.features(torch.as_tensor(STREAM[None, :49]))
    ref = model.output.target_score(hidden[0], torch.as_tensor(STREAM[1:50]))
    assert np.allclose(model.stream_logprobs(STREAM[:50], batch=1, normalise=False), ref.detach().numpy(), atol=1e-5)
    with pytest.raises(ValueError, match="needs an NCE output layer"):
        RNNLM(RNNConfig(10, 8, 16)).stream_logprobs(STREAM[:50], normalise=False)


def test_evaluation_rejects_bad_input():
    model = RNNLM(RNNConfig(10, 8, 16))
    with pytest.raises(ValueError, match="at least 2 ids"):
        model.stream_logprobs(np.array([3]))
    with pytest.raises(ValueError, match=r"ids must lie in \[0, 10\)"):
        model.stream_logprobs(np.array([3, 12]))
    with pytest.raises(ValueError, match="batch must be an integer in"):
        model.stream_logprobs(np.array([3, 4]), batch=0)
