"""Sentences to id arrays: the one place where text is encoded for a model.

Three views of the same sentences, all built on ``Vocab.encode``:

- ``pad_sentences``: ``<s> w_1 ... w_m </s>`` per sentence, with each token's position in its
  sentence (the n-gram models' view: a history never reaches back past ``<s>``);
- ``stream``: the predicted tokens only (every word and every ``</s>``) as one running text
  (the view of cache, mixture and maximum-entropy models);
- ``lm_ids``: ``</s>`` followed by the stream (the neural models' input: the leading ``</s>``
  is the start of the text, so the targets ``lm_ids[1:]`` are exactly the tokens that the
  other two views predict).
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from typing import Sequence

import numpy as np

from .vocab import Vocab

__all__ = ["check_sentences", "first_words", "lm_ids", "pad_sentences", "stream"]


def check_sentences(sentences, what: str = "sentences") -> list:
    """``sentences`` as a list, checked to be a list of token lists (not strings, and not
    sets or dicts, which have no word order)."""
    if isinstance(sentences, str):
        raise TypeError(f"{what} must be a list of sentences (lists of token strings), "
                        f"not one string; try [text.split()]")
    try:
        sentences = list(sentences)
    except TypeError:
        raise TypeError(f"{what} must be a list of sentences (lists of token strings), got "
                        f"{type(sentences).__name__}") from None
    for s in sentences:
        if isinstance(s, str):
            raise TypeError(f"{what} must be a list of sentences, each a list of token "
                            f"strings; got the string {s[:40]!r}. Split it: {s[:20]!r}.split()")
        if isinstance(s, (Set, Mapping)):
            raise TypeError(f"{what} must be a list of sentences, each an ordered list of token "
                            f"strings; got a {type(s).__name__}, which has no word order: pass "
                            f"a list, e.g. {sorted(map(str, s))[:5]!r} in the sentence's order")
        if not hasattr(s, "__len__") or not hasattr(s, "__iter__"):
            raise TypeError(f"{what} must be a list of sentences, each a list of token "
                            f"strings; got {type(s).__name__} {s!r}")
    return sentences


def first_words(sentences: Sequence[Sequence[str]], n_words: int) -> list:
    """The first sentences of ``sentences``, up to the one that reaches ``n_words`` words (a
    corpus cut to a size while keeping whole sentences; all of them if it is smaller)."""
    total, out = 0, []
    for s in sentences:
        if total >= n_words:
            break
        out.append(s)
        total += len(s)
    return out


def pad_sentences(vocab: Vocab, sentences: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Encode and pad sentences into one flat array.

    Returns ``(tokens, pos)``: the ids of ``<s> w_1 ... w_m </s>`` for every sentence, one
    after the other, and each token's position in its padded sentence (0 for ``<s>``).
    Tokens not in the vocabulary become ``<unk>``; a token that is not a string is an error,
    and so is a literal ``<s>`` or ``</s>`` inside a sentence (the boundaries are lmkit's to
    add: a literal one would make every model's distribution improper).
    """
    sentences = check_sentences(sentences)
    if vocab.bos_id < 0 or vocab.eos_id < 0:
        raise ValueError("the vocabulary has no <s> and </s>: build it with the default "
                         "specials, Vocab(sentences)")
    lens = np.fromiter(map(len, sentences), dtype=np.int64, count=len(sentences))
    words = vocab.encode([t for s in sentences for t in s])
    reserved = (words == vocab.bos_id) | (words == vocab.eos_id)
    if reserved.any():
        token = vocab.itos[int(words[np.argmax(reserved)])]
        raise ValueError(f"a sentence contains the token {token!r}, which marks sentence "
                         f"boundaries and is added by lmkit itself; remove it from the input "
                         f"(or replace it, e.g. with '<unk>')")
    size = lens + 2
    starts = np.cumsum(size) - size
    tokens = np.empty(int(size.sum()), dtype=np.int64)
    inner = np.ones(len(tokens), dtype=bool)
    inner[starts] = False
    inner[starts + lens + 1] = False
    tokens[starts] = vocab.bos_id
    tokens[starts + lens + 1] = vocab.eos_id
    tokens[inner] = words
    pos = np.arange(len(tokens), dtype=np.int64) - np.repeat(starts, size)
    return tokens, pos


def stream(vocab: Vocab, sentences: Sequence[Sequence[str]]) -> np.ndarray:
    """The ids of the predicted tokens of ``sentences`` in order: every word and every ``</s>``."""
    tokens, pos = pad_sentences(vocab, sentences)
    return tokens[pos >= 1]


def lm_ids(vocab: Vocab, sentences: Sequence[Sequence[str]]) -> np.ndarray:
    """The id stream a neural LM reads: ``</s>`` first (the start of the text), then every
    word and every ``</s>`` of ``sentences``.  Its targets (all but the first id) are exactly
    the tokens an ``NgramLM`` predicts, so the perplexities of the two families compare."""
    return np.concatenate(([vocab.eos_id], stream(vocab, sentences))).astype(np.int64)
