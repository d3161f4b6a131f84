"""The cache model: its cache matches a brute-force window, it is a proper distribution over
any base model, and its per-query methods agree with token_logprobs."""

import inspect

import numpy as np
import pytest
from baglm import HELD, TRAIN, BagLM
from hypothesis import given, settings, strategies as st

from lmkit import NgramLM
from lmkit.adapt import CacheLM, MixtureLM, RelatedWords
from lmkit.text import stream

words = st.sampled_from("the cat dog sat on mat a red zebra".split())

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
    (dict(size=0), r"size \(the cache size K\) must be an integer in \[1, inf\)"),
    (dict(decay=-0.1), r"decay must be a finite number in \[0, inf\)"),
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


# -- proper distributions on a corpus large enough for every code path: related words with
#    real neighbours, unseen histories, OOV words, caches longer than the text, steep decays
from topiccorpus import HELD, TEST, TRAIN as BIG_TRAIN, WORDS  # noqa: E402

BIG = NgramLM(3, "modified-kneser-ney").fit(BIG_TRAIN)
RELATED = RelatedWords(stream(BIG.vocab, BIG_TRAIN), len(BIG.vocab))
seen_or_not = st.sampled_from(WORDS[:40] + WORDS[-5:] + ["zebra", "never-seen"])


@given(st.lists(st.one_of(seen_or_not, st.just("</s>")), max_size=40),
       st.lists(seen_or_not, max_size=5), st.booleans(),
       st.sampled_from([1, 3, 50, 2000, 10**9]),
       st.one_of(st.sampled_from([0.0, 1000.0, 1e300]), st.floats(0, 50)),
       st.booleans(), st.floats(0, 0.6))
@settings(max_examples=80, deadline=None)
def test_every_cache_is_proper_on_a_large_corpus(history, context, start, size, decay, semantic, lam):
    cache = CacheLM(BIG, size=size, decay=decay, lam=lam, related=RELATED if semantic else None,
                    lam_sem=0.3 if semantic else 0.0)
    p = cache.distribution((["<s>"] if start else []) + context, history)
    assert np.all(p >= 0) and abs(p.sum() - 1) < 1e-9


def test_semantic_cache_has_related_words_to_work_with():
    assert len(RELATED.neighbours(BIG.vocab["w0"])[0]) > 0  # the path through neighbours() runs
    assert (RELATED.row_sum > 0).sum() > 100


@pytest.mark.parametrize("semantic", [False, True])
def test_fitted_caches_are_proper_and_agree_with_token_logprobs(semantic):
    cache = CacheLM(BIG, size=300, related=RELATED if semantic else None)
    cache.fit(HELD, decays=[0.0, 0.01, 0.1])
    assert cache.lam > 0.01 and (cache.lam_sem > 0.01 if semantic else cache.lam_sem == 0)
    assert abs(cache.weights.sum() - 1) < 1e-12
    text = TEST[-6:]  # ends with OOV words repeated: the cache must raise <unk>
    lp = cache.token_logprobs(text)
    history, i = [], 0
    for sent in text:
        ctx = ["<s>"]
        for w in sent + ["</s>"]:
            p = cache.distribution(ctx, history)
            assert abs(p.sum() - 1) < 1e-9 and np.all(p >= 0)
            assert np.log(p[BIG.vocab[w]]) == pytest.approx(lp[i], rel=1e-12)
            ctx.append(w)
            history.append(w)
            i += 1
    assert i == len(lp)


def test_a_cache_over_a_model_that_gives_zeros_still_has_weights_that_sum_to_one():
    mle = NgramLM(2, "mle").fit(BIG_TRAIN[:300])
    with pytest.warns(RuntimeWarning, match="held-out tokens get probability 0 from every component"):
        cache = CacheLM(mle, size=50).fit(HELD)
    assert abs(cache.weights.sum() - 1) < 1e-12 and 0 < cache.lam < 1
    assert cache.trace[-1][1] == -np.inf
    for ctx in (["<s>"], ["<s>", "w3"]):  # seen histories: MLE is proper there only
        assert abs(cache.distribution(ctx, ["w3", "w7", "zebra"]).sum() - 1) < 1e-9


def test_a_steep_decay_keeps_only_the_last_token():
    # e^{-ρd} underflows to 0 for every d at ρ = 1000; the cache must still be the last token
    ids = stream(BIG.vocab, TEST[:3])
    steep = CacheLM(BIG, size=100, decay=1000.0, lam=0.5)
    got = steep.cache_probs(ids)
    assert np.array_equal(got[1:], (ids[1:] == ids[:-1]).astype(float))
    p = steep.distribution(["<s>"], ["w5", "w9"])
    assert p[BIG.vocab["w9"]] == pytest.approx(0.5 * BIG.prob("w9", ["<s>"]) + 0.5)
    assert abs(p.sum() - 1) < 1e-12


@given(st.lists(st.integers(0, 4), min_size=1, max_size=40), st.integers(1, 50),
       st.sampled_from([0.0, 0.3, 2.0, 1000.0]))
@settings(max_examples=150, deadline=None)
def test_every_path_of_cache_probs_matches_the_formula(seq, size, decay):
    """The plain cache (any K), the decaying cache over the whole text (K >= n - 1) and over a
    window: p_cache(w_i) = sum_{d<=K} e^{-ρd}[w_{i-d} = w_i] / sum_{d<=K} e^{-ρd}."""
    lm = NgramLM(1).fit([["a", "b", "c"]])  # 6 ids: the stream uses 0..4
    ids = np.array(seq)
    got = CacheLM(lm, size=size, decay=decay).cache_probs(ids)
    assert np.isnan(got[0])
    for i in range(1, len(ids)):
        ds = np.arange(1, min(size, i) + 1)
        w = np.exp(-decay * (ds - 1))  # the formula's weights times e^ρ, as the model keeps them
        want = w[ids[i - ds] == ids[i]].sum() / w.sum()
        assert got[i] == pytest.approx(want, rel=1e-12, abs=1e-300)
        if decay == 0:
            assert got[i] == want  # counts: exact


def test_a_cache_longer_than_the_text():
    # the path once quadratic when K >= n (10^6 over 268k tokens: 8.8 s), now O(n log n) or
    # O(n); its speed is not asserted here (no timed tests), its values are
    rng = np.random.default_rng(0)
    ids = rng.zipf(1.3, 268_000) % 5
    lm = NgramLM(1).fit([["a", "b", "c"]])
    for decay in (0.0, 0.01):
        got = CacheLM(lm, size=10**6, decay=decay).cache_probs(ids)
        assert np.all((got[1:] >= 0) & (got[1:] <= 1))
        if decay == 0:  # the relative frequency of the word in all the text before it
            i = len(ids) - 1
            assert got[i] == np.count_nonzero(ids[:i] == ids[i]) / i


def test_the_fit_trace_ends_at_the_heldout_perplexity():
    """Chapter 3 chooses K and ρ by exp(-trace[-1][1]): it must be the held-out perplexity
    of the fitted cache, and the chosen ρ must be the one with the best held-out fit."""
    lm = NgramLM(2, "kneser-ney", discount_fallback=True).fit(TRAIN)
    rhos = [0.0, 0.1, 1.0]
    for size in (2, 8):
        fits = [CacheLM(lm, size=size, decay=r).fit(HELD) for r in rhos]
        for cache in fits:
            assert np.exp(-cache.trace[-1][1]) == pytest.approx(cache.perplexity(HELD))
        grid = CacheLM(lm, size=size).fit(HELD, decays=rhos)
        assert grid.decay == rhos[int(np.argmax([c.trace[-1][1] for c in fits]))]
