"""Word-similarity and analogy sets, read from the ``word-eval`` corpus."""

from __future__ import annotations

from .corpora import _lines
from .store import read_member

__all__ = ["load_analogies", "load_men", "load_simlex999", "load_wordsim353"]


def _pairs(data: bytes, sep: str | None = None) -> list[tuple[str, str, float]]:
    out = []
    for line in _lines(data):
        if not line.strip() or line.startswith("#"):
            continue
        a, b, score = line.split(sep)[:3]
        out.append((a, b, float(score)))
    return out


def load_wordsim353() -> list[tuple[str, str, float]]:
    """WordSim-353 (Finkelstein et al. 2002): 353 ``(word1, word2, relatedness 0-10)``."""
    return _pairs(read_member("word-eval", "wordsim353.tsv"), "\t")


def load_simlex999() -> list[tuple[str, str, float]]:
    """SimLex-999 (Hill et al. 2015): 999 ``(word1, word2, similarity 0-10)``."""
    return _pairs(read_member("word-eval", "simlex999.txt"), "\t")


def load_men() -> list[tuple[str, str, float]]:
    """MEN (Bruni et al. 2014), natural form: 3,000 ``(word1, word2, relatedness 0-50)``."""
    return _pairs(read_member("word-eval", "MEN_dataset_natural_form_full"))


def load_analogies() -> dict[str, list[tuple[str, str, str, str]]]:
    """Google analogies (Mikolov et al. 2013): ``{section: [(a, b, c, d), ...]}``, 19,544 in all."""
    sections: dict[str, list[tuple[str, str, str, str]]] = {}
    current = None
    for line in _lines(read_member("word-eval", "questions-words.txt")):
        if line.startswith(":"):
            current = line[1:].strip()
            sections[current] = []
        elif line.strip():
            a, b, c, d = line.split()
            sections[current].append((a, b, c, d))
    return sections
