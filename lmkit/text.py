"""Tokenisation and the vocabulary: strings in, integer ids out.

``Vocab`` maps tokens to ids and back.  Its special tokens come first, in a fixed order:
``<unk>`` = 0 (any token not in the vocabulary), ``<s>`` = 1 (start of sentence, only ever
a context) and ``</s>`` = 2 (end of sentence, predicted like a word).  The other tokens
follow by decreasing frequency, ties broken alphabetically, so the same corpus always
gives the same ids.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable, Sequence

import numpy as np

__all__ = ["BOS", "EOS", "UNK", "Vocab", "char_tokenize", "replace_rare", "split_sentences", "word_tokenize"]

UNK, BOS, EOS = "<unk>", "<s>", "</s>"

_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)*|\d+(?:[.,]\d+)*|[^\sA-Za-z\d]")
_SENT_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]*[A-Z0-9])")


def word_tokenize(text: str, lower: bool = True) -> list[str]:
    """Split text into words, numbers and single punctuation marks.

    >>> word_tokenize("The Time Traveller (for so it will be convenient to speak of him)")
    ['the', 'time', 'traveller', '(', 'for', 'so', 'it', 'will', 'be', 'convenient', 'to', 'speak', 'of', 'him', ')']
    """
    if not isinstance(text, str):
        raise TypeError(f"word_tokenize takes a str, not {type(text).__name__}")
    return _WORD.findall(text.lower() if lower else text)


def char_tokenize(text: str) -> list[str]:
    """Split text into characters (the unit of the character-level chapters)."""
    if not isinstance(text, str):
        raise TypeError(f"char_tokenize takes a str, not {type(text).__name__}")
    return list(text)


def split_sentences(text: str) -> list[str]:
    """Split running text into sentences at ``.``, ``!`` or ``?`` followed by a capital.

    A heuristic (it splits after "Mr." too), good enough to give raw novels the one
    sentence per line that n-gram models expect.
    """
    paragraphs = (p.strip() for p in re.split(r"\n\s*\n", text))
    return [s.replace("\n", " ").strip()
            for p in paragraphs if p for s in _SENT_END.split(p) if s.strip()]


class Vocab:
    """Token <-> id mapping with ``<unk>``, ``<s>`` and ``</s>`` as ids 0, 1, 2.

    Parameters
    ----------
    tokens:
        A flat iterable of tokens, or an iterable of sentences (lists of tokens).
    min_freq:
        Tokens seen fewer times become ``<unk>``.
    max_size:
        Keep at most this many tokens (specials included), the most frequent first.
    specials:
        Reserved tokens, given the first ids in this order.
    """

    def __init__(self, tokens: Iterable = (), min_freq: int = 1, max_size: int | None = None,
                 specials: Sequence[str] = (UNK, BOS, EOS)) -> None:
        if not isinstance(min_freq, int) or min_freq < 1:
            raise ValueError(f"min_freq must be an integer >= 1, got {min_freq!r}")
        if UNK not in specials:
            raise ValueError(f"specials must include {UNK!r} (unknown tokens map to it)")
        if max_size is not None and max_size < len(specials):
            raise ValueError(f"max_size={max_size} leaves no room for the {len(specials)} specials")
        counts: Counter = Counter()
        for item in tokens:
            if isinstance(item, str):
                counts[item] += 1
            else:
                for tok in item:
                    if not isinstance(tok, str):
                        raise TypeError(f"tokens must be str, got {type(tok).__name__} {tok!r}: "
                                        f"pass sentences as lists of strings")
                    counts[tok] += 1
        self.counts = counts
        kept = sorted((t for t, c in counts.items() if c >= min_freq and t not in specials),
                      key=lambda t: (-counts[t], t))
        if max_size is not None:
            kept = kept[: max_size - len(specials)]
        self.itos: list[str] = list(specials) + kept
        self.stoi: dict[str, int] = {t: i for i, t in enumerate(self.itos)}
        self.unk_id = self.stoi[UNK]
        self.bos_id = self.stoi.get(BOS, -1)
        self.eos_id = self.stoi.get(EOS, -1)
        self.specials = tuple(specials)

    def __len__(self) -> int:
        return len(self.itos)

    def __contains__(self, token: str) -> bool:
        return token in self.stoi

    def __getitem__(self, token: str) -> int:
        return self.stoi.get(token, self.unk_id)

    def __repr__(self) -> str:
        return f"Vocab({len(self)} tokens: {', '.join(self.itos[:8])}{', ...' if len(self) > 8 else ''})"

    def encode(self, tokens: Sequence[str]) -> np.ndarray:
        """Token ids as an int64 array; unknown tokens become ``<unk>``."""
        ids = np.fromiter((self.stoi.get(t, self.unk_id) for t in tokens), dtype=np.int64,
                          count=len(tokens))
        return ids

    def decode(self, ids: Iterable[int]) -> list[str]:
        """Tokens for ids."""
        n = len(self.itos)
        out = []
        for i in ids:
            i = int(i)
            if not 0 <= i < n:
                raise IndexError(f"id {i} is outside this vocabulary of {n} tokens")
            out.append(self.itos[i])
        return out


def replace_rare(sentences: Sequence[Sequence[str]], vocab: Vocab) -> list[list[str]]:
    """The sentences with every token outside ``vocab`` replaced by ``<unk>`` (a closed
    vocabulary, as in Mikolov's Penn Treebank)."""
    stoi = vocab.stoi
    return [[t if t in stoi else UNK for t in s] for s in sentences]
