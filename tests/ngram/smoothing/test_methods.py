"""Every smoothing method of ``SMOOTHING``: proper distributions (on tiny corpora and on corpora
large enough for every code path), the notes' example, the fitted parameters (bad parameters and
misuse: test_ngram_bad_inputs.py)."""

import math

import numpy as np
import pytest
from hypothesis import example, given, settings, strategies as st

from lmkit import NgramLM
from lmkit.ngram import SMOOTHING

METHODS = sorted(set(SMOOTHING) - {"mle"})
DISCOUNTING = sorted(m for m in METHODS if SMOOTHING[m].fits_discounts)
corpora = st.lists(st.lists(st.sampled_from("abcdef"), min_size=0, max_size=8), min_size=1, max_size=15) \
    .filter(lambda c: sum(map(len, c)) >= 2)
contexts = st.lists(st.sampled_from(list("abcdefxy") + ["<s>", "<unk>"]), max_size=5)
BOOKS = [s.split() for s in ["BROWN READ HOLY BIBLE", "MARK READ A TEXT BOOK", "HE READ A BOOK BY DAVID"]]


def fit(name, order, train, heldout, **options):
    return NgramLM(order, smoothing=name, **options).fit(train, heldout=heldout)


def test_the_discounting_methods_are_the_four_that_estimate_discounts():
    assert "mle" in SMOOTHING
    assert DISCOUNTING == ["absolute", "katz", "kneser-ney", "modified-kneser-ney"]


@pytest.mark.parametrize("name", METHODS)
@given(train=corpora, heldout=corpora, order=st.integers(1, 5), ctxs=st.lists(contexts, min_size=1, max_size=4))
@settings(max_examples=25, deadline=None)
@example(train=[["a", "a"]], heldout=[["a", "a"]], order=5, ctxs=[[]])  # no n-grams of the top order
def test_every_method_is_a_proper_distribution_after_any_context(name, train, heldout, order, ctxs):
    if name == "church-gale":
        order = 2
    lm = fit(name, order, train, heldout, discount_fallback=True)  # tiny corpora: fall back
    for ctx in ctxs + [[], ["<s>"], list(train[0])]:
        p = lm.distribution(ctx)
        assert p[lm.vocab.bos_id] == 0 and np.all(p >= 0)
        assert abs(p.sum() - 1) < 1e-9, (ctx, p.sum())


@pytest.mark.parametrize("name", METHODS)
def test_david_read_a_book_gets_a_probability_under_every_method(name):
    lm = fit(name, 2, BOOKS, [["HE", "READ", "A", "BOOK"]], discount_fallback=True)
    assert lm.sentence_logprob("DAVID READ A BOOK".split()) > -math.inf


@pytest.mark.parametrize("name", METHODS)
def test_every_method_reports_its_fitted_parameters_by_name(name):
    lm = fit(name, 2, BOOKS, [["HE", "READ", "A", "BOOK"]], discount_fallback=True)
    want = {"additive": {"delta"}, "add-one": {"delta"}, "jelinek-mercer": {"lambdas"}, "dirichlet": {"mu"},
            "church-gale": {"r0", "edges"}}.get(name, {"discounts", "fallback_orders"} if name in DISCOUNTING else set())
    assert set(lm.parameters) == want
    if name in DISCOUNTING:  # the same way for every discounting method: one entry per order
        assert set(lm.parameters["discounts"]) == {1, 2}


# ------------------------------------------- proper on corpora large enough for every code path


@st.composite
def zipf_corpora(draw, min_sentences=300):
    """Train, held-out and test sentences of Zipf-distributed words (a few thousand tokens,
    some sentences empty, a few words seen once): rare and frequent words, counts on both
    sides of Katz's k, histories seen once and many times."""
    seed = draw(st.integers(0, 2 ** 32 - 1))
    n_words = draw(st.integers(30, 400))
    n_sents = draw(st.integers(min_sentences, 2 * min_sentences))
    a = draw(st.floats(1.0, 2.0))
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, n_words + 1) ** a

    def sentences(n):
        lens = rng.integers(0, 16, n)
        words = [f"w{i}" for i in rng.choice(n_words, lens.sum(), p=p / p.sum())]
        return [words[e - n:e] for n, e in zip(lens, np.cumsum(lens))]

    rare = [[f"rare{i}", "w0"] for i in range(3)]  # seen once, as are their bigrams
    return sentences(n_sents) + rare, sentences(n_sents // 4 + 1), sentences(20)


def probe_contexts(lm, train, test, rng):
    """Seen histories, unseen ones, out-of-vocabulary words, <s> and <unk> in them, and
    histories longer than the order."""
    n = lm.order
    seen = [s[max(0, i - n + 1):i] for s in train for i in range(1, len(s) + 1)]
    picks = [seen[i] for i in rng.choice(len(seen), min(25, len(seen)), replace=False)]
    words = lm.vocab.itos[3:]
    unseen = [list(rng.choice(words, n - 1)) for _ in range(8)]
    oov = [["never-seen"], ["never-seen", "w0"], ["w0", "never-seen"] * n, ["<unk>"] * n]
    longer = [list(rng.choice(words, n + 3)) for _ in range(4)] + [s for s in test if len(s) > n][:4]
    at_start = [["<s>"], ["<s>", "w0"], ["w1", "<s>", "w0"]]
    return [[]] + picks + unseen + oov + longer + at_start


@pytest.mark.parametrize("name", METHODS)
@given(corpus=zipf_corpora(), order=st.integers(1, 4), k=st.integers(1, 8))
@settings(max_examples=20, deadline=None)
def test_every_method_is_proper_on_corpora_large_enough_for_every_code_path(name, corpus, order, k):
    train, heldout, test = corpus
    if name == "church-gale":
        order = 2
    options = {"k": k} if name == "katz" else {}
    try:  # the discounts estimated from the counts of counts where they are in range ...
        lm = NgramLM(order, name, **options).fit(train, heldout=heldout)
    except ValueError as err:  # ... the fallback where they are not
        assert "out of range" in str(err)
        lm = NgramLM(order, name, discount_fallback=True, **options).fit(train, heldout=heldout)
    if name == "katz":  # counts above k (kept as they are) and at most k (discounted)
        c = lm.counts_of_order(1)
        assert c.max() > k and c.min() <= k
    if name == "church-gale":
        assert len(lm.parameters["r0"]) > 1  # several buckets
    for ctx in probe_contexts(lm, train, test, np.random.default_rng(len(train))):
        p = lm.distribution(ctx)
        assert p[lm.vocab.bos_id] == 0 and np.all(p >= 0)
        assert abs(p.sum() - 1) < 1e-9, (name, ctx, p.sum())
    lp = lm.token_logprobs(test + [["never-seen", "w0"]])
    assert np.all(np.isfinite(lp)) and np.all(lp < 0)
