"""Feed-forward models: they learn, and score each target after its n-1 previous ids."""

import numpy as np
import pytest
import torch

import lmkit
from lmkit.models import AverageConfig, AverageLM, BengioConfig, BengioLM
from lmkit.train import ngram_batches, train

STREAM = np.tile(np.array([3, 4, 5, 6, 7, 8, 2]), 300)  # a deterministic "language"


@pytest.mark.parametrize("make", [
    lambda: AverageLM(AverageConfig(10, 8, context=3)),
    lambda: BengioLM(BengioConfig(10, 8, 16, context=3)),
    lambda: BengioLM(BengioConfig(10, 8, 16, context=3, skip=True, output="class"), counts=np.ones(10)),
], ids=["average", "bengio", "bengio-skip-class"])
def test_feed_forward_models_learn_a_deterministic_sequence(make):
    torch.manual_seed(0)
    model = make()
    hist = train(model, ngram_batches(STREAM, 3, 64), steps=300, lr=0.02, warmup=10, progress=False)
    x, y = next(ngram_batches(STREAM, 3, 256, seed=1))
    logits, _ = model(x)
    assert logits.shape == (256, 10) and torch.allclose(logits.exp().sum(1), torch.ones(256), atol=1e-5)
    assert hist["train_loss"][-1][1] < 0.2 and hist["steps"] == 300
    model.eval()
    _, exact = model(x, y)
    assert exact.item() < 0.2


def test_bengio_skip_widens_the_hidden_vector():
    model = BengioLM(BengioConfig(10, 4, 8, context=3, skip=True))
    h, state = model.features(torch.zeros(5, 3, dtype=torch.long))
    assert h.shape == (5, 8 + 3 * 4) and state is None and model.output.dim == 8 + 3 * 4


@pytest.mark.parametrize("make", [
    lambda: BengioLM(BengioConfig(10, 8, 16, context=3, output="hierarchical"), counts=np.arange(10) + 1.0),
    lambda: AverageLM(AverageConfig(10, 8, context=3, output="class"), counts=np.arange(10) + 1.0),
], ids=["bengio-hs", "average-class"])
def test_stream_logprobs_match_the_models_own_distributions(make):
    """Each target after its 3 previous ids, the start padded with ids[0]."""
    torch.manual_seed(0)
    model = make().eval()
    ids = np.random.default_rng(0).integers(0, 10, 23)
    lp = model.stream_logprobs(ids, batch=3, length=4)
    assert lp.shape == (22,) and np.all(lp < 0)
    padded = np.concatenate([[ids[0]] * 2, ids])
    x = torch.as_tensor(np.stack([padded[i:i + 3] for i in range(22)]))
    logits, _ = model(x)
    assert np.allclose(lp, logits.gather(1, torch.as_tensor(ids[1:])[:, None])[:, 0].detach().numpy(), atol=1e-5)
    assert lmkit.metrics.perplexity(lp) == pytest.approx(np.exp(-lp.mean()))


def test_uniform_model_has_perplexity_v():
    model = BengioLM(BengioConfig(10, 4, 8, context=2))
    with torch.no_grad():
        for p in model.output.parameters():
            p.zero_()
    assert lmkit.metrics.perplexity(model.stream_logprobs(np.arange(10).repeat(5))) == pytest.approx(10.0)


def test_feed_forward_input_is_checked():
    model = AverageLM(AverageConfig(10, 4, context=2))
    with pytest.raises(ValueError, match=r"shape \(batch, 2\)"):
        model(torch.zeros(3, 4, dtype=torch.long))
    with pytest.raises(ValueError, match="carries no state"):
        model(torch.zeros(3, 2, dtype=torch.long), state=torch.zeros(1))
