"""Bad input to lmkit.text: a clear error naming the problem."""

import numpy as np
import pytest

from lmkit.text import (BOS, EOS, UNK, Vocab, char_tokenize, check_sentences, lm_ids,
                        pad_sentences, replace_rare, split_sentences, stream, word_tokenize)

V = Vocab([["a", "b", "a"]])
NOMARK = Vocab([["a"]], specials=("[PAD]", "[UNK]"), unk="[UNK]")

CASES = [
    ("min_freq=0", lambda: Vocab([["a"]], min_freq=0), ValueError, "min_freq"),
    ("min_freq=-1", lambda: Vocab([["a"]], min_freq=-1), ValueError, "min_freq"),
    ("min_freq=nan", lambda: Vocab([["a"]], min_freq=float("nan")), ValueError, "min_freq"),
    ("min_freq=inf", lambda: Vocab([["a"]], min_freq=float("inf")), ValueError, "min_freq"),
    ("min_freq=True", lambda: Vocab([["a"]], min_freq=True), ValueError, "min_freq"),
    ("min_freq=1.5", lambda: Vocab([["a"]], min_freq=1.5), ValueError, "min_freq"),
    ("max_size=0", lambda: Vocab([["a"]], max_size=0), ValueError, "max_size"),
    ("max_size=-3", lambda: Vocab([["a"]], max_size=-3), ValueError, "max_size"),
    ("max_size=nan", lambda: Vocab([["a"]], max_size=float("nan")), ValueError, "max_size"),
    ("max_size=inf", lambda: Vocab([["a"]], max_size=float("inf")), ValueError, "max_size"),
    ("max_size=True", lambda: Vocab([["a"]], max_size=True), ValueError, "max_size"),
    ("max_size below specials", lambda: Vocab([["a"]], max_size=2), ValueError, "max_size"),
    ("duplicate specials", lambda: Vocab(specials=(UNK, BOS, UNK)), ValueError, "distinct"),
    ("unk not special", lambda: Vocab(specials=(BOS, EOS)), ValueError, "must be one of"),
    ("specials a string", lambda: Vocab(specials="<unk>"), TypeError, "sequence of strings"),
    ("specials not str", lambda: Vocab(specials=(UNK, 1)), TypeError, "sequence of strings"),
    ("token not str", lambda: Vocab([["a", 3]]), TypeError, "tokens must be str"),
    ("token None", lambda: Vocab([[None]]), TypeError, "tokens must be str"),
    ("lookup an int", lambda: V[5], TypeError, "token string"),
    ("lookup a float", lambda: V[1.5], TypeError, "token string"),
    ("encode ints", lambda: V.encode([1, 2]), TypeError, "decode takes ids"),
    ("encode a string", lambda: V.encode("a b"), TypeError, "not one string"),
    ("decode a float", lambda: V.decode([1.7]), TypeError, "integer ids"),
    ("decode a bool", lambda: V.decode([True]), TypeError, "integer ids"),
    ("decode a string", lambda: V.decode(["a"]), TypeError, "integer ids"),
    ("decode -1", lambda: V.decode([-1]), IndexError, "outside this vocabulary"),
    ("decode too big", lambda: V.decode([len(V)]), IndexError, "outside this vocabulary"),
    ("from_itos wrong start", lambda: Vocab.from_itos(["a", UNK, BOS, EOS]), ValueError,
     "start with the specials"),
    ("from_itos duplicate", lambda: Vocab.from_itos([UNK, BOS, EOS, "a", "a"]), ValueError,
     "twice"),
    ("sentences a string", lambda: stream(V, "a b"), TypeError, "not one string"),
    ("sentence a string", lambda: stream(V, ["a b"]), TypeError, "Split it"),
    ("token an int", lambda: stream(V, [["a", 1]]), TypeError, "not a string"),
    ("literal <s>", lambda: stream(V, [["a", BOS]]), ValueError, "contains the token '<s>'"),
    ("literal </s>", lambda: lm_ids(V, [[EOS, "a"]]), ValueError, "contains the token '</s>'"),
    ("no markers", lambda: pad_sentences(NOMARK, [["a"]]), ValueError, "no <s> and </s>"),
    ("sentences None", lambda: stream(V, None), TypeError, "got NoneType"),
    ("sentences of ints", lambda: stream(V, [1, 2]), TypeError, "got int 1"),
    ("a sentence None", lambda: stream(V, [["a"], None]), TypeError, "got NoneType"),
    ("check_sentences string", lambda: check_sentences("abc"), TypeError, "not one string"),
    ("Vocab of ints", lambda: Vocab([1, 2]), TypeError, "Vocab takes tokens.*got int 1"),
    ("Vocab None", lambda: Vocab(None), TypeError, "Vocab takes tokens, got NoneType"),
    ("Vocab a string", lambda: Vocab("abc"), TypeError,
     "not one string 'abc'.*list of tokens.*list of sentences"),
    ("Vocab sentence and token mixed", lambda: Vocab([["a"], "bc"]), TypeError,
     "not both: got a token 'bc' among sentences"),
    ("Vocab token and sentence mixed", lambda: Vocab(["a", ["b"]]), TypeError,
     r"not both: got a sentence \['b'\] among tokens"),
    ("Vocab a set as a sentence", lambda: Vocab([{"a", "b"}]), TypeError, "got set"),
    ("encode a list of sentences", lambda: V.encode([["a"]]), TypeError,
     r"got list \['a'\] as a token.*lmkit.text.stream"),
    ("encode None", lambda: V.encode(None), TypeError, "sequence of token strings, got NoneType"),
    ("decode an int", lambda: V.decode(5), TypeError, r"1-d sequence of integer ids, e.g. \[5\]"),
    ("decode a 2-d array", lambda: V.decode(np.zeros((2, 2), dtype=int)), TypeError, "1-d sequence"),
    ("decode a str", lambda: V.decode("ab"), TypeError, "sequence of integer ids"),
    ("from_itos an int token", lambda: Vocab.from_itos([UNK, BOS, EOS, 5]), TypeError,
     "itos must hold token strings .*got int 5"),
    ("from_itos a string", lambda: Vocab.from_itos("abc"), TypeError, "not one string"),
    ("stream a set sentence", lambda: stream(V, [{"b", "a"}]), TypeError, "got a set, which has no word order"),
    ("stream a dict sentence", lambda: stream(V, [{"a": 1}]), TypeError, "got a dict, which has no word order"),
    ("pad_sentences frozenset", lambda: pad_sentences(V, [frozenset("a")]), TypeError, "no word order"),
    ("replace_rare a string", lambda: replace_rare("abc", V), TypeError, "not one string"),
    ("replace_rare vocab a list", lambda: replace_rare([["a"]], ["a"]), TypeError,
     "vocab must be a lmkit.text.Vocab, got list"),
    ("word_tokenize bytes", lambda: word_tokenize(b"abc"), TypeError, "takes a str"),
    ("word_tokenize None", lambda: word_tokenize(None), TypeError, "takes a str"),
    ("split_sentences None", lambda: split_sentences(None), TypeError, "takes a str"),
    ("char_tokenize list", lambda: char_tokenize(["a"]), TypeError, "takes a str"),
]


@pytest.mark.parametrize("call, exc, fragment", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_gets_a_clear_error(call, exc, fragment):
    with pytest.raises(exc, match=fragment):
        call()


def test_numpy_scalars_are_accepted():
    assert len(Vocab([["a", "b", "a"]], min_freq=np.int64(2), max_size=np.int32(4))) == 4
    assert V.decode([np.int64(3), np.int32(4)]) == ["a", "b"]
    assert replace_rare([["a", "zz"]], V) == [["a", UNK]]
    assert replace_rare((("a", "zz"),), V) == [["a", UNK]]  # any sequence of sequences
    assert len(Vocab(["a", "b", "a"])) == len(Vocab([["a", "b"], ("a",)])) == 5  # flat or sentences
    assert len(Vocab(iter([]))) == 3 and Vocab(list("abc")).itos[3:] == ["a", "b", "c"]
    assert V.decode(np.array([3, 4])) == V.decode((3, 4)) == ["a", "b"]
    assert split_sentences("One. Two.") == ["One.", "Two."]
