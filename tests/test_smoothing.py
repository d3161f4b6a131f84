"""Every smoothing method: proper distributions, hand-checked values, ARPA, bad parameters."""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given, settings, strategies as st

from lmkit import NgramLM
from lmkit.ngram import SMOOTHING, Katz, simple_good_turing

METHODS = sorted(set(SMOOTHING) - {"mle"})
corpora = st.lists(st.lists(st.sampled_from("abcdef"), min_size=0, max_size=8), min_size=1, max_size=15) \
    .filter(lambda c: sum(map(len, c)) >= 2)
contexts = st.lists(st.sampled_from(list("abcdefxy") + ["<s>", "<unk>"]), max_size=5)


def fit(name, order, train, heldout):
    return NgramLM(order, smoothing=name).fit(train, heldout=heldout)


@pytest.mark.parametrize("name", METHODS)
@given(train=corpora, heldout=corpora, order=st.integers(1, 5), ctxs=st.lists(contexts, min_size=1, max_size=4))
@settings(max_examples=25, deadline=None)
@example(train=[["a", "a"]], heldout=[["a", "a"]], order=5, ctxs=[[]])  # no n-grams of the top order
def test_every_method_is_a_proper_distribution_after_any_context(name, train, heldout, order, ctxs):
    if name == "church-gale":
        order = 2
    lm = fit(name, order, train, heldout)
    for ctx in ctxs + [[], ["<s>"], list(train[0])]:
        p = lm.distribution(ctx)
        assert p[lm.vocab.bos_id] == 0 and np.all(p >= 0)
        assert abs(p.sum() - 1) < 1e-9, (ctx, p.sum())


BOOKS = [s.split() for s in ["BROWN READ HOLY BIBLE", "MARK READ A TEXT BOOK", "HE READ A BOOK BY DAVID"]]
V = 13  # 11 words, </s> and <unk>


@pytest.mark.parametrize("name", METHODS)
def test_david_read_a_book_gets_a_probability_under_every_method(name):
    lm = fit(name, 2, BOOKS, [["HE", "READ", "A", "BOOK"]])
    assert lm.sentence_logprob("DAVID READ A BOOK".split()) > -math.inf


def test_add_one_by_hand():
    lm = fit("add-one", 2, BOOKS, None)
    assert lm.prob("READ", ["DAVID"]) == pytest.approx(1 / (1 + V))      # (0 + 1) / (1 + 13)
    assert lm.prob("A", ["READ"]) == pytest.approx(3 / (3 + V))          # (2 + 1) / (3 + 13)
    assert NgramLM(2, "additive", delta=0.5).fit(BOOKS).prob("A", ["READ"]) == pytest.approx(2.5 / (3 + 6.5))


def test_witten_bell_by_hand():
    # unigram: (c(A) + N1+ / |V|) / (N + N1+) with N = 18 tokens, N1+ = 12 types
    p1 = Fraction(2 * 13 + 12, 13) / (18 + 12)
    assert p1 == Fraction(19, 195)
    # bigram: (c(READ A) + N1+(READ .) p1) / (c(READ) + N1+(READ .)) = (2 + 2 p1) / (3 + 2)
    assert fit("witten-bell", 2, BOOKS, None).prob("A", ["READ"]) == pytest.approx(float((2 + 2 * p1) / 5))
    assert float((2 + 2 * p1) / 5) == pytest.approx(428 / 975)


def test_kneser_ney_by_hand():
    # 17 distinct bigrams: 16 seen once, READ A twice -> D = 16 / (16 + 2); continuation counts of the
    # unigrams: 9 words once, BOOK twice, READ and </s> three times (17 in all) -> D = 9 / 11
    p1_a = Fraction(2, 11) / 17 + Fraction(9, 11) * Fraction(12, 17) / 13
    assert p1_a == Fraction(134, 2431)
    p = (2 - Fraction(8, 9)) / 3 + Fraction(8, 9) * Fraction(2, 3) * p1_a
    assert p == Fraction(10, 27) + Fraction(2144, 65637)
    assert fit("kneser-ney", 2, BOOKS, None).prob("A", ["READ"]) == pytest.approx(float(p), abs=1e-15)


def test_absolute_discounting_by_hand():
    # unigram raw counts: READ 3, </s> 3, A 2, BOOK 2, 8 words once -> D = 8 / (8 + 4)
    p1_a = (2 - Fraction(2, 3)) / 18 + Fraction(2, 3) * Fraction(12, 18) / 13
    p = (2 - Fraction(8, 9)) / 3 + Fraction(8, 9) * Fraction(2, 3) * p1_a
    assert fit("absolute", 2, BOOKS, None).prob("A", ["READ"]) == pytest.approx(float(p), abs=1e-15)


def test_katz_discounts_follow_the_formula():
    # counts of counts n1..n6 = 100, 40, 20, 12, 8, 5
    cnt = np.repeat(np.arange(1, 7), [100, 40, 20, 12, 8, 5])
    d = _katz().discounts(cnt)
    common = 6 * 5 / 100
    want = [((r + 1) * n1 / n / r - common) / (1 - common)
            for r, n, n1 in zip(range(1, 6), [100, 40, 20, 12, 8], [40, 20, 12, 8, 5])]
    assert np.allclose(d[1:], want) and d[1] == pytest.approx((2 * 40 / 100 - 0.3) / 0.7)


def _katz():
    k = Katz.__new__(Katz)
    k.k = 5
    return k


def test_simple_good_turing_uses_turing_for_small_counts_and_never_zero():
    r = np.array([1, 2, 3, 4, 5, 6, 8, 10, 20])
    n = np.array([120, 40, 24, 13, 15, 5, 4, 2, 1])
    rs = simple_good_turing(r, n)
    assert rs[0] == pytest.approx(2 * 40 / 120)       # Turing estimate where it is reliable
    assert np.all(rs > 0) and np.all(rs < r)          # r = 8, 10, 20 have no n_{r+1}: smoothed
    assert np.all(np.diff(rs) > 0)


def test_dirichlet_with_uniform_mean_is_add_delta():
    a = NgramLM(1, "additive", delta=0.3).fit(BOOKS)
    d = NgramLM(1, "dirichlet", mu=0.3 * V).fit(BOOKS)
    assert np.allclose(a.distribution(), d.distribution())


def test_modified_kneser_ney_discounts_from_counts_of_counts(ptb):
    lm = NgramLM(3, "modified-kneser-ney").fit(ptb["train"][:3000])
    n = np.bincount(lm.counts.counts[3], minlength=5)[:5]
    Y = n[1] / (n[1] + 2 * n[2])
    assert lm.model.discounts[3] == pytest.approx((1 - 2 * Y * n[2] / n[1], 2 - 3 * Y * n[3] / n[2],
                                                   3 - 4 * Y * n[4] / n[3]))


def test_jelinek_mercer_fits_lambdas_that_grow_with_the_history_count(ptb):
    lm = NgramLM(2, "jelinek-mercer").fit(ptb["train"][:5000], heldout=ptb["valid"][:1000])
    lam = lm.model.lambdas[2]
    assert np.all((lam > 0) & (lam < 1)) and lam[6] > lam[0]


@pytest.mark.parametrize("name", ["modified-kneser-ney", "kneser-ney", "katz", "witten-bell",
                                  "witten-bell-backoff", "jelinek-mercer", "absolute", "dirichlet"])
def test_arpa_agrees_with_kenlm(name, ptb, tmp_path):
    kenlm = pytest.importorskip("kenlm")
    lm = fit(name, 3, ptb["train"][:4000], ptb["valid"][:300])
    lm.write_arpa(tmp_path / "lm.arpa")
    model = kenlm.Model(str(tmp_path / "lm.arpa"))
    test = ptb["test"][:200] + [["never", "seen", "words"], []]
    for s in test:
        ours = lm.token_logprobs([s]) / math.log(10)
        theirs = np.array([x[0] for x in model.full_scores(" ".join(s), bos=True, eos=True)])
        assert np.allclose(ours, theirs, atol=1e-4)
    assert not list(tmp_path.glob("*.part"))


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
])
def test_bad_parameters(name, params, match):
    with pytest.raises(ValueError, match=match):
        NgramLM(2, smoothing=name, **params).fit(BOOKS)


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


def test_learning_curves_and_bits_by_count_agree_with_direct_fits():
    from lmkit.ngram import bits_by_count, learning_curves

    train = [list("abcab"), list("bca"), list("aab"), list("cba")] * 5
    test = [list("abc"), list("ccb")]
    res = learning_curves(["kneser-ney", "church-gale"], (2, 3), train, test, [4, 20], progress=False)
    assert set(res) == {("kneser-ney", 2), ("kneser-ney", 3), ("church-gale", 2)}
    vocab = NgramLM(2).fit(train).vocab
    direct = NgramLM(3, "kneser-ney", vocab=vocab).fit(train[:4]).cross_entropy(test)
    assert res["kneser-ney", 3][0] == pytest.approx(direct)
    lm = NgramLM(3, "kneser-ney").fit(train)
    by = bits_by_count(lm, test, max_count=2)
    n_tokens = sum(len(s) + 1 for s in test)
    assert sum(n for n, _ in by.values()) == n_tokens
    mean = sum(n * b for n, b in by.values()) / n_tokens
    assert mean == pytest.approx(lm.cross_entropy(test))
