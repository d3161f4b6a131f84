"""Bad input to lmkit.data: a clear error naming the problem, before any download."""

import numpy as np
import pytest

from lmkit import data

NOVELS = {"Austen_Emma_1816": "It was a fine day. She was happy.\n",
          "Woolf_Waves_1931": "The sun rose. The waves broke.\n"}

CASES = [
    ("fetch unknown", lambda: data.fetch("pennn"), KeyError, "unknown corpus 'pennn'"),
    ("fetch None", lambda: data.fetch(None), KeyError, "unknown corpus None"),
    ("fetch int", lambda: data.fetch(3), KeyError, "unknown corpus 3"),
    ("read_member unknown corpus", lambda: data.read_member("nope", "a"), KeyError, "unknown corpus"),
    ("read_member unknown member", lambda: data.read_member("ptb", "ptb.dev.txt"), KeyError,
     "no member 'ptb.dev.txt'"),
    ("read_members unknown", lambda: data.read_members("ptb", ["x.txt"]), KeyError, "no members"),
    ("load_text ptb", lambda: data.load_text("ptb"), KeyError, "load_text reads"),
    ("load_text None", lambda: data.load_text(None), KeyError, "load_text reads"),
    ("load_poems bad", lambda: data.load_poems("tang"), KeyError, "'tang-poems' or 'song-ci'"),
    ("max_novels=0", lambda: data.load_novel_sentences(0, novels=NOVELS), ValueError, "max_novels"),
    ("max_novels=-1", lambda: data.load_novel_sentences(-1, novels=NOVELS), ValueError,
     "max_novels"),
    ("max_novels=nan", lambda: data.load_novel_sentences(float("nan"), novels=NOVELS), TypeError,
     "max_novels must be an integer"),
    ("max_novels=inf", lambda: data.load_novel_sentences(float("inf"), novels=NOVELS), TypeError,
     "max_novels must be an integer"),
    ("max_novels=True", lambda: data.load_novel_sentences(True, novels=NOVELS), TypeError,
     "max_novels must be an integer"),
    ("max_novels=2.5", lambda: data.load_novel_sentences(2.5, novels=NOVELS), TypeError,
     "max_novels must be an integer"),
    ("vocab_size=0", lambda: data.load_novel_sentences(vocab_size=0, novels=NOVELS), ValueError,
     "vocab_size"),
    ("vocab_size=-5", lambda: data.load_novel_sentences(vocab_size=-5, novels=NOVELS), ValueError,
     "vocab_size"),
    ("vocab_size=True", lambda: data.load_novel_sentences(vocab_size=True, novels=NOVELS),
     TypeError, "vocab_size"),
    ("vocab_size=inf", lambda: data.load_novel_sentences(vocab_size=float("inf"), novels=NOVELS),
     TypeError, "vocab_size"),
    ("split sums to 1", lambda: data.load_novel_sentences(split=(0.9, 0.1), novels=NOVELS),
     ValueError, "train \\+ valid < 1"),
    ("split zero", lambda: data.load_novel_sentences(split=(0, 0.1), novels=NOVELS), ValueError,
     "split\\[0\\]"),
    ("split negative", lambda: data.load_novel_sentences(split=(0.8, -0.1), novels=NOVELS),
     ValueError, "split\\[1\\]"),
    ("split nan", lambda: data.load_novel_sentences(split=(float("nan"), 0.1), novels=NOVELS),
     ValueError, "split\\[0\\]"),
    ("split inf", lambda: data.load_novel_sentences(split=(0.5, float("inf")), novels=NOVELS),
     ValueError, "split\\[1\\]"),
    ("split bool", lambda: data.load_novel_sentences(split=(True, 0.1), novels=NOVELS), TypeError,
     "split\\[0\\]"),
    ("split one number", lambda: data.load_novel_sentences(split=(0.9,), novels=NOVELS),
     ValueError, "two fractions"),
    ("years reversed", lambda: data.load_novel_sentences(years=(1900, 1800), novels=NOVELS),
     ValueError, "first <= last"),
    ("years float", lambda: data.load_novel_sentences(years=(1800.5, 1900), novels=NOVELS),
     TypeError, "years"),
    ("years one", lambda: data.load_novel_sentences(years=(1800,), novels=NOVELS), ValueError,
     "\\(first, last\\)"),
    ("split one float", lambda: data.load_novel_sentences(split=0.9, novels=NOVELS), ValueError,
     r"split must be two fractions \(train, valid\), got 0.9"),
    ("split None", lambda: data.load_novel_sentences(split=None, novels=NOVELS), ValueError,
     "split must be two fractions"),
    ("years one int", lambda: data.load_novel_sentences(years=1900, novels=NOVELS), ValueError,
     r"years must be \(first, last\).*pass \(1900, 1900\)"),
    ("years a string", lambda: data.load_novel_sentences(years="1900", novels=NOVELS), ValueError,
     r"years must be \(first, last\)"),
    ("novels a list", lambda: data.load_novel_sentences(novels=["a"]), TypeError,
     "novels must be a dict name -> text.*got list"),
    ("novels of bytes", lambda: data.load_novel_sentences(novels={"a_1800": b"x"}), TypeError,
     "novels must be a dict name -> text"),
    ("novels without years", lambda: data.load_novel_sentences(years=(1800, 1900), novels={"a": "A b."}),
     ValueError, "'a' has none: pass years=None"),
    ("read_members a string", lambda: data.read_members("ptb", "ptb.test.txt"), TypeError,
     r"not one string: pass \['ptb.test.txt'\], or use read_member"),
    ("read_members an int", lambda: data.read_members("ptb", 3), TypeError,
     "members must be a sequence of member names"),
    ("read_members of ints", lambda: data.read_members("ptb", [3]), TypeError,
     r"members member name 3 \(int\) is not a string"),
    ("read_member a list", lambda: data.read_member("ptb", ["ptb.test.txt"]), TypeError,
     "member must be one member name.*read_members"),
]


@pytest.mark.parametrize("call, exc, fragment", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_gets_a_clear_error(call, exc, fragment, isolated):
    with pytest.raises(exc, match=fragment):
        call()


ACCEPTED = [
    ("numpy max_novels", lambda: data.load_novel_sentences(np.int64(1), novels=NOVELS)),
    ("numpy vocab_size", lambda: data.load_novel_sentences(vocab_size=np.int32(50), novels=NOVELS)),
    ("numpy split", lambda: data.load_novel_sentences(split=(np.float32(0.5), np.float64(0.25)),
                                                      novels=NOVELS)),
    ("numpy years", lambda: data.load_novel_sentences(years=(np.int64(1800), 1900), novels=NOVELS)),
]


@pytest.mark.parametrize("call", [c[1] for c in ACCEPTED], ids=[c[0] for c in ACCEPTED])
def test_numpy_scalars_are_accepted(call):
    out = call()
    assert set(out) == {"train", "valid", "test"}


def test_max_novels_keeps_exactly_that_many():
    one = data.load_novel_sentences(1, vocab_size=None, novels=NOVELS, split=(0.5, 0.25))
    both = data.load_novel_sentences(None, vocab_size=None, novels=NOVELS, split=(0.5, 0.25))
    assert sum(map(len, one.values())) < sum(map(len, both.values()))
