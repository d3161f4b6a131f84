"""Tokenisers: running text in, lists of token strings out."""

from __future__ import annotations

import re

__all__ = ["char_tokenize", "split_sentences", "word_tokenize"]

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
    if not isinstance(text, str):
        raise TypeError(f"split_sentences takes a str, not {type(text).__name__}")
    paragraphs = (p.strip() for p in re.split(r"\n\s*\n", text))
    return [s.replace("\n", " ").strip()
            for p in paragraphs if p for s in _SENT_END.split(p) if s.strip()]
