"""lmkit.models.gpt_explore: bits per character and the quatrain rule of constrained decoding."""

import math

import numpy as np
import pytest
import torch

from lmkit.data.charlm import is_quatrain
from lmkit.models import GPT, GPTConfig
from lmkit.models.gpt_explore import bits_per_char, quatrain_allowed
from lmkit.text import Vocab

POEMS = ["床前明月光，疑是地上霜。舉頭望明月，低頭思故鄉。",
         "白日依山盡，黃河入海流。欲窮千里目，更上一層樓。"]


def vocab():
    return Vocab(list("\n" + "\n".join(POEMS)), specials=("<unk>",))


def test_bits_per_char():
    assert bits_per_char(np.full(7, math.log(0.25))) == pytest.approx(2.0)
    for bad in ([], [0.5], [np.nan], [[-1.0]]):
        with pytest.raises(ValueError, match="logprobs"):
            bits_per_char(bad)


def test_the_rule_follows_the_position_in_the_poem():
    v = vocab()
    allowed = quatrain_allowed(v)
    ids = torch.as_tensor(v.encode(list("\n" + POEMS[0] + "\n" + POEMS[1][:7])))[None]
    for t in range(1, ids.shape[1]):              # the true next character is always allowed
        mask = allowed(ids[:, :t])
        assert mask.shape == (1, len(v)) and mask[0, ids[0, t]]
    assert allowed(ids[:, :6])[0].sum() == 1                     # only ，
    assert allowed(ids[:, :3])[0, v["，"]].item() is False
    assert allowed(ids[:, :25])[0].nonzero().flatten().tolist() == [v["\n"]]


def test_constrained_generation_writes_quatrains():
    v = vocab()
    torch.manual_seed(0)
    m = GPT(GPTConfig(len(v), 32, 1, 2, 16))                       # untrained: any character
    start = torch.full((3, 1), v["\n"])
    out = m.generate(start, 50, generator=torch.Generator().manual_seed(0),
                     allowed=quatrain_allowed(v))
    for row in out:
        text = "".join(v.decode(row.tolist()))
        poems = text.strip("\n").split("\n")
        assert all(is_quatrain(p) for p in poems[:2]), poems


def test_bad_vocabularies_are_refused():
    with pytest.raises(TypeError, match="Vocab"):
        quatrain_allowed(list("abc"))
    with pytest.raises(ValueError, match="lacks"):
        quatrain_allowed(Vocab(list("abc"), specials=("<unk>",)))
