"""Chapter 1 and 2's experiments against direct computations."""

import math

import pytest

from lmkit import NgramLM
from lmkit.ngram import bits_by_count, learning_curves, length_mass


def test_length_mass_sums_to_one():
    lm = NgramLM(2).fit([s.split() for s in ["a b", "b a a", "a"]])
    assert abs(length_mass(lm, 200).sum() - 1) < 1e-12
    with pytest.raises(ValueError, match="unigram or bigram"):
        length_mass(NgramLM(3).fit([["a"]]), 5)
    with pytest.raises(ValueError, match="not fitted"):
        length_mass(NgramLM(2), 5)


def test_learning_curves_and_bits_by_count_agree_with_direct_fits():
    train = [list("abcab"), list("bca"), list("aab"), list("cba")] * 5
    test = [list("abc"), list("ccb")]
    with pytest.raises(ValueError, match="kneser-ney: the order-.* discounts are out of range"):
        learning_curves(["kneser-ney"], (3,), train, test, [4], progress=False)
    res = learning_curves(["kneser-ney", "church-gale"], (2, 3), train, test, [4, 20], progress=False,
                          discount_fallback=True)
    assert set(res) == {("kneser-ney", 2), ("kneser-ney", 3), ("church-gale", 2)}
    vocab = NgramLM(2).fit(train).vocab
    direct = NgramLM(3, "kneser-ney", vocab=vocab, discount_fallback=True).fit(train[:4]).cross_entropy(test)
    assert res["kneser-ney", 3][0] == pytest.approx(direct)
    lm = NgramLM(3, "kneser-ney", discount_fallback=True).fit(train)
    by = bits_by_count(lm, test, max_count=2)
    n_tokens = sum(len(s) + 1 for s in test)
    assert sum(n for n, _ in by.values()) == n_tokens
    mean = sum(n * b for n, b in by.values()) / n_tokens
    assert mean == pytest.approx(lm.cross_entropy(test))


def test_a_string_for_a_list_and_an_empty_test_set_are_refused():
    train = [list("abcab"), list("bca")]
    with pytest.raises(TypeError, match=r"methods must be a list, e.g. \['kneser-ney'\], got str"):
        learning_curves("kneser-ney", (2,), train, train, [2], progress=False)
    with pytest.raises(TypeError, match="orders must be a list.*got int"):
        learning_curves(["mle"], 2, train, train, [2], progress=False)
    with pytest.raises(TypeError, match="sizes must be a list.*got int"):
        learning_curves(["mle"], [2], train, train, 2, progress=False)
    lm = NgramLM(2).fit(train)
    with pytest.raises(ValueError, match="bits_by_count needs test sentences: got none"):
        bits_by_count(lm, [])
    with pytest.raises(TypeError, match="not one string"):
        bits_by_count(lm, "a b")
    assert bits_by_count(lm, [[]]) == {0: (1, pytest.approx(-lm.logprob("</s>", ["<s>"]) / math.log(2)))}


def test_variant_curves_agree_with_direct_fits_and_refuse_bad_variants():
    from lmkit.ngram.experiments import variant_curves

    train = [list("abcab"), list("bca"), list("aab"), list("cba")] * 5
    test, heldout = [list("abc"), list("ccb")], [list("abca"), list("bac")]
    variants = {"linear": ("jelinek-mercer", {"buckets": 1}), "add-half": ("additive", {"delta": 0.5})}
    res = variant_curves(variants, 2, train, test, [4, 20], heldout=heldout)
    assert set(res) == set(variants) and res["linear"].shape == (2,)
    vocab = NgramLM(2).fit(train).vocab
    direct = NgramLM(2, "additive", vocab=vocab, delta=0.5).fit(train[:4]).cross_entropy(test)
    assert res["add-half"][0] == pytest.approx(direct)
    direct = NgramLM(2, "jelinek-mercer", vocab=vocab, buckets=1).fit(train, heldout=heldout)
    assert res["linear"][1] == pytest.approx(direct.cross_entropy(test))
    with pytest.raises(TypeError, match="variants must be a non-empty dict"):
        variant_curves({}, 2, train, test, [4])
    with pytest.raises(ValueError, match="variant 'x' must be \\(method, options\\)"):
        variant_curves({"x": ("nope", {})}, 2, train, test, [4])
    with pytest.raises(TypeError, match="sizes must be a list"):
        variant_curves(variants, 2, train, test, 4)
