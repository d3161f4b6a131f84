"""The maximum-entropy model: triggers, features, training with lmkit.train, scoring, reload."""

import math

import numpy as np
import pytest
import torch

from lmkit import Vocab, metrics
from lmkit.adapt import MaxEntLM, maxent_features, select_triggers
from lmkit.adapt.maxent import MaxEntConfig
from lmkit.text import lm_ids, stream
from lmkit.train import param_groups, train


def planted(n=20_000):
    rng = np.random.default_rng(0)
    ids = rng.integers(2, 30, size=n)
    plant = np.flatnonzero(ids == 5)
    plant = plant[plant + 4 < len(ids)]
    ids[plant + 4] = 7  # 5 is followed by 7 four positions later
    return ids


def test_triggers_find_a_planted_pair_and_maxent_learns():
    ids = planted()
    trig = select_triggers(ids, 30, window=5, top=5, min_count=5, skip=0)
    assert (5, 7) in [(a, b) for a, b, _ in trig]
    torch.manual_seed(0)
    model = MaxEntLM(MaxEntConfig(30, window=5), trig)
    steps = 2 * math.ceil(len(ids) / 1024)
    read = np.concatenate(([1], ids))  # an lm_ids stream: id 1 (</s>) starts the text
    hist = train(model, model.training_batches(read, 1024), steps=steps, lr=0.05, warmup=5,
                 progress=False)
    losses = [l for _, l in hist["train_loss"]]
    assert np.isfinite(losses).all() and losses[-1] < losses[0] and hist["tokens"] == 2 * len(ids)
    lp = model.stream_logprobs(read[:501])
    assert lp.shape == (500,) and np.all(lp < 0)
    logits, loss = model(prev1=torch.tensor([5]), prev2=torch.tensor([-1]),
                         window=torch.full((1, 5), -1))
    assert logits.shape == (1, 30) and loss is None
    # the trigger learnt: 7 is far likelier four words after a 5 than elsewhere
    after5 = np.zeros(len(ids), dtype=bool)
    after5[np.flatnonzero(ids == 5) + 4] = True
    full = model.stream_logprobs(read)
    seven = ids == 7
    assert full[seven & after5].mean() > full[seven & ~after5].mean() + 0.5


def test_features_and_training_batches_line_up_with_the_stream():
    ids = np.array([3, 4, 5, 6, 7, 8])
    f = maxent_features(ids, window=2)
    assert f["prev1"].tolist() == [-1, 3, 4, 5, 6, 7] and f["prev2"].tolist() == [-1, -1, 3, 4, 5, 6]
    assert f["window"].tolist() == [[-1, -1], [-1, -1], [-1, -1], [3, -1], [4, 3], [5, 4]]
    model = MaxEntLM(MaxEntConfig(10, window=2))
    batches = list(model.training_batches(ids, 4, epochs=1))  # targets ids[1:], as lm_ids
    assert [len(b["targets"]) for b in batches] == [4, 1]
    assert sorted(t for b in batches for t in b["targets"].tolist()) == ids[1:].tolist()
    for b in batches:
        pos = [int(np.flatnonzero(ids == t)[0]) for t in b["targets"]]
        assert b["prev1"].tolist() == f["prev1"][pos].tolist()
        assert b["window"].tolist() == f["window"][pos].tolist()
    with pytest.raises(ValueError, match=r"ids must lie in \[0, 10\)"):
        model.training_batches(np.array([3, 12]), 4)


def test_scores_sentences_through_the_one_stream_and_reloads_without_triggers(tmp_path):
    sents = [s.split() for s in ["the cat sat on the mat", "the dog sat", "a cat and a dog"]] * 20
    vocab = Vocab(sents)
    ids = stream(vocab, sents)
    trig = select_triggers(ids, len(vocab), window=3, top=10, min_count=2, skip=0)
    assert trig
    torch.manual_seed(0)
    model = MaxEntLM(MaxEntConfig(len(vocab), window=3), trig, vocab=vocab)
    train(model, model.training_batches(lm_ids(vocab, sents), 32), steps=20, lr=0.05, warmup=2,
          progress=False)
    test = [["the", "cat", "and", "a", "zebra"]]
    lp = model.token_logprobs(test)
    np.testing.assert_array_equal(lp, model.stream_logprobs(lm_ids(vocab, test)))
    assert len(lp) == 6 and model.perplexity(test) == metrics.perplexity(lp)
    assert model.sentence_logprob(test[0]) == pytest.approx(lp.sum())
    torch.save(model.state_dict(), tmp_path / "me.pt")
    twin = MaxEntLM(MaxEntConfig(len(vocab), window=3), vocab=vocab)  # no trigger pairs given
    twin.load_state_dict(torch.load(tmp_path / "me.pt", weights_only=True))
    np.testing.assert_array_equal(twin.token_logprobs(test), lp)
    assert len(twin.pair_word) == len(trig) and torch.equal(twin.trig, model.trig)
    with pytest.raises(ValueError, match="has no vocabulary"):
        MaxEntLM(MaxEntConfig(len(vocab))).token_logprobs(test)


def test_weight_decay_reaches_the_tables_but_not_the_unigram_bias():
    model = MaxEntLM(MaxEntConfig(12, features=("unigram", "bigram", "distance2", "triggers")),
                     [(3, 4, 0.1)])
    decay, rest = param_groups(model, 1e-2)
    assert {id(p) for p in decay["params"]} == {id(model.bigram), id(model.dist2), id(model.trig)}
    assert [id(p) for p in rest["params"]] == [id(model.bias)]


def test_id_level_and_sentence_level_scores_agree_with_the_neural_convention():
    """stream_logprobs(lm_ids(...)) scores ids[1:]: the leading </s> is the previous word of
    the text's first token, exactly as for every later sentence's first word."""
    sents = [s.split() for s in ["the cat sat on the mat", "the dog sat", "a cat and a dog"]] * 10
    vocab = Vocab(sents)
    torch.manual_seed(0)
    model = MaxEntLM(MaxEntConfig(len(vocab), window=2), vocab=vocab)
    with torch.no_grad():
        model.bigram.normal_()
        model.dist2.normal_()
    held = [["the", "dog", "sat"], ["a", "zebra"]]
    ids = lm_ids(vocab, held)
    lp = model.stream_logprobs(ids, batch=3)
    assert lp.shape == (len(ids) - 1,) and np.array_equal(lp, model.token_logprobs(held))
    f = maxent_features(ids, window=2)
    logits, _ = model(**{k: torch.as_tensor(v) for k, v in f.items()})
    want = torch.log_softmax(logits, 1)[torch.arange(len(ids)), torch.as_tensor(ids)][1:]
    np.testing.assert_allclose(lp, want.detach().numpy(), rtol=1e-6)
    assert f["prev1"][1] == vocab.eos_id  # the first word is conditioned on the leading </s>
    assert model.sentence_logprob(held[0]) == pytest.approx(lp[:4].sum(), rel=1e-6)
    with pytest.raises(ValueError, match="at least 2 ids"):
        model.stream_logprobs(ids[:1])
