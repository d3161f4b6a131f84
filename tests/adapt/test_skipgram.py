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
    with pytest.raises(ValueError, match="distance must be an integer >= 1"):
        SkipBigram(0)
    with pytest.raises(ValueError, match="not fitted yet"):
        SkipBigram(2).token_probs(np.array([1, 2, 3]))
    with pytest.raises(ValueError, match="longer than the distance"):
        SkipBigram(2).fit_ids(np.array([1, 2]), 5)
    with pytest.raises(ValueError, match=r"ids must lie in \[0, 5\)"):
        SkipBigram(2).fit_ids(np.array([1, 2, 7]), 5)
    with pytest.raises(ValueError, match="cannot read text"):
        SkipBigram(2).fit_ids(np.array([1, 2, 3, 4]), 5).token_logprobs(HELD)
