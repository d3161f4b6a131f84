"""Weight decay on matrices only: the parameter groups and what AdamW does with them."""

import pytest
import torch
from torch import nn

from lmkit.train import param_groups, train


class Mixed(nn.Module):
    """Matrices (embedding, tied projection, a 2-d position table), biases, a norm's gain and
    bias, and a 1-d position weight: ``loss`` does not depend on the weights (zero gradients),
    so an AdamW step changes a parameter only by its weight decay."""

    def __init__(self) -> None:
        super().__init__()
        self.emb = nn.Embedding(6, 4)
        self.proj = nn.Linear(4, 6)
        self.proj.weight = self.emb.weight           # tied: one parameter
        self.pos2d = nn.Parameter(torch.randn(5, 4))
        self.norm = nn.LayerNorm(4)
        self.pos1d = nn.Parameter(torch.randn(5))
        self.frozen = nn.Parameter(torch.randn(3, 3), requires_grad=False)

    def forward(self, x, targets=None):
        zero = sum((p * 0).sum() for p in self.parameters() if p.requires_grad)
        return None, zero + 1.0


def test_groups_split_matrices_from_vectors_and_list_tied_weights_once():
    m = Mixed()
    decay, rest = param_groups(m, 0.1)
    assert decay["weight_decay"] == 0.1 and rest["weight_decay"] == 0.0
    ids = lambda g: {id(p) for p in g["params"]}  # noqa: E731
    assert ids(decay) == {id(m.emb.weight), id(m.pos2d)}
    assert ids(rest) == {id(m.proj.bias), id(m.norm.weight), id(m.norm.bias), id(m.pos1d)}
    assert len(decay["params"]) == 2  # the tied matrix once, the frozen one not at all
    assert [g["weight_decay"] for g in param_groups(nn.LayerNorm(3), 0.1)] == [0.0]
    with pytest.raises(ValueError, match=r"weight_decay must be a finite number in \[0, inf\)"):
        param_groups(m, -1e-3)
    with pytest.raises(ValueError, match=r"weight_decay must be a finite number in \[0, inf\)"):
        param_groups(m, float("nan"))


def test_train_decays_matrices_and_leaves_biases_norms_and_vectors_alone():
    torch.manual_seed(0)
    m = Mixed()
    before = {k: v.clone() for k, v in m.state_dict().items()}
    batches = iter([(torch.zeros(1), torch.zeros(1))] * 3)
    lr, wd = 0.1, 0.5
    train(m, batches, steps=3, lr=lr, weight_decay=wd, schedule="constant", warmup=0, progress=False)
    after = m.state_dict()
    for name in ("emb.weight", "pos2d"):
        torch.testing.assert_close(after[name], before[name] * (1 - lr * wd) ** 3)
    for name in ("proj.bias", "norm.weight", "norm.bias", "pos1d", "frozen"):
        assert torch.equal(after[name], before[name]), name
