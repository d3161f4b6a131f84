import numpy as np
import pytest
from hypothesis import given, strategies as st

from lmkit.text import BOS, EOS, UNK, Vocab, char_tokenize, split_sentences, word_tokenize


def test_specials_come_first_then_frequency_then_alphabet():
    v = Vocab([["b", "a", "c"], ["a", "c"], ["a"]])
    assert v.itos == [UNK, BOS, EOS, "a", "c", "b"]
    assert (v.unk_id, v.bos_id, v.eos_id) == (0, 1, 2)
    assert v["a"] == 3 and v["zebra"] == v.unk_id and "zebra" not in v


def test_corpus_unk_merges_with_the_special():
    v = Vocab([["<unk>", "x", "<unk>"]])
    assert v.itos.count(UNK) == 1 and v.counts[UNK] == 2 and len(v) == 4


def test_min_freq_and_max_size():
    sents = [["a"] * 5 + ["b"] * 3 + ["c"]]
    assert Vocab(sents, min_freq=2).itos[3:] == ["a", "b"]
    assert Vocab(sents, max_size=4).itos == [UNK, BOS, EOS, "a"]


def test_flat_tokens_are_accepted():
    assert Vocab(["x", "y", "x"]).itos[3:] == ["x", "y"]


@given(st.lists(st.lists(st.sampled_from("abcdefg"), max_size=8), max_size=10))
def test_encode_decode_round_trip(sents):
    v = Vocab(sents)
    for s in sents:
        ids = v.encode(s)
        assert ids.dtype == np.int64 and v.decode(ids) == s


@pytest.mark.parametrize("kwargs, match", [
    (dict(min_freq=0), "min_freq"),
    (dict(specials=("<s>",)), "<unk>"),
    (dict(max_size=2), "max_size"),
])
def test_bad_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Vocab([["a"]], **kwargs)


def test_non_string_token_is_a_clear_type_error():
    with pytest.raises(TypeError, match="tokens must be str.*int"):
        Vocab([["a", 3]])
    with pytest.raises(IndexError, match="outside this vocabulary"):
        Vocab([["a"]]).decode([99])


def test_tokenizers():
    assert word_tokenize("Don't stop: 3.5 cats!") == ["don't", "stop", ":", "3.5", "cats", "!"]
    assert word_tokenize("The End", lower=False) == ["The", "End"]
    assert char_tokenize("ab c") == ["a", "b", " ", "c"]
    assert split_sentences("It rained. Then it stopped!\n\nA new paragraph? Yes.") == [
        "It rained.", "Then it stopped!", "A new paragraph?", "Yes."]
    with pytest.raises(TypeError, match="takes a str"):
        word_tokenize(["a"])


def test_replace_rare_closes_the_vocabulary():
    from lmkit.text import replace_rare

    v = Vocab([["a", "a", "b"]], min_freq=2)
    assert replace_rare([["a", "b", "c"]], v) == [["a", "<unk>", "<unk>"]]


def test_bert_style_specials():
    v = Vocab([["a", "b", "a"]], specials=("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"),
              unk="[UNK]")
    assert v.itos[:6] == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a"]
    assert v["zzz"] == v.unk_id == 1 and v.bos_id == -1 and v.eos_id == -1


@pytest.mark.parametrize("kwargs, exc, fragment", [
    (dict(specials=(UNK, UNK, BOS)), ValueError, "distinct"),
    (dict(specials=(BOS, EOS)), ValueError, "must be one of the specials"),
    (dict(min_freq=0), ValueError, "min_freq"),
    (dict(min_freq=True), ValueError, "min_freq"),
    (dict(max_size=2), ValueError, "max_size"),
    (dict(specials="abc"), TypeError, "sequence of strings"),
])
def test_bad_vocabulary_arguments(kwargs, exc, fragment):
    with pytest.raises(exc, match=fragment):
        Vocab([["a"]], **kwargs)


def test_strict_lookups():
    v = Vocab([["a", "b"]])
    with pytest.raises(TypeError, match="token string"):
        v[5]
    with pytest.raises(TypeError, match="integer ids"):
        v.decode([1.7])
    with pytest.raises(IndexError, match="outside"):
        v.decode([-1])
    assert v.decode(np.array([3, 4])) == ["a", "b"]


def test_from_itos_round_trips():
    v = Vocab([["b", "a", "b"]])
    w = Vocab.from_itos(v.itos)
    assert w.itos == v.itos and w["b"] == v["b"] and w["zz"] == w.unk_id
    with pytest.raises(ValueError, match="start with the specials"):
        Vocab.from_itos(["a", UNK, BOS, EOS])
