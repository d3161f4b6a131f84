"""The scalar-mix classifier, fit_mix and predict."""

import numpy as np
import pytest
import torch

from lmkit.data import TextTask
from lmkit.models import MixClassifier, MixClassifierConfig, fit_mix, predict


def test_forward_shapes_and_loss():
    torch.manual_seed(0)
    m = MixClassifier(MixClassifierConfig(3, 8, 4))
    x, y = torch.randn(5, 3, 8), torch.tensor([0, 1, 2, 3, 0])
    logits, loss = m(x, y)
    assert logits.shape == (5, 4)
    assert loss.item() == pytest.approx(torch.nn.functional.cross_entropy(logits, y).item())
    assert m(x)[1] is None


def test_a_fixed_layer_ignores_the_others():
    torch.manual_seed(0)
    m = MixClassifier(MixClassifierConfig(3, 8, 2, layer=1))
    x = torch.randn(4, 3, 8)
    y = x.clone()
    y[:, 0] += 5.0
    y[:, 2] = torch.randn(4, 8)
    assert torch.allclose(m(x)[0], m(y)[0])


def test_layer_norm_makes_the_scale_irrelevant():
    torch.manual_seed(0)
    m = MixClassifier(MixClassifierConfig(2, 6, 3))
    x = torch.randn(4, 2, 6)
    assert torch.allclose(m(x)[0], m(x * 7.0)[0], atol=1e-4)


def test_fit_mix_finds_the_informative_layer():
    rng = np.random.default_rng(0)
    n = 400
    labels = rng.integers(0, 2, n)
    x = rng.normal(size=(n, 3, 4)).astype(np.float32)
    x[:, 2, 0] += 3.0 * (2 * labels - 1)             # only layer 2 knows the label
    split = {"train": slice(0, 300), "test": slice(300, n)}
    task = TextTask(*[[("", int(y)) for y in labels[s]] for s in
                      (split["train"], slice(0, 0), split["test"])], ("a", "b"), {})
    feats = {k: x[s] for k, s in split.items()}
    clf, acc = fit_mix(feats, task, steps=300, lr=3e-2)
    assert acc["test"] > 0.9
    assert int(clf.mix.weights.argmax()) == 2
    _, acc0 = fit_mix(feats, task, layer=0, steps=100)
    assert acc0["test"] < 0.7


def test_predict_batches_equal_one_pass():
    torch.manual_seed(0)
    m = MixClassifier(MixClassifierConfig(2, 5, 3))
    x = torch.randn(37, 2, 5)
    assert (predict(m, batch_size=4, x=x) == m(x)[0].argmax(-1).numpy()).all()


def test_bad_input():
    m = MixClassifier(MixClassifierConfig(3, 8, 2))
    with pytest.raises(ValueError, match="pooled"):
        m(torch.randn(4, 2, 8))
    with pytest.raises((TypeError, ValueError)):
        MixClassifierConfig(3, 8, 1)
    with pytest.raises((TypeError, ValueError)):
        MixClassifierConfig(3, 8, 2, layer=3)
    with pytest.raises(TypeError, match="MixClassifierConfig"):
        MixClassifier({"n_layers": 3})
    task = TextTask([("", 0)] * 3, [], [], ("a", "b"), {})
    with pytest.raises(ValueError, match="one row per example"):
        fit_mix({"train": np.zeros((2, 3, 4))}, task)
