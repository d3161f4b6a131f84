"""Published numbers that the book sets beside its own, in one place.

Notebooks, tests and benchmarks read a number from here instead of typing it, so that each
figure is stated once, with its source (a key of ``references.bib``), where in the source it
stands, and what exactly it measures.  ``table()`` lists them all.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PUBLISHED", "Published", "published", "table"]


@dataclass(frozen=True)
class Published:
    """One published number: its value, source (bib key), place in the source and setting."""

    value: float
    source: str
    where: str
    setting: str


_PTB = "Penn Treebank (Mikolov's version), test perplexity"

PUBLISHED: dict[str, Published] = {
    # Mikolov (2012), thesis, Table 4.1: the landmarks of chapters 2 to 4
    "ptb/gt3": Published(165.2, "mikolov2012statistical", "Table 4.1",
                         f"{_PTB}, Good-Turing trigram (SRILM)"),
    "ptb/kn3": Published(148.3, "mikolov2012statistical", "Table 4.1",
                         f"{_PTB}, Kneser-Ney trigram"),
    "ptb/kn5": Published(141.2, "mikolov2012statistical", "Table 4.1",
                         f"{_PTB}, Kneser-Ney 5-gram"),
    "ptb/kn5+cache": Published(125.7, "mikolov2012statistical", "Table 4.1",
                               f"{_PTB}, Kneser-Ney 5-gram with a cache"),
    "ptb/ffnn": Published(140.2, "mikolov2012statistical", "Table 4.1",
                          f"{_PTB}, feed-forward neural network LM"),
    "ptb/rnn": Published(124.7, "mikolov2012statistical", "Table 4.1",
                         f"{_PTB}, RNN language model"),
    "ptb/rnn+kn5": Published(105.7, "mikolov2012statistical", "Table 4.1",
                             f"{_PTB}, RNN interpolated with the Kneser-Ney 5-gram"),
    # Zaremba et al. (2014), Table 1: the full profile of chapter 4
    "ptb/lstm-medium": Published(82.7, "zaremba2014recurrent", "Table 1",
                                 f"{_PTB}, 2 x 650 LSTM, dropout 0.5, 39 epochs"),
}


def published(key: str) -> float:
    """The published value for ``key`` (e.g. ``"ptb/kn5"``)."""
    if key not in PUBLISHED:
        raise KeyError(f"no published number {key!r}; known: {', '.join(PUBLISHED)}")
    return PUBLISHED[key].value


def table() -> list[tuple[str, float, str, str, str]]:
    """Every published number as ``(key, value, source, where, setting)`` rows."""
    return [(k, p.value, p.source, p.where, p.setting) for k, p in PUBLISHED.items()]
