"""Every smoothing method of ``SMOOTHING``: proper distributions, the notes' example, bad
parameters and misuse."""

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


# ---------------------------------------------------------------- bad parameters


@pytest.mark.parametrize("name, params, match", [
    ("additive", dict(delta=0), "delta must be > 0"),
    ("additive", dict(delta=-1.0), "delta must be > 0"),
    ("absolute", dict(discount=0.0), r"discount must lie in \(0, 1\]"),
    ("kneser-ney", dict(discount=1.5), r"discount must lie in \(0, 1\]"),
    ("modified-kneser-ney", dict(discounts={2: (0.5, 1.0)}), r"\(D1, D2, D3\+\)"),
    ("modified-kneser-ney", dict(discounts={2: (0.5, 2.5, 1.0)}), r"D2 must lie in \(0, 2\]"),
    ("dirichlet", dict(mu=0), "mu"),
    ("katz", dict(k=0), "Katz's k"),
    ("jelinek-mercer", dict(buckets=0), "buckets must be an int >= 1"),
    ("church-gale", dict(buckets=0), "buckets must be an int >= 1"),
])
def test_bad_parameters(name, params, match):
    with pytest.raises(ValueError, match=match):
        NgramLM(2, smoothing=name, **params).fit(BOOKS, heldout=BOOKS)


def test_missing_or_empty_heldout_and_other_misuse(tmp_path):
    with pytest.raises(ValueError, match="jelinek-mercer fits its parameters on held-out data"):
        NgramLM(2, "jelinek-mercer").fit(BOOKS)
    with pytest.raises(ValueError, match="held-out set is empty"):
        NgramLM(2, "jelinek-mercer").fit(BOOKS, heldout=[])
    with pytest.raises(ValueError, match="dirichlet fits its parameters on held-out"):
        NgramLM(2, "dirichlet").fit(BOOKS)
    with pytest.raises(ValueError, match="Church-Gale is defined for bigrams"):
        NgramLM(3, "church-gale").fit(BOOKS)
    with pytest.raises(ValueError, match="no ARPA form"):
        NgramLM(2, "add-one").fit(BOOKS).write_arpa(tmp_path / "x.arpa")
    with pytest.raises(ValueError, match="unknown smoothing 'kneser_ney'"):
        NgramLM(2, "kneser_ney")
