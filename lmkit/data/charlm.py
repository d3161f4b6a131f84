r"""Character-level data for chapter 7: Tiny Shakespeare split as nanoGPT splits it, and the
five-character quatrains (五言绝句) of the Tang poems.

``tiny_shakespeare(split)`` gives a character ``Vocab`` and the id streams of the first
``split`` of the text (training) and of the rest (validation).  ``tang_quatrains()`` keeps the
poems of ``load_poems("tang-poems")`` that are exactly four lines of five characters, the
lines ending ，。，。 in turn: :math:`4 \times (5 + 1) = 24` characters each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..checks import check_real
from ..text import Vocab, char_tokenize

__all__ = ["CharData", "QUATRAIN_PUNCT", "QUATRAIN_LEN", "char_split", "is_quatrain",
           "tang_quatrains", "tiny_shakespeare"]

#: the punctuation that ends the lines of a quatrain, in order
QUATRAIN_PUNCT = "，。，。"
#: characters in a quatrain: 4 lines of 5 characters and a punctuation mark
QUATRAIN_LEN = 24
_HAN = "[\u4e00-\u9fff]"
_QUATRAIN = re.compile(f"^{_HAN}{{5}}，{_HAN}{{5}}。{_HAN}{{5}}，{_HAN}{{5}}。$")


@dataclass(frozen=True)
class CharData:
    """A character ``vocab`` (the unknown token and the text's characters) and the ``train``
    and ``valid`` id streams (int64 arrays)."""

    vocab: Vocab
    train: np.ndarray
    valid: np.ndarray

    def text(self, split: str) -> str:
        """The characters of ``"train"`` or ``"valid"`` back as a string."""
        if split not in ("train", "valid"):
            raise KeyError(f"split must be 'train' or 'valid', got {split!r}")
        return "".join(self.vocab.decode(getattr(self, split)))


def char_split(text: str, split: float = 0.9) -> CharData:
    """``text`` as characters: the first ``split`` of them for training, the rest for
    validation (nanoGPT's split); the vocabulary holds every character of the whole text."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    split = check_real("split (the training share)", split, 0, 1, low_open=True, high_open=True)
    n = int(len(text) * split)
    if n < 2 or len(text) - n < 2:
        raise ValueError(f"a split of {split} leaves {n} training and {len(text) - n} "
                         f"validation characters: both need at least 2 (a longer text)")
    chars = char_tokenize(text)
    vocab = Vocab(chars, specials=("<unk>",))
    ids = vocab.encode(chars).astype(np.int64)
    return CharData(vocab, ids[:n], ids[n:])


def tiny_shakespeare(split: float = 0.9) -> CharData:
    """Tiny Shakespeare (``load_text("tinyshakespeare")``) split as by ``char_split``."""
    from .corpora import load_text

    return char_split(load_text("tinyshakespeare"), split)


def is_quatrain(text: str) -> bool:
    """Whether ``text`` is a five-character quatrain: 4 lines of 5 Han characters, ending
    ，。，。 in turn."""
    return isinstance(text, str) and _QUATRAIN.match(text) is not None


def tang_quatrains() -> list[str]:
    """The poems of ``load_poems("tang-poems")`` (traditional characters) that are
    five-character quatrains, as 24-character strings, in the collection's order."""
    from .corpora import load_poems

    poems = ("".join(p.get("paragraphs", [])) for p in load_poems("tang-poems"))
    return [p for p in poems if is_quatrain(p)]
