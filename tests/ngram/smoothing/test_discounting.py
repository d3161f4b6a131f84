"""Absolute discounting, Kneser-Ney, modified Kneser-Ney and Witten-Bell: by hand, their
discounts from counts of counts, and out-of-range discounts."""

from fractions import Fraction

import numpy as np
import pytest

from lmkit import NgramLM
from lmkit.ngram import AbsoluteDiscounting, Discounting, KneserNey, ModifiedKneserNey

BOOKS = [s.split() for s in ["BROWN READ HOLY BIBLE", "MARK READ A TEXT BOOK", "HE READ A BOOK BY DAVID"]]


def test_witten_bell_by_hand():
    # unigram: (c(A) + N1+ / |V|) / (N + N1+) with N = 18 tokens, N1+ = 12 types
    p1 = Fraction(2 * 13 + 12, 13) / (18 + 12)
    assert p1 == Fraction(19, 195)
    # bigram: (c(READ A) + N1+(READ .) p1) / (c(READ) + N1+(READ .)) = (2 + 2 p1) / (3 + 2)
    assert NgramLM(2, "witten-bell").fit(BOOKS).prob("A", ["READ"]) == pytest.approx(float((2 + 2 * p1) / 5))
    assert float((2 + 2 * p1) / 5) == pytest.approx(428 / 975)


def test_kneser_ney_by_hand():
    # 17 distinct bigrams: 16 seen once, READ A twice -> D = 16 / (16 + 2); continuation counts of the
    # unigrams: 9 words once, BOOK twice, READ and </s> three times (17 in all) -> D = 9 / 11
    p1_a = Fraction(2, 11) / 17 + Fraction(9, 11) * Fraction(12, 17) / 13
    assert p1_a == Fraction(134, 2431)
    p = (2 - Fraction(8, 9)) / 3 + Fraction(8, 9) * Fraction(2, 3) * p1_a
    assert p == Fraction(10, 27) + Fraction(2144, 65637)
    lm = NgramLM(2, "kneser-ney").fit(BOOKS)
    assert lm.prob("A", ["READ"]) == pytest.approx(float(p), abs=1e-15)
    assert lm.parameters["discounts"] == pytest.approx({1: 9 / 11, 2: 8 / 9})


def test_absolute_discounting_by_hand():
    # unigram raw counts: READ 3, </s> 3, A 2, BOOK 2, 8 words once -> D = 8 / (8 + 4)
    p1_a = (2 - Fraction(2, 3)) / 18 + Fraction(2, 3) * Fraction(12, 18) / 13
    p = (2 - Fraction(8, 9)) / 3 + Fraction(8, 9) * Fraction(2, 3) * p1_a
    lm = NgramLM(2, "absolute").fit(BOOKS)
    assert lm.prob("A", ["READ"]) == pytest.approx(float(p), abs=1e-15)
    assert lm.parameters["discounts"] == pytest.approx({1: 2 / 3, 2: 8 / 9})
    assert lm.parameters["fallback_orders"] == []


def test_modified_kneser_ney_discounts_from_counts_of_counts(ptb):
    lm = NgramLM(3, "modified-kneser-ney").fit(ptb["train"][:3000])
    n = np.bincount(lm.counts_of_order(3), minlength=5)[:5]
    Y = n[1] / (n[1] + 2 * n[2])
    assert lm.parameters["discounts"][3] == pytest.approx((1 - 2 * Y * n[2] / n[1], 2 - 3 * Y * n[3] / n[2],
                                                           3 - 4 * Y * n[4] / n[3]))
    assert set(lm.parameters["discounts"]) == {1, 2, 3} and lm.parameters["fallback_orders"] == []


def test_modified_kneser_ney_is_kneser_ney_with_three_discounts_not_absolute_discounting():
    # it shares Kneser-Ney's continuation counts and the discounting frame, not the single D
    assert issubclass(ModifiedKneserNey, Discounting) and not issubclass(ModifiedKneserNey, AbsoluteDiscounting)
    assert ModifiedKneserNey.counts_at is KneserNey.counts_at
    for cls in (AbsoluteDiscounting, KneserNey, ModifiedKneserNey):
        assert not hasattr(cls, "discount_for") and not hasattr(cls, "discounts_for")
    fixed = {1: (0.5, 1.0, 1.5), 2: (0.6, 1.1, 1.6)}
    lm = NgramLM(2, "modified-kneser-ney", discounts=fixed).fit(BOOKS)  # fixed: nothing to estimate
    assert lm.parameters == {"discounts": fixed, "fallback_orders": []}
    # one discount per count class of 3+ = the same D everywhere: Kneser-Ney
    same = NgramLM(2, "modified-kneser-ney", discounts={1: (9 / 11,) * 3, 2: (8 / 9,) * 3}).fit(BOOKS)
    kn = NgramLM(2, "kneser-ney").fit(BOOKS)
    for ctx in ([], ["READ"], ["A"], ["<s>"]):
        assert np.allclose(same.distribution(ctx), kn.distribution(ctx), rtol=1e-13, atol=0)


def test_out_of_range_discounts_raise_unless_told_to_fall_back():
    with pytest.raises(ValueError, match=r"modified-kneser-ney: the order-1 discounts are out of range: the "
                                         r"counts of counts n_1..n_4 = 9, 1, 2, 0 include a zero.*Pass "
                                         r"discount_fallback=True to use \(D1, D2, D3\+\) = \(0.5, 1, 1.5\)"):
        NgramLM(2, "modified-kneser-ney").fit(BOOKS)
    lm = NgramLM(2, "modified-kneser-ney", discount_fallback=True).fit(BOOKS)
    assert lm.parameters == {"discounts": {1: (0.5, 1.0, 1.5), 2: (0.5, 1.0, 1.5)}, "fallback_orders": [1, 2]}
    tiny = [["a", "b", "c"], ["b", "c", "a", "b"]]
    for name, k, n1, n2, d in [("kneser-ney", 3, 7, 0, 1),  # every trigram seen once: D = 1
                               ("absolute", 1, 0, 3, 0)]:   # no word seen once: D = 0
        with pytest.raises(ValueError, match=rf"{name}: the order-{k} discounts are out of range: the counts "
                                             rf"of counts n_1 = {n1}, n_2 = {n2} give D = .* = {d}, .*D = 0.5"):
            NgramLM(3, name).fit(tiny)
        lm = NgramLM(3, name, discount_fallback=True).fit(tiny)
        assert lm.parameters["discounts"][k] == 0.5 and k in lm.parameters["fallback_orders"]
    assert lm.parameters == {"discounts": pytest.approx({1: 0.5, 2: 5 / 9, 3: 0.5}), "fallback_orders": [1, 3]}


def test_the_fallback_changes_nothing_where_the_discounts_are_in_range():
    a = NgramLM(2, "kneser-ney").fit(BOOKS)
    b = NgramLM(2, "kneser-ney", discount_fallback=True).fit(BOOKS)
    assert b.parameters["fallback_orders"] == [] and np.array_equal(a.distribution(["READ"]), b.distribution(["READ"]))
    wb = NgramLM(2, "witten-bell", discount_fallback=True).fit(BOOKS)  # no discounts: nothing to fall back from
    assert np.array_equal(wb.distribution(["READ"]), NgramLM(2, "witten-bell").fit(BOOKS).distribution(["READ"]))
