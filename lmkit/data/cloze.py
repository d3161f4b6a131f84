r"""A reading-comprehension set in SQuAD 2.0's form, built from WikiText-2 like a cloze test.

Hermann et al. (2015) turned news articles into questions by blanking an entity in a summary
sentence; Rajpurkar et al. (2018) added questions whose answer is not in the passage.  Here,
for an article of WikiText-2 (``cloze_qa(split)``, each split from its own articles):

- the *question* is a sentence of a paragraph with one entity phrase (a run of one to four
  capitalised words, not at the sentence's start) replaced by ``@placeholder``;
- the *passage* is an earlier paragraph of the same article (at most ``max_words`` words),
  the one sharing the most words of four letters or more with the question (as Hermann et
  al.'s summary sentences speak of their article);
- the *answer* is the phrase when the passage contains it, and empty otherwise: among the
  questions whose phrase some earlier paragraph holds and some does not, a share ``p_none``
  (a third) is given a passage without it, the others one with it.

Each example is a dict: ``article`` (the article's number in the split, to keep a
development set apart by article), ``question``, ``passage``, ``answer`` ('' for none) and
``span``, the (first, last) word indices of the answer's first occurrence in the passage's
words (None for none).
"""

from __future__ import annotations

import numpy as np

from ..checks import check_int, check_real
from .corpora import _sentences, _wikitext2_paragraphs

__all__ = ["cloze_qa", "entity_phrases", "passage_phrases"]

PLACEHOLDER = "@placeholder"


def entity_phrases(words: list[str], longest: int = 4) -> list[tuple[int, int]]:
    """The maximal runs of capitalised words (alphabetic, first letter upper case) of a
    sentence, at most ``longest`` long, except a run that starts the sentence (its first
    capital may be the sentence's only): (first, last) indices."""
    cap = [w[:1].isupper() and w.isalpha() for w in words]
    runs, i = [], 0
    while i < len(words) and cap[i]:          # a run at the start may be a mere capital
        i += 1
    while i < len(words):
        if cap[i]:
            j = i
            while j + 1 < len(words) and cap[j + 1]:
                j += 1
            if j - i < longest:
                runs.append((i, j))
            i = j + 1
        else:
            i += 1
    return runs


def passage_phrases(passage: str, longest: int = 4) -> list[str]:
    """The entity phrases of each sentence of ``passage`` (``entity_phrases``: the rule that
    chose the blanked phrases), in order, repeats kept: the candidates a reader who looks
    only at the passage would guess from."""
    from .corpora import _sentences

    return [" ".join(s[a:b + 1]) for s in _sentences(passage.split())
            for a, b in entity_phrases(s, longest)]


def _find(words: list[str], phrase: list[str]) -> int:
    n = len(phrase)
    for k in range(len(words) - n + 1):
        if words[k:k + n] == phrase:
            return k
    return -1


def _closest(paragraphs: list[list[str]], question: list[str], rng) -> list[str]:
    """The paragraph sharing the most distinct words of four letters or more with the
    question (ties drawn at random): the passage that the question most likely speaks of."""
    q = {w.lower() for w in question if len(w) >= 4 and w.isalpha()}
    shared = np.array([len(q & {w.lower() for w in p}) for p in paragraphs])
    best = np.flatnonzero(shared == shared.max())
    return paragraphs[best[rng.integers(len(best))]]


def cloze_qa(split: str = "train", p_none: float = 1 / 3, max_words: int = 120,
             per_paragraph: int = 1, seed: int = 0) -> list[dict]:
    """Cloze questions over WikiText-2's ``split`` (see the module's docstring): for each
    paragraph after an article's first, up to ``per_paragraph`` questions, each paired with an
    earlier paragraph of at most ``max_words`` words that holds the answer (probability 1 -
    ``p_none``) or does not (``p_none``); a question with no suitable passage is skipped."""
    if split not in ("train", "valid", "test"):
        raise ValueError(f"split must be 'train', 'valid' or 'test', got {split!r}")
    p_none = check_real("p_none", p_none, 0, 1)
    max_words = check_int("max_words", max_words, 5)
    per_paragraph = check_int("per_paragraph", per_paragraph, 1)
    rng = np.random.default_rng(check_int("seed", seed, 0))
    out = []
    for number, article in enumerate(_wikitext2_paragraphs(split)):
        for k in range(1, len(article)):
            earlier = [p for p in article[:k] if len(p) <= max_words and "<unk>" not in p]
            if not earlier:
                continue
            cands = [(s, r) for s in _sentences(article[k]) for r in entity_phrases(s)
                     if "<unk>" not in s]
            picks = rng.permutation(len(cands))[:per_paragraph] if cands else []
            for c in picks:
                sent, (a, b) = cands[c]
                phrase = sent[a:b + 1]
                has = [p for p in earlier if _find(p, phrase) >= 0]
                lacks = [p for p in earlier if _find(p, phrase) < 0]
                if not has or not lacks:      # the phrase must be answerable and not
                    continue
                none = rng.random() < p_none
                pool = lacks if none else has
                passage = _closest(pool, sent[:a] + sent[b + 1:], rng)
                question = " ".join(sent[:a] + [PLACEHOLDER] + sent[b + 1:])
                start = -1 if none else _find(passage, phrase)
                out.append({"article": number, "question": question,
                            "passage": " ".join(passage),
                            "answer": "" if none else " ".join(phrase),
                            "span": None if none else (start, start + len(phrase) - 1)})
    return out
