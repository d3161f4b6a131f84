"""Adaptation: cache, mixture and max-ent models are proper distributions; EM; bad input."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

from lmkit import NgramLM
from lmkit.adapt import (CacheLM, MaxEntLM, MixtureLM, RelatedWords, SkipBigram, em_weights,
                         kmeans, select_triggers, split_articles, stream, tfidf)

TRAIN = [s.split() for s in ["the cat sat on the mat", "the dog sat on the cat",
                             "a cat and a dog", "the mat is red"]] * 3
HELD = [s.split() for s in ["the dog sat on the mat", "a red cat"]]
words = st.sampled_from("the cat dog sat on mat a red zebra".split())


def test_cache_probs_match_a_brute_force_window():
    lm = NgramLM(2, "kneser-ney").fit(TRAIN)
    ids = stream(lm.vocab, TRAIN[:3])
    for decay in (0.0, 0.3):
        cache = CacheLM(lm, size=4, decay=decay)
        got = cache.cache_probs(ids)
        for i in range(1, len(ids)):
            w = [np.exp(-decay * d) for d in range(1, min(4, i) + 1)]
            want = sum(wd for d, wd in enumerate(w, 1) if ids[i - d] == ids[i]) / sum(w)
            assert got[i] == pytest.approx(want)
        assert np.isnan(got[0])


@given(st.lists(words, max_size=12), st.lists(words, max_size=3), st.integers(1, 6),
       st.floats(0, 1), st.booleans())
@settings(max_examples=40, deadline=None)
def test_cache_distribution_sums_to_one(history, context, size, decay, semantic):
    lm = NgramLM(3, "modified-kneser-ney").fit(TRAIN)
    rel = RelatedWords(stream(lm.vocab, TRAIN), len(lm.vocab), window=2, top=3, min_count=1) \
        if semantic else None
    cache = CacheLM(lm, size=size, decay=decay, lam=0.2, related=rel, lam_sem=0.1 if semantic else 0)
    p = cache.distribution(history, context)
    assert abs(p.sum() - 1) < 1e-9 and np.all(p >= 0)


def test_cache_token_probabilities_agree_with_its_distribution():
    lm = NgramLM(2, "kneser-ney").fit(TRAIN)
    cache = CacheLM(lm, size=5, decay=0.1).fit(HELD)
    lp = cache.token_logprobs(HELD[:1])
    sent = HELD[0] + ["</s>"]
    for i, w in enumerate(sent):
        ctx = ["<s>"] + sent[:i]
        p = cache.distribution(sent[:i], ctx)
        assert np.log(p[lm.vocab[w]]) == pytest.approx(lp[i])
        assert cache.logprob(w, ctx, history=sent[:i]) == pytest.approx(lp[i])


def test_em_never_decreases_the_likelihood_and_mixture_beats_components():
    rng = np.random.default_rng(0)
    probs = rng.dirichlet(np.ones(3), size=200).T
    lam, trace = em_weights(probs)
    ll = [t[1] for t in trace]
    assert np.all(np.diff(ll) >= -1e-12) and abs(lam.sum() - 1) < 1e-12
    a, b = NgramLM(1, "witten-bell").fit(TRAIN[:4]), NgramLM(2, "kneser-ney").fit(TRAIN[4:])
    mix = MixtureLM([a, b]).fit_weights(HELD)
    # EM approaches the best weights from inside the simplex: never worse than the best model
    assert mix.perplexity(HELD) <= min(a.perplexity(HELD), b.perplexity(HELD)) * (1 + 1e-4)
    assert abs(mix.distribution(["the"]).sum() - 1) < 1e-12
    want = mix.weights @ [np.exp(a.logprob("cat", ["the"])), np.exp(b.logprob("cat", ["the"]))]
    assert np.exp(mix.logprob("cat", ["the"])) == pytest.approx(want)


def test_skip_bigram_is_a_distribution():
    ids = stream(NgramLM(1).fit(TRAIN).vocab, TRAIN)
    m = SkipBigram(ids, int(ids.max()) + 1, 2)
    size = int(ids.max()) + 1
    for a in range(size):
        total = sum(m.token_probs(np.array([a, 0, w]))[2] for w in range(size))  # p(w | a, 2 back)
        assert total == pytest.approx(1.0)


def test_articles_tfidf_and_kmeans():
    lines = [[], ["=", "A", "="], ["x", "y"], ["=", "=", "sub", "=", "="], ["z"], ["=", "B", "="], ["w"]]
    arts = split_articles(lines)
    assert [len(a) for a in arts] == [5, 2] and arts[1][0] == ["=", "B", "="]
    from lmkit import Vocab
    docs = [["oil", "oil", "barrel"], ["oil", "crude"], ["goal", "match"], ["match", "team", "goal"]]
    x = tfidf(docs, Vocab(docs))
    assert np.allclose(np.linalg.norm(x, axis=1), 1)
    labels, _ = kmeans(x, 2, seed=0)
    assert labels[0] == labels[1] != labels[2] == labels[3]
    with pytest.raises(ValueError, match="k must lie"):
        kmeans(x, 5)


def test_triggers_find_a_planted_pair_and_maxent_learns():
    rng = np.random.default_rng(0)
    ids = rng.integers(2, 30, size=20_000)
    plant = np.flatnonzero(ids == 5)
    plant = plant[plant + 4 < len(ids)]
    ids[plant + 4] = 7  # 5 is followed by 7 four positions later
    trig = select_triggers(ids, 30, window=5, top=5, min_count=5, skip=0)
    assert (5, 7) in [(a, b) for a, b, _ in trig]
    torch.manual_seed(0)
    model = MaxEntLM(30, trig)
    losses = model.fit(ids, window=5, epochs=2, batch=1024, lr=0.05, progress=False)
    assert np.isfinite(losses).all() and np.mean(losses[-5:]) < np.mean(losses[:5])
    lp = model.token_logprobs_ids(ids[:500], window=5)
    assert lp.shape == (500,) and np.all(lp < 0)
    logits, loss = model({"prev1": torch.tensor([5]), "prev2": torch.tensor([-1]),
                          "window": torch.full((1, 5), -1)})
    assert logits.shape == (1, 30) and loss is None


@pytest.mark.parametrize("kwargs, match", [
    (dict(size=0), "cache size K must be an integer >= 1"),
    (dict(decay=-0.1), "decay must be >= 0"),
    (dict(lam=0.7, lam_sem=0.4), "must be >= 0 and sum to < 1"),
])
def test_cache_bad_parameters(kwargs, match):
    lm = NgramLM(2, "kneser-ney").fit(TRAIN)
    with pytest.raises(ValueError, match=match):
        CacheLM(lm, **kwargs)


def test_bad_weights_and_empty_heldout():
    lm = NgramLM(2, "kneser-ney").fit(TRAIN)
    with pytest.raises(ValueError, match="sum to 1"):
        MixtureLM([lm, lm], weights=[0.5, 0.6])
    with pytest.raises(ValueError, match="need 2 weights"):
        MixtureLM([lm, lm], weights=[1.0])
    with pytest.raises(ValueError, match="held-out set is empty"):
        MixtureLM([lm, lm]).fit_weights([])
    with pytest.raises(ValueError, match="held-out set is empty"):
        CacheLM(lm).fit([])
    with pytest.raises(ValueError, match="unknown features"):
        MaxEntLM(10, use=("bigram", "fourgram"))
