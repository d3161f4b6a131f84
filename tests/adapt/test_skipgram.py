"""The distance-d bigram: a proper distribution, on ids and through the scoring protocol."""

import numpy as np
import pytest

from lmkit import NgramLM
from lmkit.adapt import SkipBigram
from lmkit.text import lm_ids, stream

TRAIN = [s.split() for s in ["the cat sat on the mat", "the dog sat on the cat",
                             "a cat and a dog", "the mat is red"]] * 3
HELD = [s.split() for s in ["the dog sat on the mat", "a red cat"]]


def test_skip_bigram_is_a_distribution():
    ids = lm_ids(NgramLM(1).fit(TRAIN).vocab, TRAIN)
    size = int(ids.max()) + 1
    m = SkipBigram(2).fit_ids(ids, size)
    for a in range(size):  # p(w | a, 2 back), the target ids[2]
        total = sum(np.exp(m.stream_logprobs(np.array([a, 0, w]))[1]) for w in range(size))
        assert total == pytest.approx(1.0)


@pytest.mark.parametrize("d", [1, 2, 3])
def test_skip_bigram_answers_the_protocol(d):
    m = SkipBigram(d).fit(TRAIN)
    ids = lm_ids(m.vocab, HELD)  # the neural models' convention: </s> starts the text
    by_ids = np.exp(SkipBigram(d, vocab=m.vocab).fit_ids(lm_ids(m.vocab, TRAIN), len(m.vocab))
                    .stream_logprobs(ids))
    lp = m.token_logprobs(HELD)
    assert len(lp) == len(ids) - 1 == len(stream(m.vocab, HELD))
    assert np.allclose(np.exp(lp), by_ids, rtol=1e-14, atol=0)
    assert m.perplexity(HELD) == pytest.approx(np.exp(-np.log(by_ids).mean()))
    text = m.vocab.decode(ids[1:])
    for i, w in enumerate(ids[1:]):  # the running text so far conditions the next word
        p = m.distribution(text[:i])
        assert p.sum() == pytest.approx(1.0) and p[w] == pytest.approx(by_ids[i])
        assert p[m.vocab.bos_id] == 0  # <s> is never predicted
        assert m.logprob(text[i], text[:i]) == pytest.approx(lp[i])
        want = lp[i] if i >= d - 1 else np.log(m.unigram[w])  # no token d back: the unigram
        assert np.log(p[w]) == pytest.approx(want)
    if d == 1:  # the first word is conditioned on the leading </s>
        assert np.array_equal(m.distribution([]), m.distribution(["the", "cat", "</s>"]))
    counts = np.bincount(stream(m.vocab, TRAIN), minlength=len(m.vocab)) + 1.0
    counts[m.vocab.bos_id] = 0
    assert np.array_equal(m.unigram, counts / counts.sum())
    if d > 1:
        assert np.array_equal(m.distribution(text[:d - 2]), m.unigram)
    with pytest.raises(ValueError, match="never predicted"):
        m.logprob("<s>", ["the"])


def test_skip_bigram_bad_input():
    with pytest.raises(ValueError, match=r"distance must be an integer in \[1, inf\)"):
        SkipBigram(0)
    with pytest.raises(ValueError, match="not fitted yet"):
        SkipBigram(2).stream_logprobs(np.array([1, 2, 3]))
    m = SkipBigram(2).fit(TRAIN)
    with pytest.raises(ValueError, match="holds <s>"):
        m.stream_logprobs(np.array([m.vocab.eos_id, 5, m.vocab.bos_id]))
    with pytest.raises(ValueError, match="at least 2 ids"):
        m.stream_logprobs(np.array([m.vocab.eos_id]))
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
            outcomes = np.arange(len(p)) != m.vocab.bos_id
            assert np.all(p[outcomes] > 0) and p[m.vocab.bos_id] == 0 and abs(p.sum() - 1) < 1e-9
        assert abs(m.distribution(["w1"] * (d - 1)).sum() - 1) < 1e-9


def test_a_second_fit_builds_its_own_vocabulary():
    m = SkipBigram(1).fit([list("xyz")] * 3)
    m.fit([list("bdbdbd")] * 2)
    assert set(m.vocab.itos) == {"<unk>", "<s>", "</s>", "b", "d"} and m.size == len(m.vocab)
    given_vocab = NgramLM(1).fit(TRAIN).vocab
    m = SkipBigram(1, vocab=given_vocab).fit(HELD).fit(TRAIN[:2])
    assert m.vocab is given_vocab
    assert SkipBigram(1).fit(TRAIN).fit_ids(np.array([0, 1, 2, 1]), 3).vocab is None
