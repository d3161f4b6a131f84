"""The distance-d bigram: a proper distribution, on ids and through the scoring protocol."""

import numpy as np
import pytest

from lmkit import NgramLM
from lmkit.adapt import SkipBigram
from lmkit.text import stream

TRAIN = [s.split() for s in ["the cat sat on the mat", "the dog sat on the cat",
                             "a cat and a dog", "the mat is red"]] * 3
HELD = [s.split() for s in ["the dog sat on the mat", "a red cat"]]


def test_skip_bigram_is_a_distribution():
    ids = stream(NgramLM(1).fit(TRAIN).vocab, TRAIN)
    size = int(ids.max()) + 1
    m = SkipBigram(2).fit_ids(ids, size)
    for a in range(size):
        total = sum(m.token_probs(np.array([a, 0, w]))[2] for w in range(size))  # p(w | a, 2 back)
        assert total == pytest.approx(1.0)


@pytest.mark.parametrize("d", [1, 2, 3])
def test_skip_bigram_answers_the_protocol(d):
    m = SkipBigram(d).fit(TRAIN)
    ids = stream(m.vocab, HELD)
    by_ids = SkipBigram(d).fit_ids(stream(m.vocab, TRAIN), len(m.vocab)).token_probs(ids)
    lp = m.token_logprobs(HELD)
    assert np.allclose(np.exp(lp), by_ids, rtol=1e-14, atol=0)
    assert m.perplexity(HELD) == pytest.approx(np.exp(-np.log(by_ids).mean()))
    text = m.vocab.decode(ids)
    for i, w in enumerate(ids):  # the running text so far conditions the next word
        p = m.distribution(text[:i])
        assert p.sum() == pytest.approx(1.0) and p[w] == pytest.approx(by_ids[i])
        assert m.logprob(text[i], text[:i]) == pytest.approx(lp[i])
    counts = np.bincount(stream(m.vocab, TRAIN), minlength=len(m.vocab))
    assert np.array_equal(m.distribution(text[:d - 1]), (counts + 1) / (counts.sum() + len(m.vocab)))


def test_skip_bigram_bad_input():
    with pytest.raises(ValueError, match=r"distance must be an integer in \[1, inf\)"):
        SkipBigram(0)
    with pytest.raises(ValueError, match="not fitted yet"):
        SkipBigram(2).token_probs(np.array([1, 2, 3]))
    with pytest.raises(ValueError, match="longer than the distance"):
        SkipBigram(2).fit_ids(np.array([1, 2]), 5)
    with pytest.raises(ValueError, match=r"ids must lie in \[0, 5\)"):
        SkipBigram(2).fit_ids(np.array([1, 2, 7]), 5)
    with pytest.raises(ValueError, match="cannot read text"):
        SkipBigram(2).fit_ids(np.array([1, 2, 3, 4]), 5).token_logprobs(HELD)


def test_skip_bigram_is_proper_after_every_word_on_a_large_corpus():
    from topiccorpus import TRAIN as BIG_TRAIN

    for d in (1, 2, 5):
        m = SkipBigram(d).fit(BIG_TRAIN)
        assert m.discount > 0 and (m.distribution(["w0"] * d) > m.unigram).any()
        # every conditioning word (seen, never seen as a history such as <s>, or OOV), and
        # contexts shorter than d (the unigram)
        for w in m.vocab.itos + ["zebra"]:
            p = m.distribution([w] + ["w1"] * (d - 1))
            assert np.all(p > 0) and abs(p.sum() - 1) < 1e-9
        assert abs(m.distribution(["w1"] * (d - 1)).sum() - 1) < 1e-9


def test_a_second_fit_builds_its_own_vocabulary():
    m = SkipBigram(1).fit([list("xyz")] * 3)
    m.fit([list("bdbdbd")] * 2)
    assert set(m.vocab.itos) == {"<unk>", "<s>", "</s>", "b", "d"} and m.size == len(m.vocab)
    given_vocab = NgramLM(1).fit(TRAIN).vocab
    m = SkipBigram(1, vocab=given_vocab).fit(HELD).fit(TRAIN[:2])
    assert m.vocab is given_vocab
    assert SkipBigram(1).fit(TRAIN).fit_ids(np.array([0, 1, 2, 1]), 3).vocab is None
