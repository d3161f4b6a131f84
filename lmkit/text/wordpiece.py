r"""BERT's WordPiece tokeniser: a basic pre-tokeniser, then greedy longest-match subwords.

**Basic tokenisation** (Devlin et al. 2019's "BasicTokenizer", as the uncased BERT checkpoints
expect it): drop NUL, U+FFFD and control characters and map every whitespace to a space; put
spaces around CJK ideographs, so that each becomes a word; lower-case and strip accents (NFD,
then drop the combining marks); split on whitespace, and split every punctuation character
(ASCII 33–47, 58–64, 91–96, 123–126 and Unicode category P*) into a word of its own.

**WordPiece** (Wu et al. 2016): each word becomes the longest vocabulary entry that starts it,
then the longest entry that continues it, written with the prefix ``##``, and so on:
``unaffable`` :math:`\to` ``un ##aff ##able``.  A word with a piece that no entry matches, or
longer than ``max_chars`` characters, becomes ``[UNK]`` as a whole.

The special tokens (``[CLS]``, ``[SEP]``, ``[MASK]``, ``[PAD]``, ``[UNK]``) are never split
and, written in the text, stand for themselves.  ``encode`` adds ``[CLS] ... [SEP]`` (and a
second segment ``... [SEP]`` with segment id 1), as BERT reads its input.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Sequence

import numpy as np

__all__ = ["SPECIALS", "WordPiece", "basic_tokenize"]

#: BERT's special tokens
SPECIALS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")

_CJK = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F),
        (0x2B740, 0x2B81F), (0x2B820, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F))


def _is_cjk(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in _CJK)


def _is_punct(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_space(ch: str) -> bool:
    return ch in " \t\n\r" or unicodedata.category(ch) == "Zs"


def _is_control(ch: str) -> bool:
    return ch not in "\t\n\r" and unicodedata.category(ch).startswith("C")


def basic_tokenize(text: str, lower: bool = True) -> list[str]:
    """The words of ``text`` before WordPiece (see the module's docstring)."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    out = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or _is_control(ch):
            continue
        if _is_space(ch):
            out.append(" ")
        elif _is_cjk(cp):
            out.append(f" {ch} ")
        else:
            out.append(ch)
    words = []
    for word in "".join(out).split():
        if lower:
            word = "".join(c for c in unicodedata.normalize("NFD", word.lower())
                           if unicodedata.category(c) != "Mn")
        start = 0
        for i, ch in enumerate(word):
            if _is_punct(ch):
                if i > start:
                    words.append(word[start:i])
                words.append(ch)
                start = i + 1
        if start < len(word):
            words.append(word[start:])
    return words


class WordPiece:
    """A WordPiece tokeniser over ``vocab`` (a list of entries, or a ``vocab.txt`` path: one
    entry per line, the line number its id).  ``lower``: the uncased models' lower-casing and
    accent stripping; ``max_chars``: longer words become ``[UNK]``."""

    def __init__(self, vocab: Sequence[str] | str | Path, lower: bool = True,
                 max_chars: int = 100) -> None:
        if isinstance(vocab, (str, Path)):
            path = Path(vocab)
            if not path.is_file():
                raise FileNotFoundError(f"no vocabulary file at {path}: give BERT's vocab.txt "
                                        f"(one entry per line), e.g. from lmkit.data.fetch")
            vocab = path.read_text("utf-8").split("\n")
            if vocab and vocab[-1] == "":
                vocab = vocab[:-1]
        vocab = list(vocab)
        if not all(isinstance(v, str) for v in vocab):
            raise TypeError("vocab must be a list of strings (the entries, in id order)")
        missing = [s for s in SPECIALS if s not in vocab]
        if missing:
            raise ValueError(f"the vocabulary lacks BERT's special tokens {missing}: is it a "
                             f"BERT vocab.txt?")
        self.itos = vocab
        self.stoi = {s: i for i, s in enumerate(vocab)}
        self.lower, self.max_chars = bool(lower), int(max_chars)
        self.pad_id, self.unk_id, self.cls_id, self.sep_id, self.mask_id = (
            self.stoi[s] for s in SPECIALS)
        self._special = re.compile("(" + "|".join(re.escape(s) for s in SPECIALS) + ")")

    def __len__(self) -> int:
        return len(self.itos)

    def word_pieces(self, word: str) -> list[str]:
        """The pieces of one basic word: greedy longest match, ``##`` inside a word."""
        if len(word) > self.max_chars:
            return ["[UNK]"]
        pieces, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.stoi:
                    break
                end -= 1
            else:
                return ["[UNK]"]
            pieces.append(piece)
            start = end
        return pieces

    def tokenize(self, text: str) -> list[str]:
        """The WordPiece tokens of ``text`` (no ``[CLS]``/``[SEP]`` added)."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        out = []
        for part in self._special.split(text):
            if part in SPECIALS:
                out.append(part)
            elif part:
                for word in basic_tokenize(part, self.lower):
                    out.extend(self.word_pieces(word))
        return out

    def encode(self, text: str, pair: str | None = None, max_len: int | None = None
               ) -> tuple[list[int], list[int]]:
        """``(ids, segments)`` of ``[CLS] text [SEP]`` (and ``pair [SEP]``, segment 1).
        ``max_len`` cuts the longer text first, a token at a time, until the whole fits."""
        a = [self.stoi[t] for t in self.tokenize(text)]
        b = None if pair is None else [self.stoi[t] for t in self.tokenize(pair)]
        if max_len is not None:
            room = max_len - (2 if b is None else 3)
            if room < (0 if b is None else 2):
                raise ValueError(f"max_len={max_len} leaves no room for the text between "
                                 f"[CLS] and [SEP]: give at least {max_len + 1 - room}")
            while len(a) + len(b or []) > room:
                if b is not None and len(b) > len(a):
                    b.pop()
                else:
                    a.pop()
        ids = [self.cls_id] + a + [self.sep_id]
        segments = [0] * len(ids)
        if b is not None:
            ids += b + [self.sep_id]
            segments += [1] * (len(b) + 1)
        return ids, segments

    def batch(self, texts: Sequence[str], max_len: int = 512
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(ids, segments, mask)``, int64 arrays (B, T) padded with ``[PAD]`` to the longest
        encoded text (at most ``max_len``); ``mask`` is 1 on real tokens."""
        if isinstance(texts, str):
            raise TypeError("batch takes a list of texts; for one text use encode(text)")
        rows = [self.encode(t, max_len=max_len)[0] for t in texts]
        if not rows:
            raise ValueError("batch needs at least one text")
        T = max(len(r) for r in rows)
        ids = np.full((len(rows), T), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(rows), T), dtype=np.int64)
        for i, r in enumerate(rows):
            ids[i, :len(r)], mask[i, :len(r)] = r, 1
        return ids, np.zeros_like(ids), mask

    def decode(self, ids: Sequence[int]) -> list[str]:
        """The tokens of ``ids``."""
        return [self.itos[int(i)] for i in ids]
