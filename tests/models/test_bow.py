"""The bag-of-n-grams baseline: features, the linear model, bad input."""

import numpy as np
import pytest
import torch

from lmkit.models import NgramClassifier, NgramClassifierConfig, NgramFeatures, fine_tune


def test_features_keep_frequent_ngrams_and_pad():
    texts = [["a", "b", "c"], ["a", "b"], ["c", "d"]]
    f = NgramFeatures(texts, n=2, min_count=2)
    assert sorted(f.index) == ["a", "a b", "b", "c"]
    assert len(f) == 5
    ids = f.transform([["a", "b", "x"], ["x"]])
    row = sorted(i for i in ids[0] if i)
    assert row == sorted(f.index[g] for g in ("a", "b", "a b"))
    assert ids.shape == (2, 3) and (ids[1] == 0).all()


def test_logits_are_the_sum_of_the_ngram_weights():
    m = NgramClassifier(NgramClassifierConfig(6, 3))
    with torch.no_grad():
        m.weight.weight.copy_(torch.arange(18.0).view(6, 3))
        m.bias.fill_(1.0)
    logits, loss = m(torch.tensor([[1, 4, 0]]), torch.tensor([2]))
    assert torch.allclose(logits, torch.tensor([[3.0 + 12 + 1, 4.0 + 13 + 1, 5.0 + 14 + 1]]))
    assert loss.item() == pytest.approx(
        torch.nn.functional.cross_entropy(logits, torch.tensor([2])).item())


def test_learns_a_separable_task():
    rng = np.random.default_rng(0)
    texts = [["the", "cat" if y else "dog", "sat"] + list(rng.choice(["a", "b", "c"], 3))
             for y in (0, 1) * 100]
    labels = np.array([0, 1] * 100)
    f = NgramFeatures(texts)
    data = {"train": {"ids": f.transform(texts), "targets": labels}}
    torch.manual_seed(0)
    acc = fine_tune(NgramClassifier(NgramClassifierConfig(len(f), 2)), data, steps=50,
                    lr=0.1, progress=False)
    assert acc["train"] == 1.0


def test_bad_input():
    with pytest.raises(TypeError, match="lists of words"):
        NgramFeatures("a b c")
    with pytest.raises(ValueError, match="min_count"):
        NgramFeatures([["a"], ["b"]], min_count=5)
    m = NgramClassifier(NgramClassifierConfig(4, 2))
    with pytest.raises(ValueError, match="same NgramFeatures"):
        m(torch.tensor([[1, 7]]))
    with pytest.raises(ValueError, match="batch, L"):
        m(torch.tensor([1, 2]))
