"""The experiments of chapters 1 and 2, built on ``NgramLM``'s public interface: the mass of
each sentence length, learning curves of every method, and bits by training count."""

from __future__ import annotations

import math
from typing import Mapping, Sequence

import numpy as np

from ..checks import check_int
from ..text import BOS, Vocab, check_sentences
from .counts import MAX_ORDER
from .model import NgramLM
from .smoothing import SMOOTHING

__all__ = ["bits_by_count", "learning_curves", "length_mass", "variant_curves"]

#: ``length_mass`` holds a |V| x |V| transition matrix: at most this many words.
LENGTH_MASS_MAX_VOCAB = 5_000


def _check_model(model) -> None:
    if not isinstance(model, NgramLM):
        raise TypeError(f"model must be a fitted NgramLM, got {type(model).__name__}")


def length_mass(model: NgramLM, max_len: int) -> np.ndarray:
    """``mass[l]`` = total probability of all sentences of exactly l words, l = 0..max_len.

    Exact dynamic programming over the bigram's transition matrix (orders 1 and 2 only),
    so that the sum over all strings up to length L can be seen to approach 1.  It holds a
    |V| x |V| matrix, so the vocabulary may have at most 5,000 words; ``max_len`` is at most
    100,000.
    """
    _check_model(model)
    max_len = check_int("max_len", max_len, 0, 100_000)
    if model.order > 2:
        raise ValueError("length_mass needs a unigram or bigram model (the state is one word)")
    start = model.distribution([BOS])  # raises if the model is not fitted
    if len(model.vocab) > LENGTH_MASS_MAX_VOCAB:
        raise ValueError(f"length_mass holds a |V| x |V| matrix: |V| = {len(model.vocab):,} would take "
                         f"{8 * len(model.vocab) ** 2 / 1e9:.1f} GB; use a model of at most "
                         f"{LENGTH_MASS_MAX_VOCAB:,} words (a toy corpus, or Vocab(..., max_size=...))")
    V, eos = len(model.vocab), model.vocab.eos_id
    # T[a, b] = p(b | a) for every history a; row <s> is the start distribution
    T = np.stack([start if a == model.vocab.bos_id else model.distribution([model.vocab.itos[a]])
                  for a in range(V)])
    state = np.zeros(V)
    state[model.vocab.bos_id] = 1.0  # probability of being at each last word, not yet ended
    mass = np.zeros(max_len + 1)
    for length in range(max_len + 1):
        mass[length] = state @ T[:, eos]
        nxt = state @ T
        nxt[eos] = 0.0
        state = nxt
    return mass


def learning_curves(methods: Sequence[str], orders: Sequence[int], train: Sequence[Sequence[str]],
                    test: Sequence[Sequence[str]], sizes: Sequence[int],
                    heldout: Sequence[Sequence[str]] | None = None, vocab: Vocab | None = None,
                    discount_fallback: bool = False,
                    progress: bool = True) -> dict[tuple[str, int], np.ndarray]:
    """Test cross-entropy (bits per token) of every method and order, trained on the first
    ``n`` sentences of ``train`` for each n in ``sizes``, as in Chen and Goodman's comparison.

    The vocabulary is fixed (the full training set's, unless given), so that every point
    predicts the same outcomes.  Methods that tune parameters use ``heldout``;
    ``discount_fallback`` goes to every model (see ``NgramLM``).  Church-Gale is skipped for
    orders other than 2.
    """
    from tqdm.auto import tqdm

    for name, value, example in (("methods", methods, "['kneser-ney']"), ("orders", orders, "[2, 3]"),
                                 ("sizes", sizes, "[1000, 10000]")):
        if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
            raise TypeError(f"{name} must be a list, e.g. {example}, got {type(value).__name__} "
                            f"{value!r}")
    methods, orders, sizes = list(methods), list(orders), list(sizes)
    for m in methods:
        if not isinstance(m, str) or m not in SMOOTHING:
            raise ValueError(f"unknown smoothing {m!r}; choose from {sorted(SMOOTHING)}")
    train = check_sentences(train, "training sentences")
    test = check_sentences(test, "test sentences")
    orders = [check_int("an order", n, 1, MAX_ORDER) for n in orders]
    sizes = [check_int("a size (training sentences)", n, 1, len(train)) for n in sizes]
    if not (methods and orders and sizes):
        raise ValueError("learning_curves needs at least one method, one order and one size")
    if not isinstance(progress, (bool, np.bool_)):
        raise ValueError(f"progress must be True or False, got {progress!r}")
    vocab = vocab or Vocab(train)
    jobs = [(m, n) for n in orders for m in methods if not (m == "church-gale" and n != 2)]
    out = {job: np.empty(len(sizes)) for job in jobs}
    bar = tqdm(total=len(jobs) * len(sizes), desc="fitting", disable=not progress)
    for i, size in enumerate(sizes):
        for method, n in jobs:
            lm = NgramLM(n, smoothing=method, vocab=vocab, discount_fallback=discount_fallback)
            out[method, n][i] = lm.fit(train[:size], heldout=heldout).cross_entropy(test)
            bar.update()
    bar.close()
    return out


def bits_by_count(model: NgramLM, test: Sequence[Sequence[str]], max_count: int = 5) -> dict[int, tuple[int, float]]:
    """Test tokens grouped by how often their full n-gram occurred in training
    (0, 1, ..., ``max_count`` or more): ``{count: (tokens, mean bits per token)}``."""
    _check_model(model)
    max_count = check_int("max_count", max_count, 1)
    test = check_sentences(test, "test sentences")
    if not test:
        raise ValueError("bits_by_count needs test sentences: got none (an empty test set has "
                         "no tokens to group)")
    count = np.minimum(model.training_counts(test), max_count)
    bits = -model.token_logprobs(test) / math.log(2)
    return {int(c): (int((count == c).sum()), float(bits[count == c].mean())) for c in np.unique(count)}


def variant_curves(variants: Mapping[str, tuple[str, Mapping]], order: int,
                   train: Sequence[Sequence[str]], test: Sequence[Sequence[str]],
                   sizes: Sequence[int], heldout: Sequence[Sequence[str]] | None = None,
                   vocab: Vocab | None = None,
                   discount_fallback: bool = False) -> dict[str, np.ndarray]:
    """Test cross-entropy (bits per token) of named variants of the methods, each a
    ``(method, options)`` pair, e.g. ``{"linear": ("jelinek-mercer", {"buckets": 1})}`` (one
    λ per order: linear discounting), on the first ``n`` training sentences for each n in
    ``sizes``, with the fixed vocabulary of ``learning_curves``.  Returns
    ``{name: array over sizes}``."""
    if not isinstance(variants, Mapping) or not variants:
        raise TypeError("variants must be a non-empty dict {name: (method, options)}, e.g. "
                        "{'linear': ('jelinek-mercer', {'buckets': 1})}, got "
                        f"{type(variants).__name__} {variants!r}")
    for name, spec in variants.items():
        if (not isinstance(spec, tuple) or len(spec) != 2 or not isinstance(spec[1], Mapping)
                or spec[0] not in SMOOTHING):
            raise ValueError(f"variant {name!r} must be (method, options) with a method of "
                             f"{sorted(SMOOTHING)} and a dict of options, got {spec!r}")
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__iter__"):
        raise TypeError(f"sizes must be a list, e.g. [1000, 10000], got {type(sizes).__name__} "
                        f"{sizes!r}")
    train = check_sentences(train, "training sentences")
    test = check_sentences(test, "test sentences")
    order = check_int("order", order, 1, MAX_ORDER)
    sizes = [check_int("a size (training sentences)", n, 1, len(train)) for n in sizes]
    if not sizes:
        raise ValueError("variant_curves needs at least one size")
    vocab = vocab or Vocab(train)
    out = {name: np.empty(len(sizes)) for name in variants}
    for i, size in enumerate(sizes):
        for name, (method, options) in variants.items():
            lm = NgramLM(order, method, vocab=vocab, discount_fallback=discount_fallback,
                         **options)
            out[name][i] = lm.fit(train[:size], heldout=heldout).cross_entropy(test)
    return out
