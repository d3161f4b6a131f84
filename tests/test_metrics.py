import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

from lmkit import metrics
from lmkit.lm import LanguageModel
from lmkit.text import Vocab, stream


def test_perplexity_of_a_uniform_model_is_the_vocabulary_size():
    assert metrics.perplexity(np.full(7, -math.log(50))) == pytest.approx(50)
    assert metrics.cross_entropy(np.full(7, -math.log(8))) == pytest.approx(3)
    assert metrics.cross_entropy(np.full(7, -1.0), base=math.e) == pytest.approx(1)


@given(st.lists(st.floats(-20, 0), min_size=1, max_size=50))
def test_perplexity_is_two_to_the_cross_entropy(lp):
    assert metrics.perplexity(lp) == pytest.approx(2 ** metrics.cross_entropy(lp), rel=1e-9)


def test_a_zero_probability_gives_infinite_perplexity():
    assert metrics.perplexity([-1.0, -np.inf]) == math.inf


@pytest.mark.parametrize("bad, fragment", [
    ([], "empty test set"), ([[-1.0]], "1-d"), ([-1.0, np.nan], "is NaN"), ([0.5], "<= 0"),
])
def test_bad_log_probabilities_are_refused(bad, fragment):
    with pytest.raises(ValueError, match=fragment):
        metrics.perplexity(bad)


class Constant(LanguageModel):
    """A test model: every predicted token has probability 1/4."""

    def __init__(self, vocab):
        self.vocab = vocab

    def token_logprobs(self, sentences):
        return np.full(len(stream(self.vocab, sentences)), -math.log(4))


def test_the_protocol_supplies_perplexity_cross_entropy_and_sentence_probability():
    lm = Constant(Vocab([["a", "b"]]))
    sents = [["a", "b"], ["b"]]
    assert len(lm.token_logprobs(sents)) == 5      # 3 words and 2 </s>
    assert lm.perplexity(sents) == pytest.approx(4)
    assert lm.cross_entropy(sents) == pytest.approx(2)
    assert lm.sentence_logprob(["a"]) == pytest.approx(2 * -math.log(4))


def test_raw_scores_of_a_self_normalised_model_need_the_flag():
    with pytest.raises(ValueError, match="normalised=False"):
        metrics.perplexity([0.2, -1.0])
    assert metrics.perplexity([0.2, -1.0], normalised=False) == pytest.approx(math.exp(0.4))
