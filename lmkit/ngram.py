r"""n-gram language models over ``<s>``/``</s>``-padded sentences.

A sentence :math:`w_1 \dots w_m` is padded to :math:`w_0 w_1 \dots w_m w_{m+1}` with
:math:`w_0 = \langle s\rangle` and :math:`w_{m+1} = \langle /s\rangle`, and the model gives

.. math::  p(s) = \prod_{i=1}^{m+1} p(w_i \mid w_{i-n+1}^{i-1}),

where a history never reaches back past :math:`\langle s\rangle` (near the start of a
sentence the history is shorter, as in SRILM and KenLM).  ``</s>`` is predicted like a word;
``<s>`` is only ever a history, so every distribution is over :math:`V \cup \{\langle /s\rangle\}`
without ``<s>``.

Counts live in ``NgramCounts``, a trie stored as sorted integer arrays: the k-gram
:math:`(h, w)` is the integer ``node(h) * |V| + w``, where ``node(h)`` is the index of the
history :math:`h` among the sorted (k-1)-grams.  Counting is ``np.unique`` per order,
lookup is ``np.searchsorted``: no Python loop ever runs over tokens.

Smoothing methods are classes over these shared counts (as in NLTK's ``nltk.lm``);
``NgramLM(order, smoothing=NAME)`` picks one from ``SMOOTHING``.
"""

from __future__ import annotations

import math
from typing import Iterable, Sequence

import numpy as np

from .text import BOS, EOS, UNK, Vocab

__all__ = ["MLE", "NgramCounts", "NgramLM", "SMOOTHING", "UniformLM", "length_mass", "pad_sentences"]


# --------------------------------------------------------------------------- input checks


def _check_sentences(sentences, what: str = "sentences") -> list:
    if isinstance(sentences, str):
        raise TypeError(f"{what} must be a list of sentences (lists of token strings), "
                        f"not one string; try [text.split()]")
    sentences = list(sentences)
    for s in sentences:
        if isinstance(s, str):
            raise TypeError(f"{what} must be a list of sentences, each a list of token "
                            f"strings; got the string {s[:40]!r}. Split it: {s[:20]!r}.split()")
    return sentences


def pad_sentences(vocab: Vocab, sentences: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Encode and pad sentences into one flat array.

    Returns ``(tokens, pos)``: the ids of ``<s> w_1 ... w_m </s>`` for every sentence, one
    after the other, and each token's position in its padded sentence (0 for ``<s>``).
    Tokens not in the vocabulary become ``<unk>``; a token that is not a string is an error.
    """
    sentences = _check_sentences(sentences)
    lens = np.fromiter(map(len, sentences), dtype=np.int64, count=len(sentences))
    flat = [t for s in sentences for t in s]
    get, unk = vocab.stoi.get, vocab.unk_id
    words = np.fromiter((get(t, unk) for t in flat), dtype=np.int64, count=len(flat))
    for i in np.flatnonzero(words == unk):  # only unknown tokens can be of the wrong type
        if not isinstance(flat[i], str):
            raise TypeError(f"token {flat[i]!r} ({type(flat[i]).__name__}) is not a string; "
                            f"sentences must be lists of str tokens")
    size = lens + 2
    starts = np.cumsum(size) - size
    tokens = np.empty(int(size.sum()), dtype=np.int64)
    inner = np.ones(len(tokens), dtype=bool)
    inner[starts] = False
    inner[starts + lens + 1] = False
    tokens[starts] = vocab.bos_id
    tokens[starts + lens + 1] = vocab.eos_id
    tokens[inner] = words
    pos = np.arange(len(tokens), dtype=np.int64) - np.repeat(starts, size)
    return tokens, pos


# --------------------------------------------------------------------------- counts


class NgramCounts:
    """Counts of every k-gram, k = 1..order, of a padded corpus, as a trie of sorted arrays.

    Attributes
    ----------
    counts[k]:
        For k = 1, a dense array: ``counts[1][w]`` is c(w) as a predicted token (``<s>`` is
        never predicted, so its count is 0).  For k >= 2, ``counts[k][i]`` is the count of
        the i-th k-gram in sorted key order.
    keys[k]:
        For k >= 2, the sorted keys ``node(h) * V + w`` of the k-grams seen.
    context_total[j]:
        For each j-gram node (j = 0 is the empty history), the number of tokens that
        followed it: :math:`\\sum_w c(h w)`.
    context_types[j]:
        The number of distinct words that followed it, :math:`N_{1+}(h\\,\\bullet)`.
    """

    def __init__(self, tokens: np.ndarray, pos: np.ndarray, order: int, vocab_size: int) -> None:
        self.order, self.V = order, vocab_size
        V = vocab_size
        self.keys: dict[int, np.ndarray] = {}
        self.counts: dict[int, np.ndarray] = {1: np.bincount(tokens[pos >= 1], minlength=V)}
        node_prev = tokens  # the 1-gram node of a token is its id
        for k in range(2, order + 1):
            sel = np.flatnonzero(pos >= k - 1)
            key = node_prev[sel - 1] * V + tokens[sel]
            uniq, inverse, cnt = np.unique(key, return_inverse=True, return_counts=True)
            self.keys[k], self.counts[k] = uniq, cnt
            node = np.full(len(tokens), -1, dtype=np.int64)
            node[sel] = inverse.ravel()
            node_prev = node
        self.context_total: dict[int, np.ndarray] = {0: np.array([self.counts[1].sum()])}
        self.context_types: dict[int, np.ndarray] = {0: np.array([np.count_nonzero(self.counts[1])])}
        for k in range(2, order + 1):
            hist = self.keys[k] // V
            self.context_total[k - 1] = np.bincount(hist, weights=self.counts[k],
                                                    minlength=self.num_nodes(k - 1)).astype(np.int64)
            self.context_types[k - 1] = np.bincount(hist, minlength=self.num_nodes(k - 1))

    def num_nodes(self, k: int) -> int:
        """How many distinct k-grams there are (for k = 1: the vocabulary size)."""
        return self.V if k == 1 else (1 if k == 0 else len(self.keys[k]))

    def __len__(self) -> int:
        """Number of distinct n-grams of every order (1-grams: the words seen)."""
        return int(np.count_nonzero(self.counts[1])) + sum(len(self.keys[k]) for k in self.keys)

    def child(self, k: int, hist: np.ndarray, words: np.ndarray) -> np.ndarray:
        """Node of the k-gram (history node ``hist`` of order k-1, word); -1 where unseen."""
        hist = np.asarray(hist, dtype=np.int64)
        words = np.asarray(words, dtype=np.int64)
        if k == 1:
            return np.where(hist >= 0, words, -1)
        keys = self.keys[k]
        if len(keys) == 0:
            return np.full(np.broadcast(hist, words).shape, -1, dtype=np.int64)
        key = hist * self.V + words
        idx = np.minimum(np.searchsorted(keys, key), len(keys) - 1)
        return np.where((hist >= 0) & (keys[idx] == key), idx, -1)

    def count(self, k: int, node: np.ndarray) -> np.ndarray:
        """c(k-gram) for nodes, 0 where the node is -1."""
        node = np.asarray(node)
        return np.where(node >= 0, self.counts[k][np.maximum(node, 0)], 0)

    def contexts(self, tokens: np.ndarray, pos: np.ndarray) -> list[np.ndarray]:
        """For every position p: ``ctx[k][p]``, the node of the (k-1)-gram ending at p-1.

        ``ctx[1]`` is 0 (the empty history) everywhere; ``ctx[k]`` is -1 where that history
        was never seen or would reach back past ``<s>``.
        """
        n = len(tokens)
        ctx = [np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)]  # ctx[0] is unused
        gram_prev = tokens.copy()  # node of the 1-gram ending at p (every word is a node)
        for k in range(2, self.order + 1):
            c = np.full(n, -1, dtype=np.int64)
            c[1:] = gram_prev[:-1]
            c[pos < k - 1] = -1
            ctx.append(c)
            if k < self.order:
                gram_prev = self.child(k, c, tokens)
        return ctx


# --------------------------------------------------------------------------- smoothing


class MLE:
    r"""Maximum likelihood: relative frequency, no smoothing.

    .. math::  p_{ML}(w_i \mid w_{i-n+1}^{i-1}) = \frac{c(w_{i-n+1}^{i})}{\sum_{w} c(w_{i-n+1}^{i-1} w)}

    Unseen n-grams get probability 0; an unseen history gets 0 for every word (the MLE is
    undefined there, so this is not a distribution): chapter 2 fixes both.
    """

    name = "mle"

    def __init__(self, counts: NgramCounts) -> None:
        self.c = counts

    def logprob(self, ctx: list[np.ndarray], words: np.ndarray, kmax: np.ndarray) -> np.ndarray:
        """ln p(word | history) per query; ``ctx[k]`` holds the (k-1)-history nodes,
        ``kmax`` the highest order whose history is available for that query."""
        out = np.empty(len(words))
        for k in np.unique(kmax):
            sel = np.flatnonzero(kmax == k)
            hist = ctx[k][sel]
            num = self.c.count(k, self.c.child(k, hist, words[sel]))
            den = np.where(hist >= 0, self.c.context_total[k - 1][np.maximum(hist, 0)], 0)
            with np.errstate(divide="ignore", invalid="ignore"):
                out[sel] = np.where(den > 0, np.log(num) - np.log(np.maximum(den, 1)), -np.inf)
        return out


SMOOTHING: dict[str, type] = {"mle": MLE}


# --------------------------------------------------------------------------- the model


class NgramLM:
    """An n-gram language model: ``NgramLM(order, smoothing="mle").fit(sentences)``.

    ``fit`` builds the vocabulary from the training sentences (every token seen, plus
    ``<unk>``, ``<s>``, ``</s>``) unless one is given; test tokens outside it are scored as
    ``<unk>``.  Scores are natural logs; ``perplexity`` counts every predicted token,
    ``</s>`` included, ``<s>`` not.
    """

    def __init__(self, order: int, smoothing: str = "mle", vocab: Vocab | None = None,
                 **params) -> None:
        if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or order < 1:
            raise ValueError(f"order must be an integer >= 1 (1 = unigram, 2 = bigram, ...), got {order!r}")
        if smoothing not in SMOOTHING:
            raise ValueError(f"unknown smoothing {smoothing!r}; choose one of {sorted(SMOOTHING)}")
        self.order, self.smoothing, self.params = int(order), smoothing, params
        self.vocab = vocab
        self.counts: NgramCounts | None = None
        self.model = None

    def __repr__(self) -> str:
        state = f"|V|={len(self.vocab)}" if self.counts is not None else "not fitted"
        return f"NgramLM(order={self.order}, smoothing={self.smoothing!r}, {state})"

    # -- fitting
    def fit(self, sentences: Iterable[Sequence[str]]) -> "NgramLM":
        """Count every 1..order-gram of the padded training sentences."""
        sentences = _check_sentences(sentences, "training sentences")
        if not any(len(s) for s in sentences):
            raise ValueError("cannot fit an n-gram model on an empty corpus: "
                             "the training sentences hold no tokens")
        if self.vocab is None:
            self.vocab = Vocab(sentences)
        for special in (BOS, EOS, UNK):
            if special not in self.vocab:
                raise ValueError(f"the vocabulary must contain {special!r}; build it with Vocab(...)")
        tokens, pos = pad_sentences(self.vocab, sentences)
        self.counts = NgramCounts(tokens, pos, self.order, len(self.vocab))
        self.model = SMOOTHING[self.smoothing](self.counts, **self.params)
        return self

    def _require_fit(self) -> None:
        if self.counts is None:
            raise ValueError("this model is not fitted yet: call .fit(train_sentences) first")

    # -- scoring
    def token_logprobs(self, sentences: Iterable[Sequence[str]]) -> np.ndarray:
        """ln p of every predicted token (each word and each ``</s>``), in order."""
        self._require_fit()
        tokens, pos = pad_sentences(self.vocab, sentences)
        ctx = self.counts.contexts(tokens, pos)
        sel = np.flatnonzero(pos >= 1)
        kmax = np.minimum(pos[sel] + 1, self.order)
        return self.model.logprob([c[sel] for c in ctx], tokens[sel], kmax)

    def _context_ids(self, context: Sequence[str]) -> tuple[np.ndarray, bool]:
        if isinstance(context, str):
            raise TypeError("context must be a sequence of tokens, e.g. ['<s>', 'the'], not a string")
        context = list(context)
        for t in context:
            if not isinstance(t, str):
                raise TypeError(f"context token {t!r} is not a string")
        at_start = BOS in context
        if at_start:  # a history never reaches back past <s>
            context = context[len(context) - 1 - context[::-1].index(BOS):]
        context = context[max(0, len(context) - (self.order - 1)):] if self.order > 1 else []
        return np.array([self.vocab[t] for t in context], dtype=np.int64), at_start and context[:1] == [BOS]

    def _query(self, context: Sequence[str], words: np.ndarray) -> np.ndarray:
        ids, at_start = self._context_ids(context)
        tokens = np.concatenate((ids, [0]))
        pos = np.arange(len(tokens)) + (0 if at_start else self.order)
        ctx = [c[-1:] for c in self.counts.contexts(tokens, pos)]
        n = len(words)
        kmax = np.full(n, min(len(ids) + 1, self.order))
        return self.model.logprob([np.repeat(c, n) for c in ctx], words, kmax)

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
        """p(w | context) for every id w of the vocabulary (``<s>`` gets 0)."""
        self._require_fit()
        words = np.arange(len(self.vocab))
        p = np.exp(self._query(context, words))
        p[self.vocab.bos_id] = 0.0
        return p

    def sentence_logprob(self, sentence: Sequence[str]) -> float:
        """ln p(<s> sentence </s>) = the sum of its tokens' log-probabilities."""
        return float(self.token_logprobs([sentence]).sum())

    def cross_entropy(self, sentences: Iterable[Sequence[str]], base: float = 2.0) -> float:
        r"""Per-token cross-entropy :math:`H = -\frac{1}{N}\sum_i \log_b p(w_i \mid h_i)`
        (bits with base 2), over the :math:`N` predicted tokens, ``</s>`` included."""
        lp = self.token_logprobs(_check_sentences(sentences))
        if len(lp) == 0:
            raise ValueError("cannot evaluate on an empty test set")
        return float(-lp.mean() / math.log(base))

    def perplexity(self, sentences: Iterable[Sequence[str]]) -> float:
        r"""Perplexity :math:`PP = 2^{H} = \exp(-\frac{1}{N}\sum_i \ln p(w_i \mid h_i))`;
        infinite if any test token has probability 0."""
        with np.errstate(over="ignore"):
            return float(np.exp(self.cross_entropy(sentences, base=math.e)))

    def unseen_fraction(self, sentences: Iterable[Sequence[str]]) -> np.ndarray:
        """For k = 1..order, the share of the test's k-grams (token occurrences ending in a
        predicted token, all k tokens inside one padded sentence) never seen in training."""
        self._require_fit()
        tokens, pos = pad_sentences(self.vocab, sentences)
        ctx = self.counts.contexts(tokens, pos)
        out = []
        for k in range(1, self.order + 1):
            sel = np.flatnonzero(pos >= max(k - 1, 1))
            hist = ctx[k][sel]
            if k > 1:  # a history that reaches past <s> is not a k-gram; an unseen one counts as unseen
                sel_k = pos[sel] >= k - 1
                hist, words = hist[sel_k], tokens[sel][sel_k]
            else:
                words = tokens[sel]
            seen = self.counts.count(k, self.counts.child(k, hist, words)) > 0
            out.append(1.0 - seen.mean() if len(seen) else float("nan"))
        return np.array(out)

    # -- sampling
    def generate(self, max_len: int = 30, seed: int | np.random.Generator = 0,
                 context: Sequence[str] = ()) -> list[str]:
        """Sample a sentence token by token from p(w | history) until ``</s>`` or ``max_len``
        tokens.  ``context`` gives the first words; the sentence starts after ``<s>``."""
        self._require_fit()
        if max_len < 1:
            raise ValueError(f"max_len must be >= 1, got {max_len}")
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        out = list(context)
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


class UniformLM:
    """Every outcome in :math:`V \\cup \\{\\langle /s\\rangle\\}` (``<s>`` excluded) has probability
    :math:`1/|V|`, whatever the history: its perplexity is exactly :math:`|V|`."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self.size = len(vocab) - (1 if BOS in vocab else 0)
        if self.size < 1:
            raise ValueError("a uniform model needs a non-empty vocabulary")

    def fit(self, sentences=()) -> "UniformLM":
        return self

    def logprob(self, word: str, context: Sequence[str] = ()) -> float:
        return -math.log(self.size) if word != BOS else -math.inf

    def token_logprobs(self, sentences: Iterable[Sequence[str]]) -> np.ndarray:
        tokens, pos = pad_sentences(self.vocab, sentences)
        return np.full(int((pos >= 1).sum()), -math.log(self.size))

    cross_entropy = NgramLM.cross_entropy
    perplexity = NgramLM.perplexity


def length_mass(model: NgramLM, max_len: int) -> np.ndarray:
    """``mass[l]`` = total probability of all sentences of exactly l words, l = 0..max_len.

    Exact dynamic programming over the bigram's transition matrix (orders 1 and 2 only),
    so that the sum over all strings up to length L can be seen to approach 1.
    """
    model._require_fit()
    if model.order > 2:
        raise ValueError("length_mass needs a unigram or bigram model (the state is one word)")
    V, eos = len(model.vocab), model.vocab.eos_id
    # T[a, b] = p(b | a) for every history a; row <s> is the start distribution
    T = np.stack([model.distribution([BOS] if a == model.vocab.bos_id else [model.vocab.itos[a]])
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
