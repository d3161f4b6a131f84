"""The cache model: its cache matches a brute-force window, it is a proper distribution over
any base model, and its per-query methods agree with token_logprobs."""

import inspect

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from lmkit import NgramLM
from lmkit.adapt import CacheLM, MixtureLM, RelatedWords
from lmkit.lm import LanguageModel
from lmkit.text import stream

TRAIN = [s.split() for s in ["the cat sat on the mat", "the dog sat on the cat",
                             "a cat and a dog", "the mat is red"]] * 3
HELD = [s.split() for s in ["the dog sat on the mat", "a red cat"]]
words = st.sampled_from("the cat dog sat on mat a red zebra".split())


class BagLM(LanguageModel):
    """Not an n-gram model: an add-one unigram of the running text, whatever the history."""

    def __init__(self, vocab, sentences):
        self.vocab = vocab
        c = np.bincount(stream(vocab, sentences), minlength=len(vocab)) + 1.0
        c[vocab.bos_id] = 0.0
        self.p = c / c.sum()

    def token_logprobs(self, sentences):
        return np.log(self.p[stream(self.vocab, sentences)])

    def distribution(self, context=()):
        return self.p.copy()


def test_cache_probs_match_a_brute_force_window():
    lm = NgramLM(2, "kneser-ney", discount_fallback=True).fit(TRAIN)
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
    lm = NgramLM(3, "modified-kneser-ney", discount_fallback=True).fit(TRAIN)
    rel = RelatedWords(stream(lm.vocab, TRAIN), len(lm.vocab), window=2, top=3, min_count=1) \
        if semantic else None
    cache = CacheLM(lm, size=size, decay=decay, lam=0.2, related=rel, lam_sem=0.1 if semantic else 0)
    p = cache.distribution(context, history)
    assert abs(p.sum() - 1) < 1e-9 and np.all(p >= 0)


def test_cache_token_probabilities_agree_with_its_distribution():
    lm = NgramLM(2, "kneser-ney", discount_fallback=True).fit(TRAIN)
    cache = CacheLM(lm, size=5, decay=0.1).fit(HELD)
    lp = cache.token_logprobs(HELD[:1])
    sent = HELD[0] + ["</s>"]
    for i, w in enumerate(sent):
        ctx = ["<s>"] + sent[:i]
        p = cache.distribution(ctx, sent[:i])
        assert np.log(p[lm.vocab[w]]) == pytest.approx(lp[i])
        assert cache.logprob(w, ctx, history=sent[:i]) == pytest.approx(lp[i])


def test_logprob_and_distribution_take_context_then_history():
    lm = NgramLM(2, "kneser-ney", discount_fallback=True).fit(TRAIN)
    cache = CacheLM(lm, size=5, lam=0.3)
    for method in (cache.logprob, cache.distribution):
        names = list(inspect.signature(method).parameters)
        assert names[-2:] == ["context", "history"]
    ctx, hist = ["<s>", "the"], ["dog", "dog", "red"]
    p = cache.distribution(ctx, hist)
    assert np.array_equal(p, cache.distribution(context=ctx, history=hist))
    assert cache.logprob("dog", ctx, hist) == pytest.approx(np.log(p[lm.vocab["dog"]]))
    # the cache part is the history's: "dog" is raised by 0.3 * 2/3 over the base
    assert p[lm.vocab["dog"]] == pytest.approx(0.7 * lm.prob("dog", ctx) + 0.3 * 2 / 3)
    assert np.array_equal(cache.distribution(ctx), lm.distribution(ctx))  # empty cache: the base


def test_cache_over_a_model_that_is_not_an_ngram():
    lm = NgramLM(1).fit(TRAIN)
    bag = BagLM(lm.vocab, TRAIN)
    cache = CacheLM(bag, size=3, lam=0.25)
    test = HELD + [["zebra", "cat"]]
    lp = cache.token_logprobs(test)
    ids = stream(bag.vocab, test)
    for i, w in enumerate(ids):  # brute force: (1 - λ) p_bag + λ (share of w in the last 3)
        window = ids[max(0, i - 3):i]
        want = bag.p[w] if i == 0 else 0.75 * bag.p[w] + 0.25 * np.mean(window == w)
        assert np.exp(lp[i]) == pytest.approx(want)
        assert np.exp(lp[i]) == pytest.approx(cache.distribution((), bag.vocab.decode(ids[:i]))[w])
    assert cache.perplexity(test) == pytest.approx(np.exp(-lp.mean()))
    bursty = [["cat", "cat", "cat"], ["dog", "dog", "dog", "dog"], ["red", "red"]]
    fitted = CacheLM(bag, size=3).fit(bursty)  # words repeat at once: the cache earns weight
    assert fitted.lam > 0.3 and fitted.perplexity(bursty) < 0.6 * bag.perplexity(bursty)


def test_cache_over_a_mixture_and_a_mixture_of_caches():
    a = NgramLM(1, "witten-bell").fit(TRAIN)
    b = NgramLM(2, "kneser-ney", vocab=a.vocab, discount_fallback=True).fit(TRAIN[4:])
    mix = MixtureLM([a, b], [0.4, 0.6])
    cache = CacheLM(mix, size=4, lam=0.2)
    p = cache.distribution(["<s>", "the"], ["red", "cat"])
    assert abs(p.sum() - 1) < 1e-9
    outer = MixtureLM([cache, CacheLM(a, size=2)]).fit_weights(HELD)
    assert np.isfinite(outer.perplexity(HELD))
    assert outer.perplexity(HELD) <= max(cache.perplexity(HELD), CacheLM(a, size=2).perplexity(HELD))


@pytest.mark.parametrize("kwargs, match", [
    (dict(size=0), "cache size K must be an integer >= 1"),
    (dict(decay=-0.1), "decay must be >= 0"),
    (dict(lam=0.7, lam_sem=0.4), "must be >= 0 and sum to < 1"),
])
def test_cache_bad_parameters(kwargs, match):
    lm = NgramLM(2, "kneser-ney", discount_fallback=True).fit(TRAIN)
    with pytest.raises(ValueError, match=match):
        CacheLM(lm, **kwargs)


def test_cache_bad_base_related_and_heldout():
    lm = NgramLM(2, "kneser-ney", discount_fallback=True).fit(TRAIN)
    with pytest.raises(ValueError, match="held-out set is empty"):
        CacheLM(lm).fit([])
    with pytest.raises(ValueError, match="no vocabulary yet: fit it first"):
        CacheLM(NgramLM(2, "kneser-ney"))
    with pytest.raises(TypeError, match="token_logprobs"):
        CacheLM(object())
    small = RelatedWords(np.array([0, 1, 2, 1, 0]), 3, window=1)
    with pytest.raises(ValueError, match="same vocabulary"):
        CacheLM(lm, related=small, lam_sem=0.1)
    with pytest.raises(TypeError, match="history must be a sequence of tokens"):
        CacheLM(lm).distribution(["<s>"], "the cat")
