"""Fine-tuning heads: GPT's last token with the auxiliary LM loss, BERT's pooled [CLS]."""

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from lmkit.models import (BertCausalLM, BertConfig, BertEncoder, BertForPreTraining,
                          ClassifierConfig, SequenceClassifier, fine_tune)

CFG = BertConfig(vocab_size=30, hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
                 intermediate_size=32, max_position_embeddings=16, hidden_dropout_prob=0.0,
                 attention_probs_dropout_prob=0.0)


def gpt(aux=0.0):
    torch.manual_seed(0)
    return SequenceClassifier(ClassifierConfig(3, "gpt", aux_lm=aux, dropout=0.0),
                              BertCausalLM(CFG)).eval()


def test_gpt_reads_the_last_real_token_only():
    m = gpt()
    ids = torch.tensor([[5, 6, 7, 3, 0, 0], [5, 6, 7, 8, 9, 3]])
    logits, _ = m(ids)
    h = m.encoder(ids, causal=True)
    want = m.head(torch.stack([h[0, 3], h[1, 5]]))
    assert torch.allclose(logits, want, atol=1e-6)
    other = ids.clone()
    other[0, 4:] = 11                                  # padding content is never read
    assert torch.allclose(m(other, mask=ids != 0)[0][0], logits[0], atol=1e-6)


def test_gpt_auxiliary_lm_loss_is_added():
    m = gpt(aux=0.5)
    ids = torch.tensor([[5, 6, 7, 3, 0], [8, 9, 3, 0, 0]])
    y = torch.tensor([0, 2])
    logits, loss = m(ids, y)
    h = m.encoder(ids, mask=ids != 0, causal=True)
    keep = (ids != 0)[:, 1:]
    lm = F.cross_entropy(m.body.mlm_logits(h[:, :-1][keep]), ids[:, 1:][keep])
    assert loss.item() == pytest.approx(F.cross_entropy(logits, y).item() + 0.5 * lm.item(),
                                        rel=1e-5)


def test_bert_reads_the_pooled_cls_and_takes_a_plain_encoder():
    torch.manual_seed(0)
    enc = BertEncoder(CFG).eval()
    m = SequenceClassifier(ClassifierConfig(2, "bert", dropout=0.0), enc).eval()
    ids = torch.tensor([[2, 5, 6, 3, 0]])
    want = m.head(enc.pooled(enc(ids)))
    assert torch.allclose(m(ids)[0], want, atol=1e-6)
    wrapped = SequenceClassifier(ClassifierConfig(2, "bert"), BertForPreTraining(CFG))
    assert isinstance(wrapped.encoder, BertEncoder)


def test_fine_tune_learns_and_reports_every_split():
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    ids = rng.integers(5, 30, (64, 6))
    y = (ids[:, 2] > 17).astype(np.int64)               # the label is in one position
    ids[:, -1] = 3
    data = {"train": {"ids": ids, "targets": y}, "test": {"ids": ids[:16], "targets": y[:16]}}
    m = SequenceClassifier(ClassifierConfig(2, "bert", dropout=0.0), BertEncoder(CFG))
    acc = fine_tune(m, data, steps=150, lr=3e-3, batch=16, progress=False)
    assert set(acc) == {"train", "test"} and acc["train"] > 0.9
    before = {k: v.clone() for k, v in m.state_dict().items()}
    assert fine_tune(m, data, steps=2, lr=3e-3, progress=False, evaluate=False) == {}
    assert any(not torch.equal(before[k], v) for k, v in m.state_dict().items())  # trained


def test_bad_input():
    with pytest.raises(ValueError, match="style"):
        ClassifierConfig(2, "elmo")
    with pytest.raises(ValueError, match="style='gpt' only"):
        ClassifierConfig(2, "bert", aux_lm=0.5)
    with pytest.raises(TypeError, match="BertEncoder"):
        SequenceClassifier(ClassifierConfig(2), torch.nn.Linear(2, 2))
    with pytest.raises(ValueError, match="output layer"):
        SequenceClassifier(ClassifierConfig(2, "gpt", aux_lm=0.5), BertEncoder(CFG))
    m = gpt()
    with pytest.raises(ValueError, match="no real token"):
        m(torch.tensor([[0, 0]]), mask=torch.tensor([[False, False]]))
    with pytest.raises(ValueError, match="'train'"):
        fine_tune(m, {"test": {}}, steps=1, lr=1e-3)


def test_a_bert_top_body_classifies_from_cached_layers():
    from lmkit.models import BertTop, hidden_states

    torch.manual_seed(0)
    enc = BertEncoder(CFG).eval()
    ids = torch.tensor([[2, 5, 6, 3, 0], [2, 7, 3, 0, 0]])
    mask = ids != 0
    whole = SequenceClassifier(ClassifierConfig(2, "bert", dropout=0.0), enc).eval()
    top = SequenceClassifier(ClassifierConfig(2, "bert", dropout=0.0),
                             BertTop(enc, 1)).eval()
    top.head.load_state_dict(whole.head.state_dict())
    h = hidden_states(enc, ids, torch.zeros_like(ids), mask, 1, dtype=torch.float32)
    with torch.no_grad():
        assert torch.allclose(top(h, mask=mask)[0], whole(ids, mask=mask)[0], atol=1e-5)
    with pytest.raises(ValueError, match="pass the mask"):
        top(h)
