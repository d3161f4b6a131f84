"""Named corpora: where they come from, how to check them, how to read them.

Every corpus the book uses is known here by name, with its canonical address and the
sha256 of every file (``registry``, whose facts live in ``registry.json``).  ``fetch``
finds a corpus in ``LMKIT_DATA``, then the cache, and only then downloads it, verified and
atomically (``store``).  The loaders (``corpora``, ``evalsets``) hand out ready-to-use data.
"""

from __future__ import annotations

from .corpora import (PTB, load_novel_sentences, load_novels, load_poems, load_ptb, load_text,
                      load_wikitext2, ptb_lm, wikitext2_articles, wikitext2_lm)
from .charlm import CharData, char_split, tang_quatrains, tiny_shakespeare
from .tasks import AUTHORS, TextTask, authorship, word_swap
from .cloze import cloze_qa, entity_phrases, passage_phrases
from .evalsets import load_analogies, load_men, load_simlex999, load_wordsim353
from .registry import CORPORA, Corpus, DataFile
from .store import CacheNotWritableError, ChecksumError, CorpusNotFoundError, cache_dir, fetch, read_member, read_members

__all__ = ["AUTHORS", "CORPORA", "TextTask", "authorship", "cloze_qa", "entity_phrases", "passage_phrases", "word_swap", "CharData", "PTB", "CacheNotWritableError", "ChecksumError", "Corpus", "CorpusNotFoundError", "DataFile",
           "cache_dir", "char_split", "describe", "fetch", "load_analogies", "load_men", "load_novel_sentences",
           "load_novels", "load_poems", "load_ptb", "load_simlex999", "load_text",
           "load_wikitext2", "load_wordsim353", "ptb_lm", "read_member", "read_members",
           "tang_quatrains", "tiny_shakespeare", "wikitext2_articles", "wikitext2_lm"]


def describe() -> str:
    """A table of the registry: name, number of texts and description."""
    return "\n".join(f"{c.name:16} {len(c.members):4d} texts  {c.description}"
                     for c in CORPORA.values())
