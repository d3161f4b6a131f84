import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

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


LP = [-1.0, -2.0]
CASES = [  # (id, callable, exception type, fragment of the message that names the problem)
    ("base=1", lambda: metrics.cross_entropy(LP, base=1), ValueError, "base must not be 1"),
    ("base=0", lambda: metrics.cross_entropy(LP, base=0), ValueError,
     r"base must be a finite number in \(0, inf\), got 0"),
    ("base=-2", lambda: metrics.cross_entropy(LP, base=-2), ValueError, "base must be a finite number"),
    ("base=nan", lambda: metrics.cross_entropy(LP, base=float("nan")), ValueError,
     "base must be a finite number.*got nan"),
    ("base=inf", lambda: metrics.cross_entropy(LP, base=math.inf), ValueError,
     "base must be a finite number.*got inf"),
    ("base=True", lambda: metrics.cross_entropy(LP, base=True), TypeError, "base must be a number, got bool"),
    ("base='2'", lambda: metrics.cross_entropy(LP, base="2"), TypeError, "base must be a number"),
    ("normalised='no'", lambda: metrics.cross_entropy(LP, normalised="no"), TypeError,
     "normalised must be True or False"),
    ("normalised=0", lambda: metrics.perplexity(LP, normalised=0), TypeError,
     "normalised must be True or False"),
    ("logprobs strings", lambda: metrics.perplexity(["a"]), ValueError, "log-probabilities"),
    ("logprobs ragged", lambda: metrics.perplexity([[-1.0], [-1.0, -2.0]]), ValueError,
     "log-probabilities"),
    ("logprobs None", lambda: metrics.perplexity(None), ValueError, "log-probabilities"),
    ("logprobs 2-d", lambda: metrics.cross_entropy([[-1.0]]), ValueError, "1-d"),
    ("logprobs empty", lambda: metrics.cross_entropy([]), ValueError, "empty test set"),
    ("logprobs nan", lambda: metrics.cross_entropy([np.nan]), ValueError, "is NaN"),
    ("logprobs positive", lambda: metrics.cross_entropy([0.5]), ValueError, "normalised=False"),
]


@pytest.mark.parametrize("call, exc, fragment", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_gets_a_clear_error(call, exc, fragment):
    with pytest.raises(exc, match=fragment):
        call()


def test_numpy_scalars_and_numpy_bools_are_accepted():
    assert metrics.cross_entropy(np.full(3, -1.0), base=np.float32(math.e)) == pytest.approx(1, rel=1e-6)
    assert metrics.cross_entropy(np.full(3, -math.log(8)), base=np.int64(2)) == pytest.approx(3)
    assert metrics.cross_entropy(np.full(3, -1.0), base=0.5) == pytest.approx(-1 / math.log(2))
    assert metrics.perplexity([0.2, -1.0], normalised=np.bool_(False)) == pytest.approx(math.exp(0.4))


# SQuAD's exact match and F1, with the empty answer of SQuAD 2.0
from lmkit.metrics import exact_match, normalize_answer, span_f1  # noqa: E402



def test_normalisation():
    assert normalize_answer("The  Eiffel Tower!") == "eiffel tower"
    assert normalize_answer("an apple, a pear") == "apple pear"


def test_exact_match_and_f1():
    assert exact_match("the Eiffel Tower", "Eiffel tower.") == 1.0
    assert exact_match("Eiffel", "Eiffel Tower") == 0.0
    # precision 1/1, recall 1/2
    assert span_f1("Eiffel", "Eiffel Tower") == pytest.approx(2 / 3)
    assert span_f1("Tower Eiffel Paris", "Eiffel Tower") == pytest.approx(0.8)
    assert span_f1("Rome", "Paris") == 0.0


def test_empty_answers():
    assert span_f1("", "") == 1.0 and exact_match("", "") == 1.0
    assert span_f1("Paris", "") == 0.0 and span_f1("", "Paris") == 0.0
    assert span_f1("the", "") == 1.0          # only an article: normalises to empty
    with pytest.raises(TypeError, match="str"):
        span_f1(None, "x")


from lmkit.metrics import roc_auc  # noqa: E402


def test_roc_auc_by_hand():
    # positives 3, 1; negatives 2, 0: pairs (3>2, 3>0, 1<2, 1>0) -> 3/4
    assert roc_auc([3, 1, 2, 0], np.array([True, True, False, False])) == 0.75
    assert roc_auc([1, 1], np.array([True, False])) == 0.5          # a tie counts half
    assert roc_auc([0, 5], np.array([False, True])) == 1.0
    with pytest.raises(ValueError, match="both classes"):
        roc_auc([1, 2], np.array([True, True]))
    with pytest.raises(ValueError, match="boolean"):
        roc_auc([1, 2], [1, 0])
    with pytest.raises(ValueError, match="finite"):
        roc_auc([np.nan, 2], np.array([True, False]))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(-3, 3), st.booleans()), min_size=2, max_size=30))
def test_roc_auc_equals_the_pairwise_count(rows):
    s = np.array([r[0] for r in rows], dtype=float)
    y = np.array([r[1] for r in rows])
    if y.all() or not y.any():
        return
    pairs = [(a > b) + 0.5 * (a == b) for a in s[y] for b in s[~y]]
    assert roc_auc(s, y) == pytest.approx(np.mean(pairs))
