"""Smoothing methods over shared n-gram counts, and ``SMOOTHING``, the registry of their names.

Every method but ``MLE`` is a ``Smoothing``: it states its discounted term and its back-off
mass in one hook, ``alpha_gamma`` (see ``lmkit.ngram.smoothing.base``).
"""

from .base import MLE, Discounting, Smoothing
from .discounting import (AbsoluteDiscounting, KneserNey, KneserNeyCounts, ModifiedKneserNey,
                          WittenBell, WittenBellBackoff)
from .goodturing import (KATZ_MAX_K, ChurchGale, GoodTuring, Katz, count_of_counts,
                         simple_good_turing, turing_estimates)
from .linear import AddOne, Additive, Dirichlet, JelinekMercer

__all__ = ["AbsoluteDiscounting", "AddOne", "Additive", "ChurchGale", "Dirichlet", "Discounting",
           "GoodTuring", "KATZ_MAX_K", "JelinekMercer", "Katz", "KneserNey", "KneserNeyCounts", "MLE",
           "ModifiedKneserNey", "SMOOTHING", "Smoothing", "WittenBell", "WittenBellBackoff",
           "count_of_counts", "simple_good_turing", "turing_estimates"]

SMOOTHING: dict[str, type] = {
    "mle": MLE,
    "add-one": AddOne,
    "additive": Additive,
    "good-turing": GoodTuring,
    "katz": Katz,
    "jelinek-mercer": JelinekMercer,
    "witten-bell": WittenBell,
    "witten-bell-backoff": WittenBellBackoff,
    "absolute": AbsoluteDiscounting,
    "kneser-ney": KneserNey,
    "modified-kneser-ney": ModifiedKneserNey,
    "church-gale": ChurchGale,
    "dirichlet": Dirichlet,
}
