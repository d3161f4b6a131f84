"""Chapter 3's cross-domain experiment: five domains of English, cut to the same size."""

from __future__ import annotations

from ..checks import check_int
from ..data import load_novel_sentences, load_novels, load_ptb, load_text, load_wikitext2
from ..text import word_tokenize

__all__ = ["load_domains"]

Sentences = list[list[str]]


def _cut(sents: Sentences, n: int) -> Sentences:
    """The first sentences of ``sents``, up to the one that reaches ``n`` words."""
    total, out = 0, []
    for s in sents:
        if total >= n:
            break
        out.append(s)
        total += len(s)
    return out


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
    return {name: {"train": _cut(tr, tokens), "test": _cut(te, tokens // 10)}
            for name, (tr, te) in raw.items()}
