"""Loaders: each corpus of the registry as ready-to-use data.

Lists of sentences (lists of tokens) for the word-level LM corpora, plain text for the
character corpora, dicts of texts for the novels and poems; and ``ptb_lm()``, the one call
that sets up Penn Treebank for the neural chapters (vocabulary, id streams, unigram counts).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from .registry import corpus
from .store import read_member, read_members

__all__ = ["PTB", "load_novel_sentences", "load_novels", "load_poems", "load_ptb", "load_text",
           "load_wikitext2", "ptb_lm"]


def _lines(data: bytes) -> list[str]:
    return data.decode("utf-8").splitlines()


def _word_lm_splits(corpus: str, files: dict[str, str], keep_blank: bool) -> dict[str, list[list[str]]]:
    raw = read_members(corpus, files.values())
    out = {}
    for split, member in files.items():
        sents = [line.split() for line in _lines(raw[member])]
        out[split] = sents if keep_blank else [s for s in sents if s]
    return out


def load_ptb() -> dict[str, list[list[str]]]:
    """Penn Treebank (Mikolov's version): ``{"train"|"valid"|"test": [sentence, ...]}``.

    One sentence per line, tokens split on whitespace; ``<unk>`` and ``N`` are ordinary
    tokens.  No ``<eos>`` is added: n-gram models add ``</s>`` themselves, so
    train/valid/test hold 887,521 / 70,390 / 78,669 tokens in 42,068 / 3,370 / 3,761 sentences.
    """
    return _word_lm_splits("ptb", {s: f"ptb.{s}.txt" for s in ("train", "valid", "test")}, True)


def load_wikitext2(keep_blank: bool = True) -> dict[str, list[list[str]]]:
    """WikiText-2 (v1, tokenised): ``{"train"|"valid"|"test": [line, ...]}``.

    One "sentence" per line, as in the PyTorch word-language-model reader; with
    ``keep_blank=True`` (the default) empty lines stay, so that adding one ``</s>`` per line
    gives the published token counts 2,088,628 / 217,646 / 245,569.
    """
    return _word_lm_splits("wikitext2", {s: f"wiki.{s}.tokens" for s in ("train", "valid", "test")},
                           keep_blank)


def _wikitext2_paragraphs(split: str) -> list[list[list[str]]]:
    """WikiText-2's ``split`` as articles of paragraphs (word lists).  An article starts at a
    top-level heading ``= Title =``; section headings (``= = Section = =``) are dropped."""
    if split not in ("train", "valid", "test"):
        raise ValueError(f"split must be 'train', 'valid' or 'test', got {split!r}")
    articles: list[list[list[str]]] = []
    for line in load_wikitext2(keep_blank=False)[split]:
        if line[0] == "=" and line[-1] == "=":
            if len(line) > 2 and line[1] != "=":
                articles.append([])
            continue
        if not articles:
            articles.append([])
        articles[-1].append(list(line))
    return [a for a in articles if a]


def _sentences(paragraph: list[str], lower: bool = False) -> list[list[str]]:
    """A paragraph's words cut into sentences after each ``.``."""
    text = " " + " ".join(paragraph) + " "
    text = text.lower() if lower else text
    return [s.split() for s in text.replace(" . ", " .\n").splitlines() if s.strip()]


def wikitext2_articles(split: str = "train", lower: bool = True) -> list[list[list[str]]]:
    """WikiText-2's ``split`` as articles: each a list of sentences (lists of words, cut at
    ``.``), headings left out.  An article starts at a top-level heading ``= Title =``;
    section headings (``= = Section = =``) are dropped.  Lower-cased with ``lower``."""
    return [[s for p in article for s in _sentences(p, lower)]
            for article in _wikitext2_paragraphs(split)]


def load_text(name: str) -> str:
    """The text of a single-file character corpus: ``"tinyshakespeare"`` or ``"timemachine"``."""
    files = {"tinyshakespeare": "input.txt", "timemachine": "timemachine.txt"}
    if name not in files:
        raise KeyError(f"load_text reads {sorted(files)}, not {name!r}; for other corpora use "
                       f"load_ptb, load_wikitext2, load_novels or load_poems")
    return read_member(name, files[name]).decode("utf-8")


def load_novels() -> dict[str, str]:
    """The English novels: ``{"Austen_Emma_1816": text, ...}`` (BOM removed, ``\\n`` line ends)."""
    raw = read_members("english-novels")
    return {
        m.rsplit("/", 1)[-1].removesuffix(".txt"):
            data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
        for m, data in sorted(raw.items())
    }


def load_poems(collection: str = "tang-poems") -> list[dict]:
    """Classical Chinese poems: a list of dicts with ``author``, ``title``, ``paragraphs``, ...

    ``collection`` is ``"tang-poems"`` (全唐诗, traditional characters, poems) or
    ``"song-ci"`` (全宋词, simplified; the tune title is under ``rhythmic``).
    """
    if collection not in ("tang-poems", "song-ci"):
        raise KeyError(f"load_poems reads 'tang-poems' or 'song-ci', not {collection!r}")
    prefix = "poet.tang." if collection == "tang-poems" else "ci.song."
    members = [m for m in corpus(collection).members if m.rsplit("/", 1)[-1].startswith(prefix)]
    raw = read_members(collection, members)
    poems: list[dict] = []
    for m in sorted(members, key=lambda m: (len(m), m)):
        poems.extend(json.loads(raw[m]))
    return poems


def load_novel_sentences(max_novels: int | None = None, vocab_size: int | None = 10_000,
                         split: tuple[float, float] = (0.9, 0.05),
                         years: tuple[int, int] | None = None,
                         novels: dict[str, str] | None = None) -> dict[str, list[list[str]]]:
    """The English novels as a word-level LM corpus in Penn Treebank's conventions.

    Each novel (those whose file-name year lies in ``years``, if given; then the first
    ``max_novels`` by name, all by default) is split into sentences and lower-cased words;
    its first 90% of sentences go to train, the next 5% to valid, the rest to test.  The
    ``vocab_size`` most frequent training words (``<unk>``, ``<s>``, ``</s>`` included) are kept
    and the others become ``<unk>`` (``vocab_size=None`` keeps every word).  ``novels`` may
    pass the texts already read by ``load_novels``.
    """
    from ..checks import check_int, check_real
    from ..text import Vocab, replace_rare, split_sentences, word_tokenize

    if max_novels is not None:
        check_int("max_novels", max_novels, 1)
    if vocab_size is not None:
        check_int("vocab_size", vocab_size, 4)
    if isinstance(split, (str, bytes)) or not hasattr(split, "__len__") or len(split) != 2:
        raise ValueError(f"split must be two fractions (train, valid), got {split!r}")
    tr, va = (check_real(f"split[{i}]", x, 0, 1, True, True) for i, x in enumerate(split))
    split = (tr, va)
    if not tr + va < 1:
        raise ValueError(f"split must be (train, valid) fractions with train + valid < 1 "
                         f"(the rest is the test set), got {split}")
    if years is not None:
        if isinstance(years, (str, bytes)) or not hasattr(years, "__len__") or len(years) != 2:
            raise ValueError(f"years must be (first, last), e.g. (1800, 1850); for one year "
                             f"pass ({years!r}, {years!r}), got {years!r}")
        first, last = (check_int("years", y) for y in years)
        if first > last:
            raise ValueError(f"years must be (first, last) with first <= last, got {years!r}")
    if novels is not None:
        if not isinstance(novels, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                   for k, v in novels.items()):
            raise TypeError(f"novels must be a dict name -> text, as load_novels() returns, got "
                            f"{type(novels).__name__}")
        if years is not None:
            for n in novels:
                if not n.rsplit("_", 1)[-1].isdigit():
                    raise ValueError(f"years selects novels by the year that ends their name "
                                     f"(e.g. 'Austen_Emma_1816'); {n!r} has none: pass years=None")
    novels = novels if novels is not None else load_novels()
    names = sorted(n for n in novels
                   if years is None or years[0] <= int(n.rsplit("_", 1)[1]) <= years[1])[:max_novels]
    out: dict[str, list[list[str]]] = {"train": [], "valid": [], "test": []}
    for name in names:
        sents = [word_tokenize(s) for s in split_sentences(novels[name])]
        a, b = int(len(sents) * split[0]), int(len(sents) * (split[0] + split[1]))
        out["train"] += sents[:a]
        out["valid"] += sents[a:b]
        out["test"] += sents[b:]
    if vocab_size is None:
        return out
    vocab = Vocab(out["train"], max_size=vocab_size)
    return {k: replace_rare(v, vocab) for k, v in out.items()}


@dataclass(frozen=True)
class PTB:
    """A word-level corpus set up for a language model (``ptb_lm``, ``wikitext2_lm``):
    ``sentences`` (e.g. ``load_ptb()``), ``vocab`` (the training tokens, ``<unk>`` ``<s>``
    ``</s>`` first: 10,001 ids for Penn Treebank), ``ids`` (each split as
    the id stream a neural LM reads, ``lmkit.text.lm_ids``) and ``counts`` (the training
    stream's unigram counts, one float per id: what output layers start from)."""

    sentences: dict
    vocab: object
    ids: dict
    counts: np.ndarray


def _word_lm(sentences: dict, max_size: int | None = None) -> PTB:
    from ..text import Vocab, lm_ids

    vocab = Vocab(sentences["train"], max_size=max_size)
    ids = {s: lm_ids(vocab, sentences[s]) for s in ("train", "valid", "test")}
    counts = np.bincount(ids["train"], minlength=len(vocab)).astype(float)
    return PTB(sentences, vocab, ids, counts)


def ptb_lm() -> PTB:
    """Penn Treebank, read, encoded and counted: the setup every neural chapter starts from."""
    return _word_lm(load_ptb())


def wikitext2_lm(vocab_size: int | None = 20_000, lower: bool = True) -> PTB:
    """WikiText-2 set up like ``ptb_lm`` (same fields): its non-blank lines as sentences,
    lower-cased (``lower``, as ``lmkit.text.word_tokenize`` writes other texts), and the
    ``vocab_size`` most frequent training words kept (``<unk>`` ``<s>`` ``</s>`` included; None:
    all of them)."""
    from ..checks import check_int

    if vocab_size is not None:
        check_int("vocab_size", vocab_size, 4)
    sentences = load_wikitext2(keep_blank=False)
    if lower:
        sentences = {k: [[t.lower() for t in s] for s in v] for k, v in sentences.items()}
    return _word_lm(sentences, vocab_size)
