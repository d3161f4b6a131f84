import numpy as np
import pytest
from hypothesis import given, strategies as st

from lmkit.text import BOS, EOS, UNK, Vocab, check_sentences, lm_ids, pad_sentences, stream

SENTS = [["the", "cat"], [], ["a", "cat", "sat"]]


def test_pad_sentences_marks_every_sentence_and_its_positions():
    v = Vocab(SENTS)
    tokens, pos = pad_sentences(v, SENTS)
    assert v.decode(tokens) == [BOS, "the", "cat", EOS, BOS, EOS, BOS, "a", "cat", "sat", EOS]
    assert pos.tolist() == [0, 1, 2, 3, 0, 1, 0, 1, 2, 3, 4]


def test_the_three_views_predict_the_same_tokens():
    v = Vocab(SENTS)
    s = stream(v, SENTS)
    assert v.decode(s) == ["the", "cat", EOS, EOS, "a", "cat", "sat", EOS]
    ids = lm_ids(v, SENTS)
    assert ids[0] == v.eos_id and ids[1:].tolist() == s.tolist()


@given(st.lists(st.lists(st.sampled_from(["x", "y", "z", "w"]), max_size=6), max_size=8))
def test_stream_length_is_words_plus_one_end_per_sentence(sents):
    v = Vocab([["x", "y"]])
    out = stream(v, sents)
    assert len(out) == sum(map(len, sents)) + len(sents)
    assert not (out == v.bos_id).any()
    assert set(v.decode(out)) <= {"x", "y", UNK, EOS}


@pytest.mark.parametrize("bad, exc, fragment", [
    ("the cat", TypeError, "not one string"),
    (["the cat"], TypeError, "Split it"),
    ([["the", 3]], TypeError, "not a string"),
])
def test_bad_sentences_are_refused(bad, exc, fragment):
    with pytest.raises(exc, match=fragment):
        pad_sentences(Vocab(SENTS), bad)


def test_a_vocabulary_without_sentence_markers_cannot_pad():
    v = Vocab([["a"]], specials=("[PAD]", "[UNK]"), unk="[UNK]")
    with pytest.raises(ValueError, match="no <s> and </s>"):
        stream(v, [["a"]])
    assert check_sentences(iter([["a"]])) == [["a"]]


def test_encode_is_vectorised_and_strict():
    v = Vocab(SENTS)
    assert v.encode(["cat", "dog"]).tolist() == [v["cat"], v.unk_id]
    assert v.encode([]).dtype == np.int64
    with pytest.raises(TypeError, match="decode takes ids"):
        v.encode([1, 2])
    with pytest.raises(TypeError, match="not one string"):
        v.encode("cat")


@pytest.mark.parametrize("token", [BOS, EOS])
def test_a_literal_sentence_boundary_is_refused(token):
    v = Vocab(SENTS)
    with pytest.raises(ValueError, match=f"contains the token '{token}'"):
        stream(v, [["the", token, "cat"]])


def test_first_words_keeps_whole_sentences_up_to_the_one_that_reaches_n():
    from lmkit.text import first_words
    sents = [["a", "b", "c"]] * 3
    assert first_words(sents, 3) == sents[:1]
    assert first_words(sents, 4) == sents[:2]
    assert first_words(sents, 100) == sents
    assert first_words([], 5) == []
