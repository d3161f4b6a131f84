"""Good-Turing, Katz and Church-Gale: the formulas, Katz's out-of-range discounts, and
Church-Gale proper after every history once it has several buckets."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from lmkit import NgramLM
from lmkit.ngram import Katz, count_of_counts, simple_good_turing

BOOKS = [s.split() for s in ["BROWN READ HOLY BIBLE", "MARK READ A TEXT BOOK", "HE READ A BOOK BY DAVID"]]


def _katz(discount_fallback=False):
    k = Katz.__new__(Katz)
    k.k, k.discount_fallback, k.fallback_orders = 5, discount_fallback, []
    return k


def test_katz_discounts_follow_the_formula():
    # counts of counts n1..n6 = 100, 40, 20, 12, 8, 5
    cnt = np.repeat(np.arange(1, 7), [100, 40, 20, 12, 8, 5])
    d = _katz().estimate_discounts(2, cnt)
    common = 6 * 5 / 100
    want = [((r + 1) * n1 / n / r - common) / (1 - common)
            for r, n, n1 in zip(range(1, 6), [100, 40, 20, 12, 8], [40, 20, 12, 8, 5])]
    assert np.allclose(d, want) and d[0] == pytest.approx((2 * 40 / 100 - 0.3) / 0.7)


def test_katz_raises_on_out_of_range_discounts_unless_told_to_fall_back():
    # a closed vocabulary's unigrams: few rare words, (k+1) n_6 / n_1 = 6 * 1014 / 30 > 1
    cnt = np.repeat(np.arange(1, 7), [30, 14, 25, 72, 276, 1014])
    with pytest.raises(ValueError, match=r"katz: the order-1 discounts are out of range: the counts of "
                                         r"counts n_1..n_6 = 30, 14, 25, 72, 276, 1014 give \(k\+1\) "
                                         r"n_6 / n_1 = 202.8, which must be < 1.*discount_fallback=True"):
        _katz().estimate_discounts(1, cnt)
    katz = _katz(discount_fallback=True)
    d = katz.estimate_discounts(1, cnt)
    r, n_r = count_of_counts(cnt)  # the fallback: simple Good-Turing r*/r
    assert np.allclose(d, np.minimum(simple_good_turing(r, n_r), r)[:5] / r[:5]) and katz.fallback_orders == [1]
    with pytest.raises(ValueError, match=r"order-1 .* n_1..n_6 = 8, 2, 2, 0, 0, 0 include a zero"):
        NgramLM(2, "katz").fit(BOOKS)


def test_katz_on_penn_treebank_needs_the_fallback_for_its_unigrams_only(ptb):
    with pytest.raises(ValueError, match="order-1 discounts.*30, 14, 25, 72, 276, 1014"):
        NgramLM(2, "katz").fit(ptb["train"])
    lm = NgramLM(3, "katz", discount_fallback=True).fit(ptb["train"])
    assert lm.parameters["fallback_orders"] == [1]
    for k in (2, 3):  # the Good-Turing ratios themselves
        n = np.bincount(lm.counts_of_order(k), minlength=7)[1:7].astype(float)
        common = 6 * n[5] / n[0]
        want = ((np.arange(2, 7) * n[1:6] / n[0:5]) / np.arange(1, 6) - common) / (1 - common)
        assert np.allclose(lm.parameters["discounts"][k], want)
    # proper with its d_r at orders 2 and 3: after frequent, rare, unseen and too-long histories
    rng = np.random.default_rng(0)
    words = list(rng.choice(lm.vocab.itos[3:], 40))
    for ctx in [["<s>"], ["the"], ["of", "the"], ["stock", "market"], ["never-seen", "the"], words[:2],
                words[2:9], ["<s>", words[9]]] + [list(rng.choice(words, 2)) for _ in range(20)]:
        assert abs(lm.distribution(ctx).sum() - 1) < 1e-9, ctx


def test_simple_good_turing_uses_turing_for_small_counts_and_never_zero():
    r = np.array([1, 2, 3, 4, 5, 6, 8, 10, 20])
    n = np.array([120, 40, 24, 13, 15, 5, 4, 2, 1])
    rs = simple_good_turing(r, n)
    assert rs[0] == pytest.approx(2 * 40 / 120)       # Turing estimate where it is reliable
    assert np.all(rs > 0) and np.all(rs < r)          # r = 8, 10, 20 have no n_{r+1}: smoothed
    assert np.all(np.diff(rs) > 0)


def test_church_gale_credits_unseen_bigrams_of_frequent_words_more(ptb):
    lm = NgramLM(2, "church-gale").fit(ptb["train"][:5000])
    r0 = lm.parameters["r0"]
    assert len(r0) == len(lm.parameters["edges"]) + 1 == 20
    assert np.all(r0 > 0) and r0[-1] > 10 * r0[0]
    for h in ["the", "stock", "<s>"]:
        assert abs(lm.distribution([h]).sum() - 1) < 1e-12


def church_gale_sums(lm):
    """The sum of p(w | h) over w for every history h of the vocabulary, one never seen, and an
    out-of-vocabulary one."""
    histories = [[h] for h in lm.vocab.itos if h not in ("</s>",)] + [["never-seen"], []]
    return np.array([lm.distribution(h).sum() for h in histories])


@given(seed=st.integers(0, 2 ** 32 - 1), n_words=st.integers(50, 400), a=st.floats(1.0, 1.8),
       buckets=st.integers(2, 30))
@settings(max_examples=12, deadline=None)
def test_church_gale_is_proper_after_every_history_with_several_buckets(seed, n_words, a, buckets):
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, n_words + 1) ** a
    lens = rng.integers(1, 20, 400)
    words = [f"w{i}" for i in rng.choice(n_words, lens.sum(), p=p / p.sum())]
    train = [words[e - n:e] for n, e in zip(lens, np.cumsum(lens))]
    lm = NgramLM(2, "church-gale", buckets=buckets).fit(train)
    n_buckets = len(lm.parameters["r0"])
    assert 2 <= n_buckets <= buckets and n_buckets == len(lm.parameters["edges"]) + 1
    assert np.all(np.abs(church_gale_sums(lm) - 1) < 1e-9)


def test_church_gale_is_proper_after_every_history_of_a_small_penn_treebank(ptb):
    # 200 sentences: the case (history "first" summed to 1.08 when fitting and scoring
    # bucketed the same product two ways)
    lm = NgramLM(2, "church-gale").fit(ptb["train"][:200])
    assert len(lm.parameters["r0"]) > 1
    sums = church_gale_sums(lm)
    assert np.all(np.abs(sums - 1) < 1e-9) and abs(lm.distribution(["first"]).sum() - 1) < 1e-9


def test_turing_estimates_are_the_raw_ratio_and_zero_after_a_gap():
    from lmkit.ngram import turing_estimates

    r, n_r = np.array([1, 2, 3, 5]), np.array([10, 4, 2, 1])
    assert turing_estimates(r, n_r).tolist() == [2 * 4 / 10, 3 * 2 / 4, 0.0, 0.0]
