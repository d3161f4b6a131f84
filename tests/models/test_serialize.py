"""save/load: one file (config, vocabulary, state dict) rebuilds every model with every output
layer, from the file alone, with identical log-probabilities."""

import numpy as np
import pytest
import torch

from lmkit import Vocab
from lmkit.models import (AverageConfig, AverageLM, BengioConfig, BengioLM, RNNConfig, RNNLM,
                          load, save)
from lmkit.nn import OUTPUT_KINDS

SENTS = [["the", "cat", "sat"], ["the", "dog", "sat", "down"], ["a", "cat", "ran"]] * 3
VOCAB = Vocab(SENTS)
V = len(VOCAB)
COUNTS = np.bincount(np.concatenate([VOCAB.encode(s) for s in SENTS]), minlength=V).astype(float)


def configs(output):
    opts = dict(output=output, k=3 if output in ("importance", "nce") else None,
                n_classes=2 if output == "class" else None)
    return [(AverageLM, AverageConfig(V, 6, context=2, **opts)),
            (BengioLM, BengioConfig(V, 4, 6, context=3, skip=True, **opts)),
            (RNNLM, RNNConfig(V, 6, 6, cell="lstm", layers=2, tie=output in ("full", "nce"), **opts)),
            (RNNLM, RNNConfig(V, 4, 6, cell="rnn", **opts))]


CASES = [(cls, cfg) for kind in OUTPUT_KINDS for cls, cfg in configs(kind)]


@pytest.mark.parametrize("cls, cfg", CASES,
                         ids=[f"{c.__name__}-{g.output}-{getattr(g, 'cell', '')}" for c, g in CASES])
def test_every_model_and_output_round_trips(cls, cfg, tmp_path):
    torch.manual_seed(0)
    model = cls(cfg, counts=COUNTS, vocab=VOCAB)
    with torch.no_grad():                                  # not the initial weights
        for p in model.parameters():
            p.add_(0.2 * torch.randn_like(p))
    path = save(model, tmp_path / "m.pt")
    rng = torch.get_rng_state()
    twin = load(path)                                      # built without counts
    assert torch.equal(torch.get_rng_state(), rng)         # loading draws no random numbers
    assert type(twin) is cls and twin.config == cfg and twin.vocab.itos == VOCAB.itos
    assert np.array_equal(twin.token_logprobs(SENTS), model.token_logprobs(SENTS))
    assert twin.perplexity(SENTS) == model.perplexity(SENTS)
    assert set(twin.state_dict()) == set(model.state_dict())
    raw = torch.load(path, weights_only=True)              # plain values and tensors only
    assert raw["config"]["output"] == cfg.output and raw["model"] == cls.__name__


def test_a_model_without_vocabulary_round_trips(tmp_path):
    model = RNNLM(RNNConfig(V, 4, 4))
    twin = load(save(model, tmp_path / "m.pt"))
    assert twin.vocab is None
    ids = VOCAB.encode(SENTS[0] + SENTS[1])
    assert np.array_equal(twin.stream_logprobs(ids), model.stream_logprobs(ids))


def test_a_model_built_from_other_counts_refuses_the_saved_classes(tmp_path):
    cfg = RNNConfig(V, 4, 4, output="class", n_classes=3)
    path = save(RNNLM(cfg, counts=COUNTS), tmp_path / "m.pt")
    other = RNNLM(cfg, counts=COUNTS[::-1].copy())
    with pytest.raises(RuntimeError, match="built from other counts"):
        other.load_state_dict(torch.load(path, weights_only=True)["state_dict"])
    same = RNNLM(cfg, counts=COUNTS)
    same.load_state_dict(torch.load(path, weights_only=True)["state_dict"])


def test_load_rejects_other_files(tmp_path):
    torch.save(RNNLM(RNNConfig(V, 4, 4)).state_dict(), tmp_path / "bare.pt")
    with pytest.raises(ValueError, match="not a model saved by lmkit.models.save"):
        load(tmp_path / "bare.pt")
    with pytest.raises(TypeError, match="save takes an lmkit.models model"):
        save(torch.nn.Linear(2, 2), tmp_path / "x.pt")
