"""Downstream tasks built from the corpora we ship (chapter 8's fine-tuning and probes).

- ``authorship``: who wrote a sentence?  Sentences of several novelists, each with three
  novels in the collection; the classifier is trained on each author's two earlier novels and
  tested on the latest one, so it must recognise the author, not the book's characters and
  places (a held-out tenth of the training sentences is the validation set).
- ``word_swap``: is this sentence as written, or were two adjacent words swapped?  A task of
  word order (syntax) that needs no annotation: half the sentences, drawn at random, are
  corrupted.

Each returns a ``TextTask``: ``train``, ``valid``, ``test`` lists of ``(text, label)`` and the
class ``names``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..checks import check_int

__all__ = ["AUTHORS", "TextTask", "authorship", "word_swap"]

#: four novelists with three novels each, the default classes of ``authorship``
AUTHORS = ("Dickens", "Hardy", "Conrad", "Eliot")


@dataclass(frozen=True)
class TextTask:
    """A sentence-classification task: ``(text, label)`` pairs per split, the class
    ``names``, and ``books``: which novels each split's texts come from (empty when the task is
    not made from novels)."""

    train: list
    valid: list
    test: list
    names: tuple
    books: dict

    def labels(self, split: str) -> np.ndarray:
        """The labels of a split as an int array."""
        return np.array([y for _, y in getattr(self, split)], dtype=np.int64)

    def texts(self, split: str) -> list[str]:
        """The texts of a split."""
        return [t for t, _ in getattr(self, split)]


def _sentences(text: str, low: int, high: int) -> list[str]:
    from ..text import split_sentences, word_tokenize

    def prose(s: str) -> bool:          # not a heading or a table of contents in capitals
        letters = [c for c in s if c.isalpha()]
        return sum(c.islower() for c in letters) > 0.7 * len(letters)

    return [s for s in split_sentences(text)
            if low <= len(word_tokenize(s)) <= high and prose(s)]


def authorship(authors: Sequence[str] = AUTHORS, per_book: int = 600, words: tuple = (8, 40),
               seed: int = 0, novels: dict | None = None) -> TextTask:
    """Who wrote the sentence?  For each author (a file-name prefix such as ``"Dickens"``,
    with exactly three novels), ``per_book`` sentences of ``words`` = (fewest, most) words are
    drawn (seeded) from each novel: the two earliest novels (by the year in the file name) give
    train and valid (nine tenths, one tenth), the latest gives test."""
    from .corpora import load_novels

    per_book = check_int("per_book", per_book, 1)
    seed = check_int("seed", seed, 0)
    if isinstance(authors, str) or len(authors) < 2:
        raise ValueError(f"authors must be a list of at least two novelists' file-name prefixes, "
                         f"e.g. {list(AUTHORS)}, got {authors!r}")
    novels = novels if novels is not None else load_novels()
    rng = np.random.default_rng(seed)
    split: dict[str, list] = {"train": [], "valid": [], "test": []}
    books: dict[str, list] = {"train": [], "test": []}
    for label, author in enumerate(authors):
        own = sorted((n for n in novels if n.split("_")[0] == author),
                     key=lambda n: (int(n.rsplit("_", 1)[1]), n))
        if len(own) != 3:
            have = sorted({n.split("_")[0] for n in novels})
            raise ValueError(f"author {author!r} has {len(own)} novels in the collection, the task "
                             f"needs 3 (two to train on, one to test on); authors: {have[:40]}")
        for i, name in enumerate(own):
            sents = _sentences(novels[name], *words)
            if len(sents) < per_book:
                raise ValueError(f"{name} has only {len(sents)} sentences of {words[0]}-{words[1]} "
                                 f"words, fewer than per_book={per_book}: ask for fewer")
            pick = [sents[j] for j in sorted(rng.choice(len(sents), per_book, replace=False))]
            if i == 2:
                split["test"] += [(s, label) for s in pick]
                books["test"].append(name)
            else:
                cut = per_book // 10
                order = rng.permutation(per_book)
                split["valid"] += [(pick[j], label) for j in sorted(order[:cut])]
                split["train"] += [(pick[j], label) for j in sorted(order[cut:])]
                books["train"].append(name)
    return TextTask(split["train"], split["valid"], split["test"], tuple(authors), books)


def _swap(words: list[str], rng: np.random.Generator) -> list[str] | None:
    """``words`` with one adjacent pair of different words swapped, or None if all equal."""
    spots = [i for i in range(len(words) - 1) if words[i] != words[i + 1]]
    if not spots:
        return None
    i = spots[rng.integers(len(spots))]
    return words[:i] + [words[i + 1], words[i]] + words[i + 2:]


def word_swap(sentences: Sequence[Sequence[str]], seed: int = 0,
              split: tuple = (0.8, 0.1)) -> TextTask:
    """Was the word order corrupted?  Each tokenised sentence (at least two different words)
    keeps its order (label 0) or gets one adjacent pair of different words swapped (label
    1), with probability 1/2 (seeded); the texts are the words joined by spaces.  The pairs
    are shuffled and cut into train, valid and test by ``split`` (train, valid)."""
    seed = check_int("seed", seed, 0)
    rng = np.random.default_rng(seed)
    pairs = []
    for s in sentences:
        s = list(s)
        swapped = _swap(s, rng)
        if swapped is None:
            continue
        flip = bool(rng.random() < 0.5)
        pairs.append((" ".join(swapped if flip else s), int(flip)))
    if len(pairs) < 10:
        raise ValueError(f"word_swap needs at least 10 sentences of two different words or "
                         f"more, got {len(pairs)}")
    order = rng.permutation(len(pairs))
    a, b = int(len(pairs) * split[0]), int(len(pairs) * (split[0] + split[1]))
    parts = [[pairs[j] for j in order[lo:hi]] for lo, hi in ((0, a), (a, b), (b, len(pairs)))]
    return TextTask(*parts, ("as written", "swapped"), {})
