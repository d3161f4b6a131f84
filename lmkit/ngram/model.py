r"""``NgramLM``, the n-gram language model, and ``UniformLM``, the baseline of a vocabulary.

A sentence :math:`w_1 \dots w_m` is padded to :math:`w_0 w_1 \dots w_m w_{m+1}` with
:math:`w_0 = \langle s\rangle` and :math:`w_{m+1} = \langle /s\rangle`, and the model gives

.. math::  p(s) = \prod_{i=1}^{m+1} p(w_i \mid w_{i-n+1}^{i-1}),

where a history never reaches back past :math:`\langle s\rangle`.  Both models answer the
scoring protocol of ``lmkit.lm.LanguageModel`` (``token_logprobs``, and from it perplexity and
cross-entropy).
"""

from __future__ import annotations

import inspect
import math
from typing import Iterable, Sequence

import numpy as np

from ..checks import check_int, check_strings
from ..lm import LanguageModel
from ..text import BOS, EOS, UNK, Vocab, check_sentences, pad_sentences
from . import arpa
from .counts import MAX_ORDER, NgramCounts
from .smoothing import SMOOTHING

__all__ = ["NgramLM", "UniformLM"]

_NOT_OPTIONS = {"self", "counts", "vocab", "heldout", "discount_fallback"}


def _options(method: type) -> list[str]:
    """The keyword options a smoothing method takes (``delta``, ``discount``, ``k``, ...)."""
    return sorted(set(inspect.signature(method.__init__).parameters) - _NOT_OPTIONS)


def _tokens(seq, what: str, example: str) -> list[str]:
    """``seq`` as a list of token strings, or a TypeError that shows the right form."""
    return check_strings(what, seq, example)


def _check_vocab(vocab) -> None:
    if not isinstance(vocab, Vocab):
        raise TypeError(f"vocab must be a lmkit.text.Vocab, got {type(vocab).__name__}; "
                        f"build it with Vocab(sentences)")
    for special in (BOS, EOS, UNK):
        if special not in vocab:
            raise ValueError(f"the vocabulary must contain {special!r}; build it with Vocab(...)")


class NgramLM(LanguageModel):
    """An n-gram language model: ``NgramLM(order, smoothing="mle").fit(sentences)``.

    ``fit`` builds the vocabulary from the training sentences (every token seen, plus
    ``<unk>``, ``<s>``, ``</s>``) unless one is given, anew at every fit; a vocabulary given
    to the constructor is kept.  Test tokens outside it are scored as ``<unk>``.  The order
    is at most ``MAX_ORDER`` (64).  Scores are natural logs; ``perplexity`` counts every
    predicted token, ``</s>`` included, ``<s>`` not.

    ``options`` go to the smoothing method (``delta=``, ``discount=``, ``k=``, ...).
    ``discount_fallback=True`` lets the methods that estimate discounts from counts of counts
    (absolute, Kneser-Ney, modified Kneser-Ney, Katz) fall back to fixed ones where the
    estimates are out of range, as KenLM's ``--discount_fallback``; without it they raise.
    The other methods have no discounts to fall back from and ignore it.

    The counts and the fitted method are private; read them through ``count``,
    ``history_count``, ``next_counts``, ``continuation_count``, ``counts_of_order``,
    ``num_tokens``, ``training_counts`` and ``parameters``.
    """

    def __init__(self, order: int, smoothing: str = "mle", vocab: Vocab | None = None,
                 discount_fallback: bool = False, **options) -> None:
        try:
            order = check_int("order", order, 1, MAX_ORDER)
        except ValueError as err:
            why = (f"above {MAX_ORDER}, almost every n-gram is seen once: a higher order only copies "
                   f"the training sentences, at a cost in memory and time per order"
                   if order > MAX_ORDER else "1 = unigram, 2 = bigram, ...")
            raise ValueError(f"{err} ({why})") from None
        if not isinstance(smoothing, str) or smoothing not in SMOOTHING:
            raise ValueError(f"unknown smoothing {smoothing!r}; choose one of {sorted(SMOOTHING)}")
        method = SMOOTHING[smoothing]
        known = _options(method)
        unknown = sorted(set(options) - set(known))
        if unknown:
            raise TypeError(f"smoothing {smoothing!r} has no option {', '.join(map(repr, unknown))}; "
                            f"its options are: {', '.join(known) or 'none'}")
        if not isinstance(discount_fallback, (bool, np.bool_)):
            raise ValueError(f"discount_fallback must be True or False, got {discount_fallback!r}")
        if vocab is not None:
            _check_vocab(vocab)
        self.order, self.smoothing = order, smoothing
        self.options = method.check_options(order, **options)  # checked before any counting
        self.discount_fallback = bool(discount_fallback)
        self.vocab = vocab
        self._own_vocab = vocab is None  # fit builds it (anew each time) from the sentences
        self._counts: NgramCounts | None = None
        self._smoother = None
        self._continuation: dict[int, np.ndarray] = {}

    def __repr__(self) -> str:
        state = f"|V|={len(self.vocab)}" if self._counts is not None else "not fitted"
        return f"NgramLM(order={self.order}, smoothing={self.smoothing!r}, {state})"

    # -- fitting
    def fit(self, sentences: Iterable[Sequence[str]],
            heldout: Iterable[Sequence[str]] | None = None) -> "NgramLM":
        """Count every 1..order-gram of the padded training sentences, then fit the smoothing
        method (on ``heldout`` sentences, for the methods that tune parameters).  Fitting
        again replaces the model (and the vocabulary, unless it was given); if fitting fails,
        the model is left as it was."""
        sentences = check_sentences(sentences, "training sentences")
        if not any(len(s) for s in sentences):
            raise ValueError("cannot fit an n-gram model on an empty corpus: "
                             "the training sentences hold no tokens")
        if heldout is not None:
            heldout = check_sentences(heldout, "held-out sentences")
        vocab = Vocab(sentences) if self._own_vocab else self.vocab
        tokens, pos = pad_sentences(vocab, sentences)
        counts = NgramCounts(tokens, pos, self.order, len(vocab))
        method = SMOOTHING[self.smoothing]
        options = dict(self.options)
        if method.fits_discounts:
            options["discount_fallback"] = self.discount_fallback
        smoother = method(counts, vocab, heldout, **options)
        self.vocab, self._smoother, self._counts, self._continuation = vocab, smoother, counts, {}
        return self

    def _require_fit(self) -> None:
        if self._counts is None:
            raise ValueError("this model is not fitted yet: call .fit(train_sentences) first")

    # -- what was counted and fitted
    @property
    def parameters(self) -> dict:
        """The smoothing method's fitted parameters by name: ``discounts`` ({order: D} for
        absolute discounting and Kneser-Ney, {order: (D1, D2, D3+)} for modified Kneser-Ney,
        {order: [d_1..d_k]} for Katz) and ``fallback_orders`` (the orders where
        ``discount_fallback`` replaced them), ``lambdas`` (Jelinek-Mercer, {order: λ per
        bucket}), ``mu`` (Dirichlet, {order: μ}), ``delta`` (additive), ``r0`` and ``edges``
        (Church-Gale); ``{}`` for methods without any."""
        self._require_fit()
        return self._smoother.parameters

    @property
    def num_tokens(self) -> int:
        """The number of training tokens predicted: every word and every ``</s>``."""
        self._require_fit()
        return int(self._counts.counts[1].sum())

    def _ids(self, ngram: Sequence[str], what: str, longest: int) -> np.ndarray:
        ngram = _tokens(ngram, what, "['new', 'york']")
        if len(ngram) > longest:
            raise ValueError(f"{what} has {len(ngram)} tokens; this {self.order}-gram model "
                             f"has counts for at most {longest}")
        return self.vocab.encode(ngram)

    def count(self, ngram: Sequence[str]) -> int:
        """c(ngram): how often these 1..order tokens occurred in a row in the padded training
        sentences (``<s>`` is never counted alone; an n-gram may start with it).  Tokens
        outside the vocabulary count as ``<unk>``, as everywhere."""
        self._require_fit()
        ids = self._ids(ngram, "ngram", self.order)
        if len(ids) == 0:
            raise ValueError("ngram is empty: give 1 to order tokens (the total is num_tokens)")
        node = self._counts.node(ids)
        return int(self._counts.counts[len(ids)][node]) if node >= 0 else 0

    def history_count(self, history: Sequence[str]) -> int:
        r"""c(h) = :math:`\sum_w c(h w)`, the number of training tokens that followed the
        history h (0 to order - 1 tokens; the empty history gives ``num_tokens``)."""
        self._require_fit()
        ids = self._ids(history, "history", self.order - 1)
        node = self._counts.node(ids) if len(ids) else 0
        return int(self._counts.context_total[len(ids)][node]) if node >= 0 else 0

    def next_counts(self, history: Sequence[str]) -> np.ndarray:
        """c(h w) for every word id w of the vocabulary: the counts of the words seen after
        the history h (0 to order - 1 tokens); ``> 0`` marks the words seen after it."""
        self._require_fit()
        ids = self._ids(history, "history", self.order - 1)
        V, k = len(self.vocab), len(ids) + 1
        if k == 1:
            return self._counts.counts[1].copy()
        node = self._counts.node(ids)
        return self._counts.count(k, self._counts.child(k, np.full(V, node), np.arange(V)))

    def continuation_count(self, ngram: Sequence[str]) -> int:
        r"""Kneser-Ney's continuation count :math:`N_{1+}(\bullet\, g)`: the number of distinct
        tokens seen right before the k-gram g (k < order); a k-gram that starts with ``<s>``
        has nothing before it and keeps its count (as in KenLM)."""
        self._require_fit()
        ids = self._ids(ngram, "ngram", self.order - 1)
        k = len(ids)
        if k == 0:
            raise ValueError("ngram is empty: give 1 to order - 1 tokens")
        if k not in self._continuation:
            self._continuation[k] = self._counts.continuation(k, self.vocab.bos_id)
        node = self._counts.node(ids)
        return int(self._continuation[k][node]) if node >= 0 else 0

    def counts_of_order(self, k: int) -> np.ndarray:
        """The counts of the distinct k-grams seen in training (all > 0), one per k-gram; its
        length is the number of distinct k-grams, ``count_of_counts`` of it gives the n_r."""
        self._require_fit()
        k = check_int("k", k)
        if not 1 <= k <= self.order:
            raise ValueError(f"k must be an order from 1 to {self.order} (this model's), got {k}")
        c = self._counts.counts[k]
        return c[c > 0] if k == 1 else c.copy()

    def training_counts(self, sentences: Sequence[Sequence[str]]) -> np.ndarray:
        """For every predicted token of ``sentences`` (in ``token_logprobs`` order), how often
        its n-gram (the token and its history, as far as the model reads it) occurred in
        training."""
        self._require_fit()
        tokens, pos = pad_sentences(self.vocab, sentences)
        ctx = self._counts.contexts(tokens, pos)
        sel = np.flatnonzero(pos >= 1)
        k = np.minimum(pos[sel] + 1, self.order)
        out = np.zeros(len(sel), dtype=np.int64)
        for order in np.unique(k):
            m = k == order
            out[m] = self._counts.count(order, self._counts.child(order, ctx[order][sel][m], tokens[sel][m]))
        return out

    # -- scoring
    def token_logprobs(self, sentences: Iterable[Sequence[str]]) -> np.ndarray:
        """ln p of every predicted token (each word and each ``</s>``), in order."""
        self._require_fit()
        tokens, pos = pad_sentences(self.vocab, sentences)
        ctx = self._counts.contexts(tokens, pos)
        sel = np.flatnonzero(pos >= 1)
        kmax = np.minimum(pos[sel] + 1, self.order)
        return self._smoother.logprob([c[sel] for c in ctx], tokens[sel], kmax)

    def _context_ids(self, context: Sequence[str]) -> tuple[np.ndarray, bool]:
        context = _tokens(context, "context", "['<s>', 'the']")
        at_start = BOS in context
        if at_start:  # a history never reaches back past <s>
            context = context[len(context) - 1 - context[::-1].index(BOS):]
        context = context[max(0, len(context) - (self.order - 1)):] if self.order > 1 else []
        return np.array([self.vocab[t] for t in context], dtype=np.int64), at_start and context[:1] == [BOS]

    def _query(self, context: Sequence[str], words: np.ndarray) -> np.ndarray:
        ids, at_start = self._context_ids(context)
        tokens = np.concatenate((ids, [0]))
        pos = np.arange(len(tokens)) + (0 if at_start else self.order)
        ctx = [c[-1:] for c in self._counts.contexts(tokens, pos)]
        n = len(words)
        kmax = np.full(n, min(len(ids) + 1, self.order))
        return self._smoother.logprob([np.repeat(c, n) for c in ctx], words, kmax)

    def logprob(self, word: str, context: Sequence[str] = ()) -> float:
        """ln p(word | context).  Only the last ``order - 1`` context tokens are used; a
        context containing ``<s>`` is cut there (``["<s>"]`` = the start of a sentence)."""
        self._require_fit()
        if not isinstance(word, str):
            raise TypeError(f"word must be a string, got {type(word).__name__}")
        if word == BOS:
            raise ValueError("<s> is never predicted (it only starts a history); its probability is 0 by definition")
        return float(self._query(context, np.array([self.vocab[word]]))[0])

    def prob(self, word: str, context: Sequence[str] = ()) -> float:
        """p(word | context); see ``logprob``."""
        return math.exp(self.logprob(word, context))

    def distribution(self, context: Sequence[str] = ()) -> np.ndarray:
        """p(w | context) for every id w of the vocabulary (``<s>`` gets 0); the empty
        context gives the unigram distribution."""
        self._require_fit()
        words = np.arange(len(self.vocab))
        p = np.exp(self._query(context, words))
        p[self.vocab.bos_id] = 0.0
        return p

    def unseen_fraction(self, sentences: Iterable[Sequence[str]]) -> np.ndarray:
        """For k = 1..order, the share of the test's k-grams (token occurrences ending in a
        predicted token, all k tokens inside one padded sentence) never seen in training."""
        self._require_fit()
        tokens, pos = pad_sentences(self.vocab, sentences)
        if len(tokens) == 0:
            raise ValueError("unseen_fraction needs test sentences: got none")
        ctx = self._counts.contexts(tokens, pos)
        out = []
        for k in range(1, self.order + 1):
            sel = np.flatnonzero(pos >= max(k - 1, 1))  # k-grams inside one padded sentence
            node = self._counts.child(k, ctx[k][sel], tokens[sel])
            seen = self._counts.count(k, node) > 0
            out.append(1.0 - seen.mean() if len(seen) else float("nan"))
        return np.array(out)

    def write_arpa(self, path) -> None:
        """Write the model in ARPA back-off format (see ``lmkit.ngram.arpa.write_arpa``).  Its
        tokens are separated by whitespace, so a token that is empty or holds whitespace (a
        character model's space) is refused: map it to a visible symbol before fitting."""
        self._require_fit()
        arpa.write_arpa(path, self._smoother, self._counts, self.vocab)

    # -- sampling
    def generate(self, max_len: int = 30, seed: int | np.random.Generator = 0,
                 context: Sequence[str] = ()) -> list[str]:
        """Sample a sentence token by token from p(w | history) until ``</s>`` or ``max_len``
        tokens.  ``context`` gives the first words (a list of tokens, without ``<s>`` or
        ``</s>``); the sentence starts after ``<s>``.  ``seed``: an integer >= 0 or a
        ``numpy.random.Generator``."""
        self._require_fit()
        max_len = check_int("max_len", max_len, 1)
        if not isinstance(seed, np.random.Generator):
            seed = check_int("seed", seed, 0)
        out = _tokens(context, "context", "['the', 'cat']")
        for t in (BOS, EOS):
            if t in out:
                raise ValueError(f"context holds {t!r}, which lmkit adds itself: give only the "
                                 f"first words of the sentence, e.g. ['the', 'cat']")
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        while len(out) < max_len:
            p = self.distribution([BOS] + out)
            total = p.sum()
            if not total > 0:
                raise ValueError(f"the model gives every word probability 0 after {out[-self.order + 1:]}; "
                                 f"an unsmoothed model cannot continue from an unseen history")
            w = self.vocab.itos[rng.choice(len(p), p=p / total)]
            if w == EOS:
                break
            out.append(w)
        return out


class UniformLM(LanguageModel):
    """Every outcome in :math:`V \\cup \\{\\langle /s\\rangle\\}` (``<s>`` excluded) has probability
    :math:`1/|V|`, whatever the history: its perplexity is exactly :math:`|V|`.  It answers
    ``logprob``/``prob``/``distribution`` as ``NgramLM`` does, so it can join a mixture."""

    def __init__(self, vocab: Vocab) -> None:
        if not isinstance(vocab, Vocab):
            raise TypeError(f"vocab must be a lmkit.text.Vocab, got {type(vocab).__name__}")
        self.vocab = vocab
        self.size = len(vocab) - (1 if BOS in vocab else 0)
        if self.size < 1:
            raise ValueError("a uniform model needs a non-empty vocabulary")

    def fit(self, sentences=()) -> "UniformLM":
        return self

    def logprob(self, word: str, context: Sequence[str] = ()) -> float:
        """ln(1/|V|) for every word (a word outside the vocabulary is ``<unk>``), as
        ``NgramLM.logprob``; the context changes nothing.  ``<s>`` is never predicted: an error,
        as for ``NgramLM``."""
        if not isinstance(word, str):
            raise TypeError(f"word must be a string, got {type(word).__name__}")
        _tokens(context, "context", "['<s>', 'the']")
        if word == BOS:
            raise ValueError("<s> is never predicted (it only starts a history); its probability is 0 by definition")
        return -math.log(self.size)

    def prob(self, word: str, context: Sequence[str] = ()) -> float:
        """p(word | context) = 1/|V|; see ``logprob``."""
        return math.exp(self.logprob(word, context))

    def distribution(self, context: Sequence[str] = ()) -> np.ndarray:
        """p(w | context) = 1/|V| for every id w of the vocabulary but ``<s>``, which gets 0 (as
        ``NgramLM.distribution``); it sums to 1 and the context changes nothing."""
        _tokens(context, "context", "['<s>', 'the']")
        p = np.full(len(self.vocab), 1.0 / self.size)
        if BOS in self.vocab:
            p[self.vocab[BOS]] = 0.0
        return p

    def token_logprobs(self, sentences: Iterable[Sequence[str]]) -> np.ndarray:
        tokens, pos = pad_sentences(self.vocab, sentences)
        return np.full(int((pos >= 1).sum()), -math.log(self.size))
