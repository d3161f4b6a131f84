r"""n-gram language models over ``<s>``/``</s>``-padded sentences.

A sentence :math:`w_1 \dots w_m` is padded to :math:`w_0 w_1 \dots w_m w_{m+1}` with
:math:`w_0 = \langle s\rangle` and :math:`w_{m+1} = \langle /s\rangle`, and the model gives

.. math::  p(s) = \prod_{i=1}^{m+1} p(w_i \mid w_{i-n+1}^{i-1}),

where a history never reaches back past :math:`\langle s\rangle` (near the start of a
sentence the history is shorter, as in SRILM and KenLM).  ``</s>`` is predicted like a word;
``<s>`` is only ever a history, so every distribution is over :math:`V \cup \{\langle /s\rangle\}`
without ``<s>``.

- ``counts``: ``NgramCounts``, every k-gram's count in a trie of sorted integer arrays;
- ``smoothing``: the methods (``SMOOTHING`` maps their names to them), each stating its
  discounted term and back-off mass in one hook, ``alpha_gamma``;
- ``model``: ``NgramLM`` (``NgramLM(order, smoothing=NAME).fit(sentences)``) and ``UniformLM``;
- ``arpa``: the ARPA writer; ``experiments``: chapters 1 and 2's learning curves and the like.

Nothing here imports torch.
"""

from .counts import MAX_ORDER, NgramCounts
from .experiments import bits_by_count, learning_curves, length_mass
from .model import NgramLM, UniformLM
from .smoothing import (KATZ_MAX_K, MLE, SMOOTHING, AbsoluteDiscounting, AddOne, Additive,
                        ChurchGale, Dirichlet, Discounting, GoodTuring, JelinekMercer, Katz,
                        KneserNey, ModifiedKneserNey, Smoothing, WittenBell, WittenBellBackoff,
                        count_of_counts, simple_good_turing, turing_estimates)

__all__ = ["AbsoluteDiscounting", "AddOne", "Additive", "ChurchGale", "Dirichlet", "Discounting",
           "GoodTuring", "JelinekMercer", "KATZ_MAX_K", "Katz", "KneserNey", "MAX_ORDER", "MLE",
           "ModifiedKneserNey", "NgramCounts", "NgramLM", "SMOOTHING", "Smoothing", "UniformLM",
           "WittenBell", "WittenBellBackoff", "bits_by_count", "count_of_counts", "learning_curves",
           "length_mass", "simple_good_turing", "turing_estimates"]
