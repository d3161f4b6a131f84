"""Mixtures: EM, any language model as a component, one shared vocabulary, bad input."""

import inspect

import numpy as np
import pytest
from baglm import HELD, TRAIN, BagLM
from hypothesis import given, settings, strategies as st

from lmkit import NgramLM, UniformLM, Vocab
from lmkit.adapt import CacheLM, MixtureLM, SkipBigram, em_weights
from lmkit.metrics import perplexity
from lmkit.text import stream


def test_em_never_decreases_the_likelihood_and_mixture_beats_components():
    rng = np.random.default_rng(0)
    probs = rng.dirichlet(np.ones(3), size=200).T
    lam, trace = em_weights(probs)
    ll = [t[1] for t in trace]
    assert np.all(np.diff(ll) >= -1e-12) and abs(lam.sum() - 1) < 1e-12
    a = NgramLM(1, "witten-bell").fit(TRAIN[:4])
    b = NgramLM(2, "kneser-ney", discount_fallback=True).fit(TRAIN[4:])
    mix = MixtureLM([a, b]).fit_weights(HELD)
    # EM approaches the best weights from inside the simplex: never worse than the best model
    assert mix.perplexity(HELD) <= min(a.perplexity(HELD), b.perplexity(HELD)) * (1 + 1e-4)
    assert abs(mix.distribution(["the"]).sum() - 1) < 1e-12
    want = mix.weights @ [np.exp(a.logprob("cat", ["the"])), np.exp(b.logprob("cat", ["the"]))]
    assert np.exp(mix.logprob("cat", ["the"])) == pytest.approx(want)


def test_mixture_of_models_that_are_not_ngrams():
    lm = NgramLM(2, "kneser-ney", discount_fallback=True).fit(TRAIN)
    bag, uniform = BagLM(lm.vocab, TRAIN[:4]), UniformLM(lm.vocab)
    mix = MixtureLM([lm, bag, uniform], [0.5, 0.3, 0.2])
    lp = mix.token_logprobs(HELD)
    want = np.log(0.5 * np.exp(lm.token_logprobs(HELD)) + 0.3 * bag.p[stream(lm.vocab, HELD)]
                  + 0.2 / (len(lm.vocab) - 1))
    assert np.allclose(lp, want)
    assert mix.perplexity(HELD) == pytest.approx(perplexity(want))
    assert mix.cross_entropy(HELD) == pytest.approx(-want.mean() / np.log(2))
    fitted = MixtureLM([bag, lm]).fit_weights(HELD)
    assert fitted.perplexity(HELD) <= min(bag.perplexity(HELD), lm.perplexity(HELD)) * (1 + 1e-4)
    p = fitted.distribution(["<s>", "the"])
    assert abs(p.sum() - 1) < 1e-12
    assert np.allclose(p, fitted.weights[0] * bag.p + fitted.weights[1] * lm.distribution(["<s>", "the"]))
    assert fitted.logprob("cat", ["<s>", "the"]) == pytest.approx(np.log(p[lm.vocab["cat"]]))
    nested = MixtureLM([fitted, uniform], [0.9, 0.1])  # a mixture is a language model too
    assert np.allclose(np.exp(nested.token_logprobs(HELD)),
                       0.9 * np.exp(fitted.token_logprobs(HELD)) + 0.1 / (len(lm.vocab) - 1))


def test_logprob_and_distribution_follow_ngramlm():
    for name in ("logprob", "distribution"):
        assert (list(inspect.signature(getattr(MixtureLM, name)).parameters)
                == list(inspect.signature(getattr(NgramLM, name)).parameters))


def test_components_must_share_one_vocabulary():
    a = NgramLM(2, "kneser-ney", discount_fallback=True).fit(TRAIN)
    b = NgramLM(2, "kneser-ney", discount_fallback=True).fit(HELD)  # its own, smaller vocabulary
    with pytest.raises(ValueError, match="share one vocabulary.*model 1 has"):
        MixtureLM([a, b])
    itos = list(a.vocab.itos)
    itos[3], itos[4] = itos[4], itos[3]  # same size, two words swapped
    c = NgramLM(2, "kneser-ney", vocab=Vocab.from_itos(itos), discount_fallback=True).fit(TRAIN)
    with pytest.raises(ValueError, match=f"id 3 is {itos[3]!r}"):
        MixtureLM([a, c])
    same = NgramLM(1, vocab=Vocab.from_itos(a.vocab.itos)).fit(TRAIN)  # equal, not identical
    assert MixtureLM([a, same]).vocab is a.vocab


def test_bad_weights_and_empty_heldout():
    lm = NgramLM(2, "kneser-ney", discount_fallback=True).fit(TRAIN)
    with pytest.raises(ValueError, match="sum to 1"):
        MixtureLM([lm, lm], weights=[0.5, 0.6])
    with pytest.raises(ValueError, match="needs 2 weights"):
        MixtureLM([lm, lm], weights=[1.0])
    with pytest.raises(ValueError, match="held-out set is empty"):
        MixtureLM([lm, lm]).fit_weights([])
    with pytest.raises(ValueError, match="at least one model"):
        MixtureLM([])
    with pytest.raises(ValueError, match="no vocabulary yet"):
        MixtureLM([lm, NgramLM(2)])


def test_weights_sum_to_one_when_no_model_predicts_a_token():
    # the case: two MLE models, a held-out word that neither has seen
    v = Vocab([["x", "y", "z"]])
    a = NgramLM(1, "mle", vocab=v).fit([["x", "y"]])
    b = NgramLM(2, "mle", vocab=v).fit([["y", "x"]])
    held = [["x", "z", "y"]]
    with pytest.warns(RuntimeWarning, match="1 of 4 held-out tokens get probability 0"):
        mix = MixtureLM([a, b]).fit_weights(held)
    assert mix.weights.sum() == pytest.approx(1, abs=1e-12)
    assert np.allclose(mix.weights, [1, 0])  # b predicts none of the other tokens
    assert abs(mix.distribution(["x"]).sum() - 1) < 1e-12
    assert mix.trace[-1][1] == -np.inf and mix.perplexity(held) == np.inf


# -- proper distributions on a corpus large enough for every code path
from topiccorpus import HELD as BIG_HELD, TRAIN as BIG_TRAIN, WORDS  # noqa: E402

KN = NgramLM(3, "modified-kneser-ney").fit(BIG_TRAIN)
PARTS = [KN,
         NgramLM(2, "witten-bell", vocab=KN.vocab).fit(BIG_TRAIN[:400]),
         NgramLM(4, "kneser-ney", vocab=KN.vocab, discount_fallback=True).fit(BIG_TRAIN[1000:1500]),
         CacheLM(KN, size=100, lam=0.2),
         SkipBigram(2, vocab=KN.vocab).fit(BIG_TRAIN)]
FITTED = MixtureLM(PARTS).fit_weights(BIG_HELD)
seen_or_not = st.sampled_from(WORDS[:40] + WORDS[-5:] + ["zebra", "never-seen"])


@given(st.lists(seen_or_not, max_size=6), st.booleans(), st.integers(0, 2**32 - 1))
@settings(max_examples=60, deadline=None)
def test_every_mixture_is_proper_on_a_large_corpus(context, start, seed):
    ctx = (["<s>"] if start else []) + context  # unseen histories, OOV words, longer than the order
    weights = np.random.default_rng(seed).dirichlet(np.ones(len(PARTS)) * 0.3)
    for mix in (FITTED, MixtureLM(PARTS, weights), MixtureLM([FITTED, PARTS[1]], [0.5, 0.5])):
        p = mix.distribution(ctx)
        assert np.all(p >= 0) and abs(p.sum() - 1) < 1e-9


def test_fitted_mixture_on_a_large_corpus():
    assert abs(FITTED.weights.sum() - 1) < 1e-12 and np.all(FITTED.weights > 0)
    ll = [t[1] for t in FITTED.trace]
    assert np.all(np.isfinite(ll)) and np.all(np.diff(ll) >= -1e-12)
    assert FITTED.perplexity(BIG_HELD) < min(m.perplexity(BIG_HELD) for m in PARTS)


def test_fit_weights_starts_from_init_and_scores_through_mix_logprobs():
    lm1 = NgramLM(1, "add-one").fit(TRAIN)
    lm2 = NgramLM(2, "kneser-ney", discount_fallback=True, vocab=lm1.vocab).fit(TRAIN)
    init = np.array([0.9, 0.1])
    mix = MixtureLM([lm1, lm2]).fit_weights(HELD, iterations=5, tol=-np.inf, init=init)
    want, trace = em_weights(mix.components(HELD), 5, -np.inf, init)
    assert np.array_equal(mix.trace[0][0], init) and np.array_equal(mix.weights, want)
    assert np.array_equal(mix.weights, mix.trace[-1][0]) and len(mix.trace) == 6
    lp = mix.token_logprobs(TRAIN[:2])
    assert np.allclose(lp, np.log(mix.weights @ mix.components(TRAIN[:2])), rtol=1e-13, atol=0)
    assert mix.trace[-1][1] == pytest.approx(mix.token_logprobs(HELD).mean())
    with pytest.raises(ValueError, match="init must be finite weights"):
        MixtureLM([lm1, lm2]).fit_weights(HELD, init=[0.5, 0.6])
