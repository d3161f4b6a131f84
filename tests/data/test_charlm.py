"""lmkit.data.charlm: the character split and the quatrain filter."""

import numpy as np
import pytest

from lmkit.data.charlm import (QUATRAIN_LEN, char_split, is_quatrain, tang_quatrains,
                               tiny_shakespeare)
from tests.conftest import shared_data

POEM = "床前明月光，疑是地上霜。舉頭望明月，低頭思故鄉。"


def test_split_keeps_the_order_and_every_character():
    text = "abcab\ncba\n" * 10
    d = char_split(text, 0.9)
    assert len(d.train) == 90 and len(d.valid) == 10
    assert d.text("train") + d.text("valid") == text
    assert d.vocab.unk_id not in np.concatenate([d.train, d.valid])
    assert len(d.vocab) == 1 + len(set(text))


@pytest.mark.parametrize("split, err", [(1.0, ValueError), (0, ValueError), ("0.9", TypeError),
                                        (0.99, ValueError)])
def test_bad_splits_are_refused(split, err):
    with pytest.raises(err, match="split"):
        char_split("abcdefghij" * 5, split)


def test_bad_split_name_and_text():
    d = char_split("abcdefghij" * 3)
    with pytest.raises(KeyError, match="'train' or 'valid'"):
        d.text("test")
    with pytest.raises(TypeError, match="str"):
        char_split(list("abc"))


def test_the_quatrain_shape():
    assert len(POEM) == QUATRAIN_LEN and is_quatrain(POEM)
    assert not is_quatrain(POEM.replace("，", "。", 1))        # punctuation out of turn
    assert not is_quatrain(POEM[:-1])                         # a character short
    assert not is_quatrain(POEM + POEM)                        # eight lines
    assert not is_quatrain("abcde，fghij。klmno，pqrst。")      # not Han characters
    assert not is_quatrain(None)


@pytest.mark.slow
@pytest.mark.skipif(shared_data() is None, reason="needs LMKIT_DATA (the corpora)")
def test_the_corpora():
    d = tiny_shakespeare()
    assert len(d.vocab) == 66 and len(d.train) == 1_003_854 and len(d.valid) == 111_540
    q = tang_quatrains()
    assert len(q) > 3000 and all(is_quatrain(p) for p in q)
