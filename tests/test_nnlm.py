"""Output layers: exact distributions, agreement with the full softmax, sampled losses learn."""

import numpy as np
import pytest
import torch

from lmkit.nnlm import (ClassSoftmax, FullSoftmax, HierarchicalSoftmax, ImportanceSampling, NCE,
                        huffman_codes)

V, D = 50, 8
COUNTS = np.random.default_rng(0).zipf(1.5, V).astype(float)


def layers():
    torch.manual_seed(0)
    return [FullSoftmax(D, V), ClassSoftmax(D, V, COUNTS), HierarchicalSoftmax(D, V, COUNTS),
            ImportanceSampling(D, V, COUNTS, k=10), NCE(D, V, COUNTS, k=10)]


@pytest.mark.parametrize("layer", layers(), ids=lambda l: type(l).__name__)
def test_every_layer_is_an_exact_distribution(layer):
    with torch.no_grad():
        for p in layer.parameters():
            p.normal_(std=0.5)
    h = torch.randn(7, D)
    lp = layer.log_probs(h)
    assert lp.shape == (7, V)
    assert torch.allclose(lp.exp().sum(1), torch.ones(7, dtype=lp.dtype), atol=1e-5)
    t = torch.randint(0, V, (7,))
    assert torch.allclose(layer.log_prob(h, t), lp.gather(1, t[:, None])[:, 0], atol=1e-5)
    assert torch.isfinite(layer.loss(h, t))


@pytest.mark.parametrize("make", [
    lambda: FullSoftmax(D, V, COUNTS), lambda: ClassSoftmax(D, V, COUNTS),
    lambda: HierarchicalSoftmax(D, V, COUNTS), lambda: ImportanceSampling(D, V, COUNTS, k=3),
    lambda: NCE(D, V, COUNTS, k=3)], ids=["full", "class", "hs", "is", "nce"])
def test_every_layer_starts_from_the_unigram(make):
    unigram = (COUNTS + 1e-3) / (COUNTS + 1e-3).sum()
    lp = make().log_probs(torch.zeros(2, D)).detach().double()
    assert torch.allclose(lp, torch.as_tensor(np.log(unigram)).expand(2, V), atol=1e-4)


def test_sampled_layers_evaluate_with_the_full_softmax_of_their_weights():
    full = FullSoftmax(D, V)
    h = torch.randn(5, D)
    for cls in (ImportanceSampling, NCE):
        layer = cls(D, V, COUNTS, k=5)
        layer.proj.load_state_dict(full.proj.state_dict())
        assert torch.allclose(layer.log_probs(h), full.log_probs(h))


def test_one_class_is_the_full_softmax():
    full = FullSoftmax(D, V)
    cs = ClassSoftmax(D, V, COUNTS, n_classes=1)
    cs.word_proj.load_state_dict(full.proj.state_dict())
    h = torch.randn(4, D)
    assert cs.n_classes == 1 and torch.allclose(cs.log_probs(h), full.log_probs(h), atol=1e-6)


def test_classes_are_about_sqrt_v_and_frequency_binned():
    cs = ClassSoftmax(D, V, COUNTS)
    assert 5 <= cs.n_classes <= 8
    top = int(np.argmax(COUNTS))
    sizes = torch.bincount(cs.word_class)
    assert sizes[cs.word_class[top]] <= sizes.float().mean()  # frequent words: small classes


def test_huffman_codes_are_prefix_free_and_short_for_frequent_words():
    paths, codes = huffman_codes(COUNTS)
    strings = ["".join(map(str, c)) for c in codes]
    assert len(set(strings)) == V
    assert not any(a != b and b.startswith(a) for a in strings for b in strings)
    lengths = np.array(list(map(len, codes)))
    assert lengths[np.argmax(COUNTS)] <= lengths.min() + 1
    expected = (lengths * COUNTS).sum() / COUNTS.sum()
    entropy = -(COUNTS / COUNTS.sum() * np.log2(COUNTS / COUNTS.sum())).sum()
    assert entropy <= expected < entropy + 1  # Huffman's bound


@pytest.mark.parametrize("cls", [ImportanceSampling, NCE])
def test_sampled_losses_are_finite_and_fall_on_a_toy_problem(cls):
    torch.manual_seed(0)
    target_dist = torch.softmax(torch.randn(V) * 2, 0)
    layer = cls(D, V, COUNTS, k=20)
    h = torch.ones(256, D) / D ** 0.5
    opt = torch.optim.Adam(layer.parameters(), lr=0.05)
    losses = []
    for step in range(1000):
        t = torch.multinomial(target_dist, 256, replacement=True)
        loss = layer.loss(h, t)
        opt.zero_grad(); loss.backward(); opt.step()
        losses.append(loss.item())
    assert np.isfinite(losses).all() and np.mean(losses[-20:]) < np.mean(losses[:20])
    kl = (target_dist * (target_dist.log() - layer.log_probs(h[:1])[0])).sum()
    assert kl < 0.06
    if cls is NCE:  # self-normalisation: the raw scores already sum to about one
        z = torch.logsumexp(layer.self_normalised(h[:1])[0], 0)
        assert abs(z.item()) < 0.35  # within a factor of 1.4, never computed in training


def test_bad_inputs():
    with pytest.raises(ValueError, match="vocabulary is empty"):
        FullSoftmax(D, 0)
    with pytest.raises(ValueError, match="k must be an int >= 1"):
        NCE(D, V, COUNTS, k=0)
    with pytest.raises(ValueError, match=r"shape \(batch, 8\)"):
        FullSoftmax(D, V).log_probs(torch.randn(3, 5))
    with pytest.raises(ValueError, match=r"targets must have shape \(3,\)"):
        ClassSoftmax(D, V, COUNTS).loss(torch.randn(3, D), torch.zeros(4, dtype=torch.long))
    with pytest.raises(ValueError, match="word ids in"):
        HierarchicalSoftmax(D, V, COUNTS).log_prob(torch.randn(2, D), torch.tensor([0, V]))
    with pytest.raises(ValueError, match="one count per word"):
        HierarchicalSoftmax(D, V, COUNTS[:3])
    with pytest.raises(ValueError, match="finite and >= 0"):
        FullSoftmax(D, V, -COUNTS)


# ---------------------------------------------------------------- models and the training loop

from lmkit.nnlm import AverageLM, BengioLM, RNNLM  # noqa: E402
from lmkit.train import bptt_batches, ngram_batches, train  # noqa: E402

STREAM = np.tile(np.array([3, 4, 5, 6, 7, 8, 2]), 300)  # a deterministic "language"


@pytest.mark.parametrize("make", [
    lambda: AverageLM(10, 8, context=3),
    lambda: BengioLM(10, 8, 16, context=3),
    lambda: BengioLM(10, 8, 16, context=3, skip=True, output=ClassSoftmax(16 + 24, 10, np.ones(10))),
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


@pytest.mark.parametrize("cell, output", [("lstm", "hs"), ("rnn", "nce")])
def test_recurrent_models_learn_and_round_trip_through_state_dict(cell, output, tmp_path):
    torch.manual_seed(0)
    counts = np.bincount(STREAM, minlength=10)
    out = HierarchicalSoftmax(16, 10, counts) if output == "hs" else NCE(16, 10, counts, k=5)
    model = RNNLM(10, 8, 16, cell=cell, output=out)
    valid = next(bptt_batches(STREAM, 4, 20))
    hist = train(model, bptt_batches(STREAM, 8, 20), steps=200, lr=0.02, warmup=10,
                 evaluate=lambda: model(*valid)[1].item(), eval_every=100, progress=False)
    assert hist["valid_loss"][-1][1] < hist["valid_loss"][0][1] and hist["valid_loss"][-1][1] < 0.3
    torch.save(model.state_dict(), tmp_path / "lm.pt")
    twin = RNNLM(10, 8, 16, cell=cell, output=HierarchicalSoftmax(16, 10, counts) if output == "hs"
                 else NCE(16, 10, counts, k=5))
    twin.load_state_dict(torch.load(tmp_path / "lm.pt"))
    model.reset(); twin.reset(); model.eval(); twin.eval()
    assert torch.allclose(model(valid[0])[0], twin(valid[0])[0])


def test_training_is_seeded_and_checks_its_budget():
    def run():
        torch.manual_seed(0)
        m = BengioLM(10, 4, 8, context=2)
        return train(m, ngram_batches(STREAM, 2, 32), steps=30, progress=False, seed=3)["train_loss"]
    assert run() == run()
    with pytest.raises(ValueError, match="give a budget"):
        train(BengioLM(10, 4, 8, context=2), ngram_batches(STREAM, 2, 32), progress=False)
    with pytest.raises(ValueError, match="too short"):
        next(bptt_batches(np.arange(5), 4, 3))
    with pytest.raises(ValueError, match="cell must be"):
        RNNLM(10, 4, 4, cell="gru")


# ---------------------------------------------------------------- evaluation helpers

from lmkit import Vocab  # noqa: E402
from lmkit.nnlm import lm_ids, nearest_neighbours, perplexity, token_logprobs  # noqa: E402


def test_lm_ids_predict_exactly_the_tokens_an_ngram_model_scores():
    from lmkit import NgramLM
    sents = [["a", "b"], ["c"], ["a", "c", "b"]]
    vocab = Vocab(sents)
    ids = lm_ids(vocab, sents)
    assert ids[0] == vocab.eos_id
    assert vocab.decode(ids[1:]) == ["a", "b", "</s>", "c", "</s>", "a", "c", "b", "</s>"]
    assert len(ids) - 1 == len(NgramLM(2).fit(sents).token_logprobs(sents))


@pytest.mark.parametrize("make", [
    lambda: RNNLM(10, 8, 16, cell="lstm"),
    lambda: RNNLM(10, 8, 16, cell="rnn", output=ClassSoftmax(16, 10, np.arange(10) + 1.0)),
    lambda: BengioLM(10, 8, 16, context=3, output=HierarchicalSoftmax(16, 10, np.arange(10) + 1.0)),
], ids=["lstm", "rnn-class", "bengio-hs"])
def test_token_logprobs_match_the_models_own_distributions(make):
    """Token by token, ``token_logprobs`` equals the exact log-distribution of ``forward``
    given the same history; the stream's length need not divide into the batch."""
    torch.manual_seed(0)
    model = make().eval()
    ids = np.random.default_rng(0).integers(0, 10, 23)
    lp = token_logprobs(model, ids, batch=3, length=4)
    assert lp.shape == (22,) and np.all(lp < 0)
    if isinstance(model, RNNLM):  # piece 0 of 3 covers targets 0..7 from a fresh state
        model.reset()
        logits, _ = model(torch.as_tensor(ids[None, :8]))
        ref = logits.gather(1, torch.as_tensor(ids[1:9])[:, None])[:, 0].detach().double().numpy()
        assert np.allclose(lp[:8], ref, atol=1e-5)
        one = token_logprobs(model, ids, batch=1, length=100)
        model.reset()
        logits, _ = model(torch.as_tensor(ids[None, :-1]))
        assert np.allclose(one, logits.gather(1, torch.as_tensor(ids[1:])[:, None])[:, 0].detach().numpy(), atol=1e-5)
    else:  # each target after its 3 previous ids, the start padded with ids[0]
        padded = np.concatenate([[ids[0]] * 2, ids])
        x = torch.as_tensor(np.stack([padded[i:i + 3] for i in range(22)]))
        logits, _ = model(x)
        assert np.allclose(lp, logits.gather(1, torch.as_tensor(ids[1:])[:, None])[:, 0].detach().numpy(), atol=1e-5)
    assert perplexity(model, ids, batch=3, length=4) == pytest.approx(np.exp(-lp.mean()))


def test_uniform_model_has_perplexity_v():
    model = BengioLM(10, 4, 8, context=2)
    with torch.no_grad():
        model.output.proj.weight.zero_(); model.output.proj.bias.zero_()
    assert perplexity(model, np.arange(10).repeat(5)) == pytest.approx(10.0)


def test_tied_embeddings_share_one_matrix_and_survive_state_dict(tmp_path):
    torch.manual_seed(0)
    counts = np.bincount(STREAM, minlength=10)
    model = RNNLM(10, 16, 16, tie=True, output=ImportanceSampling(16, 10, counts, k=4))
    assert model.emb.weight is model.output.proj.weight
    assert sum(p.numel() for p in model.parameters()) < sum(
        p.numel() for p in RNNLM(10, 16, 16, output=ImportanceSampling(16, 10, counts, k=4)).parameters())
    train(model, bptt_batches(STREAM, 8, 20), steps=150, lr=0.02, warmup=10, progress=False)
    assert model.emb.weight is model.output.proj.weight
    assert perplexity(model, STREAM[:200], batch=2) < 1.5
    torch.save(model.state_dict(), tmp_path / "tied.pt")
    twin = RNNLM(10, 16, 16, tie=True, output=ImportanceSampling(16, 10, counts, k=4))
    twin.load_state_dict(torch.load(tmp_path / "tied.pt"))
    assert twin.emb.weight is twin.output.proj.weight
    assert perplexity(twin, STREAM[:200], batch=2) == perplexity(model, STREAM[:200], batch=2)
    with pytest.raises(ValueError, match="dim == hidden"):
        RNNLM(10, 8, 16, tie=True)
    with pytest.raises(ValueError, match="full or sampled"):
        RNNLM(10, 16, 16, tie=True, output=HierarchicalSoftmax(16, 10, counts))


def test_nce_scores_without_normalising_and_others_refuse():
    counts = np.bincount(STREAM, minlength=10)
    torch.manual_seed(0)
    model = RNNLM(10, 8, 16, output=NCE(16, 10, counts, k=5))
    raw = token_logprobs(model, STREAM[:50], batch=2, normalise=False)
    h = torch.randn(3, 16)
    assert torch.allclose(model.output.log_partition(h),
                          torch.logsumexp(model.output.self_normalised(h), 1))
    assert raw.shape == (49,)
    with pytest.raises(ValueError, match="needs an NCE output layer"):
        token_logprobs(RNNLM(10, 8, 16), STREAM[:50], normalise=False)


def test_evaluation_and_neighbours_reject_bad_input():
    model = RNNLM(10, 8, 16)
    with pytest.raises(ValueError, match="at least 2 ids"):
        token_logprobs(model, np.array([3]))
    with pytest.raises(ValueError, match=r"ids must lie in \[0, 10\)"):
        token_logprobs(model, np.array([3, 12]))
    vocab = Vocab(["a", "b", "c", "d"] * 2)
    emb = torch.eye(len(vocab)) + 0.1
    emb[vocab["b"]] = emb[vocab["a"]] * 2
    assert nearest_neighbours(emb, vocab, ["a"], k=1) == {"a": ["b"]}
    with pytest.raises(KeyError, match="'zebra' is not in the vocabulary"):
        nearest_neighbours(emb, vocab, ["zebra"])
