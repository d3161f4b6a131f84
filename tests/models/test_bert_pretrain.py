"""BERT's pre-training heads: the MLM loss over selected positions only, the tied decoder,
NSP, the book's loop on dict batches, bad input."""

import pytest
import torch
from torch.nn import functional as F

from lmkit.models import BertCausalLM, BertConfig, BertForPreTraining
from lmkit.pretrain import IGNORE, mask_tokens
from lmkit.train import train

CFG = BertConfig(vocab_size=20, hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
                 intermediate_size=32, max_position_embeddings=12, hidden_dropout_prob=0.0,
                 attention_probs_dropout_prob=0.0)


def model():
    torch.manual_seed(0)
    return BertForPreTraining(CFG).eval()


def test_mlm_loss_is_over_the_selected_positions_only():
    m = model()
    ids = torch.randint(5, 20, (3, 10))
    targets = torch.full_like(ids, IGNORE)
    targets[0, 2], targets[1, 5], targets[2, 9] = 7, 8, 9
    logits, loss = m(ids, targets)
    assert logits.shape == (3, 20)
    full, none = m(ids)
    assert none is None and full.shape == (3, 10, 20)
    picked = full[targets != IGNORE]
    assert torch.allclose(logits, picked, atol=1e-5)
    assert loss.item() == pytest.approx(F.cross_entropy(picked, torch.tensor([7, 8, 9])).item(),
                                        rel=1e-5)


def test_the_decoder_is_the_token_embedding():
    m = model()
    h = torch.randn(4, 16)
    want = m.transform(h) @ m.bert.tok.weight.T + m.bias
    assert torch.allclose(m.mlm_logits(h), want)
    ids = torch.randint(5, 20, (2, 6))
    targets = torch.full_like(ids, IGNORE)
    targets[:, 1] = 3                                  # id 3 never appears in the input
    m(ids, targets)[1].backward()
    assert m.bert.tok.weight.grad[3].abs().sum() > 0   # reached through the decoder only
    assert m.bert.tok.weight[0].abs().sum() == 0       # the padding row starts at zero


def test_nsp_adds_its_cross_entropy():
    m = model()
    ids = torch.randint(5, 20, (4, 8))
    targets = torch.full_like(ids, IGNORE)
    targets[:, 3] = ids[:, 3]
    nxt = torch.tensor([1, 0, 1, 0])
    _, mlm = m(ids, targets)
    _, both = m(ids, targets, next_sentence=nxt)
    nsp = F.cross_entropy(m.nsp_logits(ids), nxt)
    assert both.item() == pytest.approx(mlm.item() + nsp.item(), rel=1e-5)


def test_padding_is_never_predicted_and_does_not_leak():
    m = model()
    ids = torch.randint(5, 20, (2, 8))
    ids[:, 6:] = 0
    inputs, labels = mask_tokens(ids, mask_id=4, vocab_size=20, specials=[0, 1, 2, 3, 4],
                                 rate=0.5, generator=torch.Generator().manual_seed(0))
    assert (labels[:, 6:] == IGNORE).all()
    other = inputs.clone()
    other[:, 6:] = 0
    _, a = m(inputs, labels)
    _, b = m(other, labels)
    assert a.item() == pytest.approx(b.item())


def test_learns_with_the_books_loop_on_dict_batches():
    m = model().train()
    gen = torch.Generator().manual_seed(1)
    base = torch.arange(5, 15).repeat(16, 1)           # every row the same counting sequence

    def batches():
        while True:
            inputs, labels = mask_tokens(base, mask_id=4, vocab_size=20,
                                         specials=[0, 1, 2, 3, 4], generator=gen)
            if (labels != IGNORE).any():
                yield {"ids": inputs, "targets": labels}

    probe = next(batches())
    m.eval()
    before = m(**probe)[1].item()
    train(m.train(), batches(), steps=150, lr=1e-2, warmup=10, progress=False)
    m.eval()
    assert m(**probe)[1].item() < 0.2 * before


def test_bad_input():
    m = model()
    ids = torch.randint(5, 20, (2, 6))
    with pytest.raises(ValueError, match="no position is selected"):
        m(ids, torch.full_like(ids, IGNORE))
    with pytest.raises(ValueError, match="shape of ids"):
        m(ids, ids[:, :3])
    with pytest.raises(ValueError, match="need MLM targets"):
        m(ids, next_sentence=torch.tensor([0, 1]))
    t = torch.full_like(ids, IGNORE)
    t[0, 0] = 99
    with pytest.raises(ValueError, match=r"ids in \[0, 20\)"):
        m(ids, t)
    t[0, 0] = 5
    with pytest.raises(ValueError, match="one 0/1 label per row"):
        m(ids, t, next_sentence=torch.tensor([0, 1, 1]))
    with pytest.raises(ValueError, match="position table"):
        m(torch.randint(5, 20, (1, 13)))
    with pytest.raises(TypeError, match="BertConfig"):
        BertForPreTraining({"vocab_size": 5})


def test_the_causal_lm_sees_no_later_position():
    torch.manual_seed(0)
    m = BertCausalLM(CFG).eval()
    ids = torch.randint(5, 20, (2, 9))
    j = 4
    other = ids.clone()
    other[:, j] = (ids[:, j] + 1 - 5) % 15 + 5
    a, b = m(ids)[0], m(other)[0]
    changed = (a - b).abs().amax(dim=(0, 2)) > 1e-6
    assert changed.tolist() == [t >= j for t in range(9)]


def test_the_causal_lm_loss_is_the_next_token_cross_entropy():
    torch.manual_seed(0)
    m = BertCausalLM(CFG).eval()
    w = torch.randint(5, 20, (3, 8))
    x, y = w[:, :-1], w[:, 1:].clone()
    y[0, 0] = IGNORE
    logits, loss = m(x, y)
    keep = y != IGNORE
    assert loss.item() == pytest.approx(F.cross_entropy(logits[keep], y[keep]).item(), rel=1e-6)
    # the same weights, bidirectional, give other logits: only the mask differs
    mlm = BertForPreTraining(CFG).eval()
    mlm.load_state_dict({k: v for k, v in m.state_dict().items()}, strict=False)
    assert not torch.allclose(mlm(x)[0], logits)
