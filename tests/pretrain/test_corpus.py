"""Pre-training batches: LM and MLM read the same windows; the shared last-word metric."""

import numpy as np
import pytest
import torch

from lmkit.pretrain import IGNORE, PretrainCorpus, last_word_loss, lm_batches, mlm_batches
from lmkit.text import Vocab

SPECIALS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")


def corpus():
    words = [f"w{i}" for i in range(30)]
    vocab = Vocab([words], specials=SPECIALS, unk="[UNK]")
    rng = np.random.default_rng(0)
    ids = np.asarray(vocab.encode([words[i] for i in rng.integers(0, 30, 5000)]), dtype=np.int64)
    return PretrainCorpus(vocab, {"train": ids})


def test_lm_and_mlm_batches_share_their_windows():
    c = corpus()
    lm = next(lm_batches(c.ids["train"], 16, 8, seed=3))
    mlm = next(mlm_batches(c, c.ids["train"], 16, 8, seed=3))
    assert lm["ids"].shape == lm["targets"].shape == (8, 16)
    assert torch.equal(lm["ids"][:, 1:], lm["targets"][:, :-1])
    picked = mlm["targets"] != IGNORE
    assert torch.equal(mlm["targets"][picked], lm["ids"][picked])
    unchanged = ~picked
    assert torch.equal(mlm["ids"][unchanged], lm["ids"][unchanged])


def test_mlm_rates_on_the_batches():
    c = corpus()
    it = mlm_batches(c, c.ids["train"], 32, 64, seed=0)
    sel = masked = 0
    n = 0
    for _ in range(20):
        b = next(it)
        p = b["targets"] != IGNORE
        sel += int(p.sum())
        masked += int((b["ids"][p] == c.mask_id).sum())
        n += p.numel()
    assert abs(sel / n - 0.15) < 4 * np.sqrt(0.15 * 0.85 / n)
    assert abs(masked / sel - 0.8) < 4 * np.sqrt(0.16 / sel)


def test_encode_adds_cls_and_sep_and_pads():
    c = corpus()
    ids, mask = c.encode([["w1", "w2"], ["w3", "zzz", "w4", "w5"]], max_len=5)
    v = c.vocab.stoi
    assert ids.tolist() == [[v["[CLS]"], v["w1"], v["w2"], v["[SEP]"], 0],
                            [v["[CLS]"], v["w3"], v["[UNK]"], v["w4"], v["[SEP]"]]]
    assert mask.tolist() == [[True] * 4 + [False], [True] * 5]
    ids, _ = c.encode([["w1"]], max_len=5, cls=False)
    assert ids.tolist() == [[v["w1"], v["[SEP]"]]]


class Oracle(torch.nn.Module):
    """Knows the next id is (previous + 1) mod V: logits 10 there, 0 elsewhere."""

    def __init__(self, V):
        super().__init__()
        self.V = V
        self.p = torch.nn.Parameter(torch.zeros(1))

    def forward(self, ids):
        nxt = (ids + 1) % self.V
        return torch.nn.functional.one_hot(nxt, self.V).float() * 10.0, None


def test_last_word_loss_reads_the_last_position():
    V = 7
    w = torch.arange(12).remainder(V).repeat(3, 1)[:, :6]
    lm = last_word_loss(Oracle(V), w)
    want = -torch.log_softmax(torch.tensor([10.0] + [0.0] * (V - 1)), 0)[0].item()
    assert lm == pytest.approx(want, abs=1e-6)
    with pytest.raises(ValueError, match="T >= 2"):
        last_word_loss(Oracle(V), w[:, :1])


def test_arrays_for_a_task():
    c = corpus()
    a = c.arrays([["w1"], ["w2", "w3"]], [1, 0], max_len=6)
    assert set(a) == {"ids", "mask", "targets"} and a["targets"].tolist() == [1, 0]
    with pytest.raises(ValueError, match="labels"):
        c.arrays([["w1"]], [1, 0], max_len=6)
