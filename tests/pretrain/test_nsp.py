"""NSP pairs: half consecutive, half from another document, seeded."""

import math

import pytest

from lmkit.pretrain import nsp_pairs

DOCS = [[f"d{d} s{s}" for s in range(30)] for d in range(40)]


def test_half_are_next_and_the_others_come_from_another_document():
    pairs = nsp_pairs(DOCS, seed=0)
    n = len(pairs)
    assert n == 40 * 29
    positives = sum(label for _, _, label in pairs)
    assert abs(positives - n / 2) <= 4 * math.sqrt(n / 4)
    for a, b, label in pairs:
        (da, sa), (db, sb) = (tuple(int(x[1:]) for x in s.split()) for s in (a, b))
        if label:
            assert (db, sb) == (da, sa + 1)
        else:
            assert db != da
    assert pairs == nsp_pairs(DOCS, seed=0) and pairs != nsp_pairs(DOCS, seed=1)


def test_bad_input_gets_a_clear_error():
    with pytest.raises(ValueError, match="two non-empty documents"):
        nsp_pairs([["a", "b"], []])
    with pytest.raises(TypeError, match="sentences"):
        nsp_pairs([["a", 3], ["b"]])
