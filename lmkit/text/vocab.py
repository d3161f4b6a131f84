"""The vocabulary: token strings to integer ids and back.

``Vocab`` gives its special tokens the first ids, in the order given.  The n-gram and neural
chapters use the default, ``<unk>`` = 0 (any token not in the vocabulary), ``<s>`` = 1 (start
of sentence, only ever a context) and ``</s>`` = 2 (end of sentence, predicted like a word);
BERT-style models pass their own, e.g. ``specials=("[PAD]", "[UNK]", "[CLS]", "[SEP]",
"[MASK]"), unk="[UNK]"``.  The other tokens follow by decreasing frequency, ties broken
alphabetically, so the same corpus always gives the same ids.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Set
from typing import Iterable, Sequence

import numpy as np

__all__ = ["BOS", "EOS", "UNK", "Vocab", "replace_rare"]

UNK, BOS, EOS = "<unk>", "<s>", "</s>"


def _count(tokens) -> Counter:
    """Token counts of a flat iterable of tokens or an iterable of sentences (checked)."""
    form = "pass a list of tokens, e.g. ['the', 'cat'], or a list of sentences, e.g. [['the', 'cat']]"
    if isinstance(tokens, str):
        raise TypeError(f"Vocab takes tokens, not one string {tokens[:40]!r} (which would give a "
                        f"vocabulary of characters): {form}; for characters pass list(text)")
    try:
        items = iter(tokens)
    except TypeError:
        raise TypeError(f"Vocab takes tokens, got {type(tokens).__name__} {tokens!r}: {form}") from None
    counts: Counter = Counter()
    flat = None  # a flat list of tokens (True) or a list of sentences (False), by its first item
    for item in items:
        is_token = isinstance(item, str)
        if flat is None:
            flat = is_token
        elif flat != is_token:
            raise TypeError(f"Vocab takes a list of tokens or a list of sentences, not both: got "
                            f"{'a token' if is_token else 'a sentence'} {item!r} among "
                            f"{'tokens' if flat else 'sentences'}; {form}")
        if is_token:
            counts[item] += 1
            continue
        if isinstance(item, (Set, Mapping)) or not hasattr(item, "__iter__"):
            raise TypeError(f"Vocab takes tokens (strings) or sentences (lists of strings), got "
                            f"{type(item).__name__} {item!r}; {form}")
        for tok in item:
            if not isinstance(tok, str):
                raise TypeError(f"tokens must be str, got {type(tok).__name__} {tok!r}: "
                                f"pass sentences as lists of strings")
            counts[tok] += 1
    return counts


def _is_int(x) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))


class Vocab:
    """Token <-> id mapping whose special tokens come first.

    Parameters
    ----------
    tokens:
        A flat iterable of tokens, or an iterable of sentences (lists of tokens); not one
        string, and not the two mixed.
    min_freq:
        Tokens seen fewer times become the unknown token.
    max_size:
        Keep at most this many tokens (specials included), the most frequent first.
    specials:
        Reserved tokens, given the first ids in this order.
    unk:
        The special that stands for every token outside the vocabulary.
    """

    def __init__(self, tokens: Iterable = (), min_freq: int = 1, max_size: int | None = None,
                 specials: Sequence[str] = (UNK, BOS, EOS), unk: str = UNK) -> None:
        if not _is_int(min_freq) or min_freq < 1:
            raise ValueError(f"min_freq must be an integer >= 1, got {min_freq!r}")
        if isinstance(specials, str) or not all(isinstance(t, str) for t in specials):
            raise TypeError(f"specials must be a sequence of strings, got {specials!r}")
        specials = tuple(specials)
        if len(set(specials)) != len(specials):
            raise ValueError(f"specials must be distinct, got {specials!r}")
        if unk not in specials:
            raise ValueError(f"the unknown token {unk!r} must be one of the specials {specials!r} "
                             f"(tokens outside the vocabulary map to it)")
        if max_size is not None and (not _is_int(max_size) or max_size < len(specials)):
            raise ValueError(f"max_size must be an integer >= {len(specials)} (the specials), "
                             f"got {max_size!r}")
        counts = _count(tokens)
        self.counts = counts
        kept = sorted((t for t, c in counts.items() if c >= min_freq and t not in specials),
                      key=lambda t: (-counts[t], t))
        if max_size is not None:
            kept = kept[: max_size - len(specials)]
        self.itos: list[str] = list(specials) + kept
        self.stoi: dict[str, int] = {t: i for i, t in enumerate(self.itos)}
        self.unk, self.unk_id = unk, self.stoi[unk]
        self.bos_id = self.stoi.get(BOS, -1)
        self.eos_id = self.stoi.get(EOS, -1)
        self.specials = specials

    @classmethod
    def from_itos(cls, itos: Sequence[str], specials: Sequence[str] = (UNK, BOS, EOS),
                  unk: str = UNK) -> "Vocab":
        """The vocabulary whose id i is ``itos[i]`` (as saved with a model); the specials must
        come first."""
        if isinstance(itos, str):
            raise TypeError("itos must be a list of token strings (id i is itos[i]), not one string")
        itos = list(itos)
        for t in itos:
            if not isinstance(t, str):
                raise TypeError(f"itos must hold token strings (id i is itos[i]), got "
                                f"{type(t).__name__} {t!r}")
        if itos[:len(specials)] != list(specials):
            raise ValueError(f"itos must start with the specials {tuple(specials)!r}")
        if len(set(itos)) != len(itos):
            raise ValueError("itos holds a token twice: ids would be ambiguous")
        v = cls(specials=specials, unk=unk)
        v.itos = itos
        v.stoi = {t: i for i, t in enumerate(itos)}
        return v

    def __len__(self) -> int:
        return len(self.itos)

    def __contains__(self, token: str) -> bool:
        return token in self.stoi

    def __getitem__(self, token: str) -> int:
        if not isinstance(token, str):
            raise TypeError(f"Vocab[...] looks up a token string, got {type(token).__name__} "
                            f"{token!r}; for the token of an id use vocab.itos[i] or decode")
        return self.stoi.get(token, self.unk_id)

    def __repr__(self) -> str:
        return f"Vocab({len(self)} tokens: {', '.join(self.itos[:8])}{', ...' if len(self) > 8 else ''})"

    def encode(self, tokens: Sequence[str]) -> np.ndarray:
        """Token ids as an int64 array; tokens outside the vocabulary become the unknown id."""
        if isinstance(tokens, str):
            raise TypeError("encode takes a sequence of tokens, not one string; "
                            "tokenise it first, e.g. text.split()")
        try:
            tokens = list(tokens)
        except TypeError:
            raise TypeError(f"encode takes a sequence of token strings, got "
                            f"{type(tokens).__name__} {tokens!r}") from None
        get, unk = self.stoi.get, self.unk_id
        try:
            ids = np.fromiter((get(t, unk) for t in tokens), dtype=np.int64, count=len(tokens))
        except TypeError:  # an unhashable token: a list, a set, ...
            bad = next(t for t in tokens if not isinstance(t, str) and not _hashable(t))
            raise TypeError(f"encode takes one sentence, a flat sequence of token strings; got "
                            f"{type(bad).__name__} {bad!r} as a token (for many sentences use "
                            f"lmkit.text.stream or encode each one)") from None
        for i in np.flatnonzero(ids == unk):  # only an unknown token can be of the wrong type
            if not isinstance(tokens[i], str):
                raise TypeError(f"token {tokens[i]!r} ({type(tokens[i]).__name__}) is not a "
                                f"string; encode takes token strings (decode takes ids)")
        return ids

    def decode(self, ids: Iterable[int]) -> list[str]:
        """Tokens for integer ids."""
        if isinstance(ids, (str, bytes)) or not hasattr(ids, "__iter__") or \
                (isinstance(ids, np.ndarray) and ids.ndim != 1):
            raise TypeError(f"decode takes a 1-d sequence of integer ids, e.g. [5] or "
                            f"vocab.encode(tokens), got {type(ids).__name__} {ids!r}")
        n = len(self.itos)
        out = []
        for i in ids:
            if not _is_int(i):
                raise TypeError(f"decode takes integer ids, got {type(i).__name__} {i!r}")
            if not 0 <= i < n:
                raise IndexError(f"id {i} is outside this vocabulary of {n} tokens")
            out.append(self.itos[int(i)])
        return out


def _hashable(x) -> bool:
    try:
        hash(x)
    except TypeError:
        return False
    return True


def replace_rare(sentences: Sequence[Sequence[str]], vocab: Vocab) -> list[list[str]]:
    """The sentences with every token outside ``vocab`` replaced by the unknown token (a
    closed vocabulary, as in Mikolov's Penn Treebank)."""
    from .encode import check_sentences  # encode imports this module

    if not isinstance(vocab, Vocab):
        raise TypeError(f"vocab must be a lmkit.text.Vocab, got {type(vocab).__name__}; build it "
                        f"with Vocab(sentences)")
    sentences = check_sentences(sentences)
    stoi, unk = vocab.stoi, vocab.unk
    return [[t if t in stoi else unk for t in s] for s in sentences]
