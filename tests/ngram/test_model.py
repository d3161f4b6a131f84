"""NgramLM: the MLE model against brute force, laws, the worked example, the public accessors
to its counts, and fitting twice (bad input: test_ngram_bad_inputs.py)."""

import math
from fractions import Fraction

import numpy as np
import pytest
from brutecount import brute_counts, corpora, padded
from hypothesis import given, settings, strategies as st

from lmkit import LanguageModel, NgramLM, UniformLM, Vocab


def brute_mle(corpus, order, word, history):
    history = list(history)[-(order - 1):] if order > 1 else []
    grams = brute_counts(corpus, len(history) + 1)
    total = sum(c for g, c in grams.items() if list(g[:-1]) == history)
    return Fraction(grams[tuple(history) + (word,)], total) if total else Fraction(0)


@given(corpora, st.integers(1, 4), corpora)
@settings(max_examples=60, deadline=None)
def test_token_logprobs_match_brute_force_relative_frequency(train, order, test):
    lm = NgramLM(order).fit(train)
    lp = lm.token_logprobs(test)
    i = 0
    for s in map(padded, test):
        for j in range(1, len(s)):
            word = s[j] if s[j] in lm.vocab else "<unk>"
            hist = [t if t in lm.vocab else "<unk>" for t in s[max(0, j - order + 1):j]]
            want = brute_mle(train, order, word, hist)
            assert (math.isinf(lp[i]) and want == 0) or math.isclose(math.exp(lp[i]), want, rel_tol=1e-12)
            i += 1
    assert i == len(lp)


@given(corpora, st.integers(1, 5), st.data())
@settings(max_examples=60, deadline=None)
def test_mle_distribution_sums_to_one_after_every_seen_history(corpus, order, draw):
    lm = NgramLM(order).fit(corpus)
    sent = padded(draw.draw(st.sampled_from([s for s in corpus if s] or corpus)))
    j = draw.draw(st.integers(1, len(sent) - 1))
    p = lm.distribution(sent[:j])
    assert p[lm.vocab.bos_id] == 0.0
    assert abs(p.sum() - 1.0) < 1e-9
    assert lm.prob(sent[j], sent[:j]) > 0


def test_the_notes_worked_example_is_exactly_one_eighteenth():
    corpus = [s.split() for s in ["BROWN READ HOLY BIBLE", "MARK READ A TEXT BOOK", "HE READ A BOOK BY DAVID"]]
    lm = NgramLM(2).fit(corpus)
    factors = [lm.prob(w, [h]) for h, w in zip(["<s>", "BROWN", "READ", "A", "BOOK"],
                                              ["BROWN", "READ", "A", "BOOK", "</s>"])]
    assert factors == pytest.approx([1 / 3, 1, 2 / 3, 1 / 2, 1 / 2], abs=1e-15)
    assert math.exp(lm.sentence_logprob("BROWN READ A BOOK".split())) == pytest.approx(1 / 18, abs=1e-15)
    assert lm.sentence_logprob("DAVID READ A BOOK".split()) == -math.inf


@given(st.integers(1, 300), corpora)
@settings(max_examples=40, deadline=None)
def test_uniform_perplexity_is_the_vocabulary_size(n_words, test):
    vocab = Vocab([f"w{i}" for i in range(n_words)])
    pp = UniformLM(vocab).perplexity(test)
    assert abs(pp - (n_words + 2)) < 1e-9 * n_words  # the words, </s> and <unk>; never <s>


def test_both_models_answer_the_one_scoring_protocol():
    for cls in (NgramLM, UniformLM):
        assert issubclass(cls, LanguageModel)
        for name in ("perplexity", "cross_entropy", "sentence_logprob"):
            assert name not in vars(cls), f"{cls.__name__} redefines {name}: inherit it"


def test_context_is_cut_at_sentence_start_and_to_order_minus_one():
    lm = NgramLM(3).fit([["a", "b", "c"], ["b", "b", "d"]])
    assert lm.prob("c", ["<s>", "a", "b"]) == 1.0
    assert lm.prob("c", ["x", "y", "<s>", "a", "b"]) == 1.0   # history never reaches past <s>
    assert lm.prob("c", ["zzz", "a", "b"]) == 1.0             # only the last two words count
    assert lm.prob("b", ["<s>"]) == 0.5                        # truncated history at the start
    assert lm.prob("d", ["b"]) == pytest.approx(1 / 3)         # a short context uses a lower order


def test_perplexity_is_infinite_on_unseen_events_and_cross_entropy_is_in_bits():
    lm = NgramLM(2).fit([["a", "b"], ["a", "c"]])
    assert math.isinf(lm.perplexity([["b", "a"]]))
    h = lm.cross_entropy([["a", "b"]])  # p = 1 * 1/2 * 1
    assert h == pytest.approx(1 / 3) and lm.perplexity([["a", "b"]]) == pytest.approx(2 ** (1 / 3))


def test_unseen_fraction_matches_brute_force():
    train, test = [["a", "b", "c"]], [["a", "b", "d"], ["c"]]
    lm = NgramLM(3).fit(train)
    seen = {k: brute_counts(train, k) for k in (1, 2, 3)}
    want = []
    for k in (1, 2, 3):
        grams = [g for g in brute_counts(test, k)for _ in range(brute_counts(test, k)[g])]
        want.append(sum(g not in seen[k] for g in grams) / len(grams))
    assert np.allclose(lm.unseen_fraction(test), want)


def test_generation_is_seeded_and_stays_on_seen_ngrams():
    corpus = [s.split() for s in ["the cat sat on the mat", "the dog sat on the cat", "a dog ran"]]
    lm = NgramLM(3).fit(corpus)
    samples = [lm.generate(seed=s, max_len=50) for s in range(20)]
    assert samples == [lm.generate(seed=s, max_len=50) for s in range(20)]
    assert all(lm.sentence_logprob(s) > -math.inf for s in samples if len(s) < 50)
    assert len({tuple(s) for s in samples}) > 1


# ---------------------------------------------------------------- the public accessors


@given(corpora, st.integers(1, 4), corpora)
@settings(max_examples=40, deadline=None)
def test_accessors_match_brute_force_counts(corpus, order, test):
    lm = NgramLM(order).fit(corpus)
    assert lm.num_tokens == sum(len(s) + 1 for s in corpus)
    for k in range(1, order + 1):
        grams = brute_counts(corpus, k)
        assert all(lm.count(g) == c for g, c in grams.items())
        assert sorted(lm.counts_of_order(k)) == sorted(grams.values())  # nothing else was seen
        if k < order:
            follow = brute_counts(corpus, k + 1)
            for h in grams:
                after = {g[-1]: c for g, c in follow.items() if g[:-1] == h}
                assert lm.history_count(h) == sum(after.values())
                nxt = lm.next_counts(h)
                assert {lm.vocab.itos[w]: int(nxt[w]) for w in np.flatnonzero(nxt)} == after
                before = {g[0] for g in follow if g[1:] == h}
                assert lm.continuation_count(h) == (grams[h] if h[0] == "<s>" else len(before))
    assert lm.history_count([]) == lm.num_tokens
    # every predicted test token, with the count of the n-gram the model reads for it
    want = [brute_counts(corpus, min(j + 1, order))[tuple(s[max(0, j - order + 1):j + 1])]
            for s in ([t if t in lm.vocab else "<unk>" for t in padded(x)] for x in test)
            for j in range(1, len(s))]
    assert lm.training_counts(test).tolist() == want


def test_accessors_on_the_notes_corpus():
    corpus = [s.split() for s in ["BROWN READ HOLY BIBLE", "MARK READ A TEXT BOOK", "HE READ A BOOK BY DAVID"]]
    lm = NgramLM(2).fit(corpus)
    assert (lm.count(["READ"]), lm.count(["READ", "A"]), lm.count(["A", "READ"])) == (3, 2, 0)
    assert (lm.count(["<s>"]), lm.count(["<s>", "HE"]), lm.count(["NEVER-SEEN"])) == (0, 1, 0)
    assert lm.history_count(["READ"]) == 3 and lm.history_count(["<s>"]) == 3 and lm.num_tokens == 18
    assert lm.continuation_count(["READ"]) == 3 and lm.continuation_count(["BOOK"]) == 2
    assert lm.next_counts(["READ"])[lm.vocab["A"]] == 2 and lm.next_counts(["READ"]).sum() == 3
    assert len(lm.counts_of_order(2)) == 17 and lm.counts_of_order(1).sum() == 18
    assert lm.parameters == {}
    internals = {"model", "counts", "params"}
    assert not internals & set(vars(lm)), "the counts and the method are private: use the accessors"


# ---------------------------------------------------------------- fitting twice


def test_fitting_again_rebuilds_the_vocabulary_it_built_itself():
    m = NgramLM(2, "mle").fit([list("xyz")])
    m.fit([list("bdbdbd")])
    assert m.prob("b", ["d"]) == pytest.approx(2 / 3)  # d b, d b, d </s>: not p(<unk> | <unk>)
    assert "x" not in m.vocab and "b" in m.vocab
    assert m.vocab.itos == Vocab([list("bdbdbd")]).itos


def test_fitting_again_keeps_a_vocabulary_the_caller_gave():
    vocab = Vocab([list("xyzbd")])
    m = NgramLM(2, "mle", vocab=vocab).fit([list("xyz")])
    m.fit([list("bdbdbd")])
    assert m.vocab is vocab
    assert m.prob("b", ["d"]) == pytest.approx(2 / 3) and m.prob("x", ["d"]) == 0


def test_a_failed_fit_leaves_the_model_as_it_was():
    books = [s.split() for s in ["BROWN READ HOLY BIBLE", "MARK READ A TEXT BOOK", "HE READ A BOOK BY DAVID"]]
    m = NgramLM(2, "kneser-ney").fit(books)
    before = (m.vocab, m.distribution(["READ"]), m.parameters)
    for bad, match in [([["p", "q"], ["q", "p"]], "discounts are out of range"),  # too tiny for KN
                       ([["p", "<s>", "q"]], "contains the token '<s>'")]:
        with pytest.raises(ValueError, match=match):
            m.fit(bad)
        assert m.vocab is before[0] and "p" not in m.vocab
        assert np.array_equal(m.distribution(["READ"]), before[1]) and m.parameters == before[2]


def test_uniform_answers_prob_logprob_and_distribution_like_an_ngram_model():
    vocab = Vocab([["a", "b", "c"]])  # <unk> <s> </s> a b c: 5 outcomes, never <s>
    uni, lm = UniformLM(vocab), NgramLM(2, "add-one", vocab=vocab).fit([["a", "b", "c"]])
    p = uni.distribution(["<s>", "a"])
    assert p.shape == lm.distribution(["a"]).shape == (6,)
    assert p[vocab["<s>"]] == 0 and np.allclose(np.delete(p, vocab["<s>"]), 1 / 5)
    assert abs(p.sum() - 1) < 1e-12 and np.array_equal(p, uni.distribution())
    assert uni.prob("a") == uni.prob("zebra", ["a"]) == pytest.approx(1 / 5)  # OOV is <unk>
    assert uni.logprob("</s>", ("b",)) == pytest.approx(math.log(1 / 5))
    for model in (uni, lm):
        with pytest.raises(ValueError, match="<s> is never predicted"):
            model.prob("<s>")
        with pytest.raises(TypeError, match="context must be a sequence of tokens"):
            model.distribution("a b")
        with pytest.raises(TypeError, match="word must be a string"):
            model.prob(3)
    nomark = Vocab([["a"]], specials=("<unk>",))  # no <s>: every id is an outcome
    assert np.allclose(UniformLM(nomark).distribution(), 1 / 2)
