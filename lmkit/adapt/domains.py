"""Chapter 3's cross-domain experiment: five domains of English, cut to the same size."""

from __future__ import annotations

from collections import Counter

from ..checks import check_int, check_real
from ..data import load_novel_sentences, load_novels, load_ptb, load_text, load_wikitext2
from ..text import check_sentences, first_words, word_tokenize

__all__ = ["domain_words", "load_domains"]

Sentences = list[list[str]]


def _lower(sents: Sentences) -> Sentences:
    return [[w.lower() for w in s] for s in sents if s]


def load_domains(tokens: int = 400_000) -> dict[str, dict[str, Sentences]]:
    """Five domains for cross-domain experiments, each ``{"train", "test"}`` of lower-cased
    sentences, the training part cut to about ``tokens`` words (at least 10): Penn Treebank (news),
    WikiText-2 (encyclopaedia), novels of 1830-1879 and of 1900-1930 (fiction), and Tiny
    Shakespeare (drama, one line of verse or prose per sentence).  The test parts are about a
    tenth of that size.  Penn Treebank and WikiText-2 keep their own ``<unk>``."""
    tokens = check_int("tokens (training words per domain; the test parts get a tenth)", tokens,
                       low=10)
    ptb, wt = load_ptb(), load_wikitext2(keep_blank=False)
    shakespeare = [word_tokenize(line) for line in load_text("tinyshakespeare").splitlines()]
    shakespeare = [s for s in shakespeare if s]
    k = int(len(shakespeare) * 0.9)
    raw = {
        "news (PTB)": (ptb["train"], ptb["test"]),
        "encyclopaedia (WikiText-2)": (_lower(wt["train"]), _lower(wt["test"])),
        "novels 1830-1879": None, "novels 1900-1930": None,
        "drama (Shakespeare)": (shakespeare[:k], shakespeare[k:]),
    }
    texts = load_novels()
    for name, years in (("novels 1830-1879", (1830, 1879)), ("novels 1900-1930", (1900, 1930))):
        d = load_novel_sentences(vocab_size=None, years=years, max_novels=6, novels=texts)
        raw[name] = (d["train"], d["test"])
    return {name: {"train": first_words(tr, tokens), "test": first_words(te, tokens // 10)}
            for name, (tr, te) in raw.items()}


def domain_words(domain: Sentences, general: Sentences, min_count: int = 20,
                 ratio: float = 10.0) -> list[tuple[str, int, float]]:
    r"""The words much more frequent in ``domain`` than in ``general`` text: the notes'
    vocabulary adaptation separates such *domain words* from the general words every domain
    shares.

    A word w seen at least ``min_count`` times in the domain qualifies when its add-one
    smoothed ratio of relative frequencies

    .. math::  r(w) = \frac{(c_D(w) + 1) / (N_D + |V|)}{(c_G(w) + 1) / (N_G + |V|)}

    is at least ``ratio`` (:math:`c_D, c_G` the counts in the domain and the general text,
    :math:`N_D, N_G` their numbers of tokens, :math:`V` the words of both; the add-one keeps
    the ratio of a word absent from the general text finite).  Returns ``(word, c_D(w),
    r(w))`` triples by decreasing ratio.  ``min_count`` is an integer >= 1, ``ratio`` > 0.
    """
    domain = check_sentences(domain, "domain sentences")
    general = check_sentences(general, "general sentences")
    min_count = check_int("min_count", min_count, low=1)
    ratio = check_real("ratio", ratio, low=0, low_open=True)
    cd = Counter(w for s in domain for w in s)
    cg = Counter(w for s in general for w in s)
    v = len(cd.keys() | cg.keys())
    nd, ng = sum(cd.values()) + v, sum(cg.values()) + v
    out = [(w, c, (c + 1) / nd / ((cg[w] + 1) / ng)) for w, c in cd.items() if c >= min_count]
    return sorted([t for t in out if t[2] >= ratio], key=lambda t: (-t[2], t[0]))
