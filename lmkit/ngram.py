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

__all__ = ["AbsoluteDiscounting", "AddOne", "Additive", "ChurchGale", "Dirichlet", "GoodTuring",
           "JelinekMercer", "Katz", "KneserNey", "MLE", "ModifiedKneserNey", "NgramCounts", "NgramLM",
           "SMOOTHING", "Smoothing", "UniformLM", "WittenBell", "WittenBellBackoff", "bits_by_count",
           "count_of_counts", "learning_curves", "length_mass", "pad_sentences", "simple_good_turing"]


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
        self._suffix: dict[int, np.ndarray] = {}
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
        return _take(self.counts[k], np.asarray(node), 0).astype(np.int64)

    def history(self, k: int) -> np.ndarray:
        """For every k-gram node, the node of its (k-1)-word history (0 = the root for k = 1)."""
        return np.zeros(self.V, dtype=np.int64) if k == 1 else self.keys[k] // self.V

    def word(self, k: int) -> np.ndarray:
        """For every k-gram node, its last word."""
        return np.arange(self.V) if k == 1 else self.keys[k] % self.V

    def suffix(self, k: int) -> np.ndarray:
        """For every k-gram node (k >= 2), the node of its (k-1)-gram suffix
        :math:`w_{i-k+2}^{i}`; every suffix of a seen n-gram was seen too."""
        if k not in self._suffix:
            if k == 2:
                self._suffix[k] = self.word(2)
            else:
                hist_suffix = self.suffix(k - 1)[self.history(k)]
                self._suffix[k] = self.child(k - 1, hist_suffix, self.word(k))
        return self._suffix[k]

    def first(self, k: int) -> np.ndarray:
        """For every k-gram node, its first word."""
        return np.arange(self.V) if k == 1 else self.first(k - 1)[self.history(k)]

    def continuation(self, k: int, bos_id: int) -> np.ndarray:
        r"""Kneser-Ney's adjusted counts of the k-grams (k < order): the number of distinct
        words that precede each, :math:`N_{1+}(\bullet\, w_{i-k+1}^{i})`; a k-gram that starts
        with ``<s>`` has nothing before it and keeps its raw count (as in KenLM)."""
        cont = np.bincount(self.suffix(k + 1), minlength=self.num_nodes(k))
        raw = self.counts[k]
        return np.where(self.first(k) == bos_id, raw, cont)

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

    recursive = False

    def __init__(self, counts: NgramCounts, vocab: Vocab | None = None, heldout=None) -> None:
        self.c = counts

    def logprob(self, ctx: list[np.ndarray], words: np.ndarray, kmax: np.ndarray) -> np.ndarray:
        """ln p(word | history) per query; ``ctx[k]`` holds the (k-1)-history nodes,
        ``kmax`` the highest order whose history is available for that query."""
        out = np.empty(len(words))
        for k in np.unique(kmax):
            sel = np.flatnonzero(kmax == k)
            hist = ctx[k][sel]
            num = self.c.count(k, self.c.child(k, hist, words[sel]))
            den = _take(self.c.context_total[k - 1], hist, 0)
            with np.errstate(divide="ignore", invalid="ignore"):
                out[sel] = np.where(den > 0, np.log(num) - np.log(np.maximum(den, 1)), -np.inf)
        return out


# --------------------------------------------------------------------------- Good-Turing


def simple_good_turing(r: np.ndarray, n_r: np.ndarray, confidence: float = 1.96) -> np.ndarray:
    r"""Good-Turing adjusted counts :math:`r^*` for the observed counts ``r`` (sorted,
    distinct) with counts-of-counts ``n_r``: Gale and Sampson's *simple Good-Turing*.

    The Turing estimate :math:`r^* = (r+1) n_{r+1} / n_r` is used for small r, for as
    long as it differs significantly from the smoothed estimate
    :math:`(r+1) S(r+1)/S(r)`, where :math:`S(r) = e^{a + b \ln r}` is a line fitted to
    :math:`\ln Z_r` with :math:`Z_r = n_r / (0.5 (t - q))` (q, t: the neighbouring observed
    counts).  After the first r where they agree, the smoothed estimate is used: it never
    gives 0 where :math:`n_{r+1} = 0`, which the raw Turing estimate does.
    """
    r = np.asarray(r, dtype=float)
    n_r = np.asarray(n_r, dtype=float)
    if len(r) == 0:
        return r
    q = np.concatenate(([0.0], r[:-1]))
    t = np.concatenate((r[1:], [2 * r[-1] - q[-1]]))
    z = n_r / (0.5 * (t - q))
    if len(r) > 1:
        b, a = np.polyfit(np.log(r), np.log(z), 1)
    else:
        b, a = -2.0, math.log(max(z[0], 1e-12))
    b = min(b, -1.0 - 1e-6)  # the smoothed r* must stay below r (Gale and Sampson need b < -1)
    smoothed = (r + 1) * np.exp(b * (np.log(r + 1) - np.log(r)))
    n_next = np.zeros_like(n_r)
    nxt = np.searchsorted(r, r + 1)
    has_next = (nxt < len(r)) & (r[np.minimum(nxt, len(r) - 1)] == r + 1)
    n_next[has_next] = n_r[nxt[has_next]]
    turing = (r + 1) * n_next / n_r
    spread = confidence * np.sqrt((r + 1) ** 2 * n_next / n_r ** 2 * (1 + n_next / n_r))
    use_turing = has_next & (np.abs(turing - smoothed) > spread)
    use_turing = np.cumprod(use_turing).astype(bool)  # once smoothed, always smoothed
    return np.where(use_turing, turing, smoothed)


def count_of_counts(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct non-zero counts r and how many n-grams have each, n_r."""
    r, n_r = np.unique(counts[counts > 0], return_counts=True)
    return r, n_r


# --------------------------------------------------------------------------- smoothing


class Smoothing:
    r"""Base of every smoothed model: probabilities over the seen n-grams and a back-off
    weight for each history, order by order,

    .. math::

        p_k(w \mid h) = \begin{cases} P_k(h w) & \text{if } h w \text{ was seen,} \\
                                      \beta_k(h)\, p_{k-1}(w \mid h') & \text{otherwise,}\end{cases}
        \qquad p_0(w) = 1/|V|,

    where :math:`h'` drops the first word of :math:`h` and :math:`\beta_k(h) = 1` for a
    history never seen.  Back-off methods are of this form by definition; interpolated
    methods, :math:`p_k = \alpha_k(hw) + \gamma_k(h) p_{k-1}`, are too, with
    :math:`P_k = \alpha_k + \gamma_k p_{k-1}` and :math:`\beta_k = \gamma_k`: exactly the ARPA
    back-off format.  A subclass fills ``P[k]`` (over the k-gram nodes; for k = 1, over all
    word ids) and ``bow[k]`` (over the (k-1)-gram nodes) in ``_fit_order``.  Non-recursive
    methods (``recursive = False``) back off straight to the uniform distribution.
    """

    name = "?"
    recursive = True
    needs_heldout = False

    def __init__(self, counts: NgramCounts, vocab: Vocab, heldout=None) -> None:
        self.c, self.vocab, self.order = counts, vocab, counts.order
        self.size = len(vocab) - 1  # outcomes: every id but <s>
        self.uniform = 1.0 / self.size
        self.bos = vocab.bos_id
        if self.needs_heldout and heldout is None:
            raise ValueError(f"{self.name} fits its parameters on held-out data: "
                             f"call fit(train, heldout=sentences)")
        self.heldout = None if heldout is None else self._prepare_heldout(heldout)
        self.P: dict[int, np.ndarray] = {}
        self.bow: dict[int, np.ndarray] = {}
        for k in range(1, self.order + 1):
            self._fit_order(k)

    # -- the counts each order uses (Kneser-Ney replaces lower orders' by continuation counts)
    def counts_at(self, k: int) -> np.ndarray:
        return self.c.counts[k]

    def _history_stats(self, k: int, cnt: np.ndarray) -> dict[str, np.ndarray]:
        hist = self.c.history(k)
        m = self.c.num_nodes(k - 1)
        return {"total": np.bincount(hist, weights=cnt, minlength=m),
                "types": np.bincount(hist, weights=cnt > 0, minlength=m),
                "n1": np.bincount(hist, weights=cnt == 1, minlength=m),
                "n2": np.bincount(hist, weights=cnt == 2, minlength=m),
                "n3+": np.bincount(hist, weights=cnt >= 3, minlength=m)}

    def lower(self, k: int) -> np.ndarray:
        """p_{k-1}(w | h') for every k-gram node (h w)."""
        if k == 1 or not self.recursive:
            return np.full(self.c.num_nodes(k), self.uniform)
        return self.P[k - 1][self.c.suffix(k)]

    def _interpolate(self, k: int, alpha: np.ndarray, gamma: np.ndarray, total: np.ndarray) -> None:
        """Set P_k = alpha + gamma(h) p_{k-1} for seen n-grams, bow_k = gamma (1 where h unseen)."""
        gamma = np.where(total > 0, gamma, 1.0)
        hist = self.c.history(k)
        self.P[k] = alpha + gamma[hist] * self.lower(k)
        self.bow[k] = gamma
        if k == 1:
            self.P[1][self.bos] = 0.0

    def _back_off(self, k: int, p_seen: np.ndarray, seen: np.ndarray) -> None:
        r"""Set P_k = p_seen for seen n-grams and the back-off weight that makes each history
        sum to one: :math:`\beta(h) = (1 - \sum_{seen} P_k) / (1 - \sum_{seen} p_{k-1})`.
        Where the discounts left no mass for the unseen words (every count of h above
        Katz's k), one extra count is added to c(h), as SRILM does; where the lower order
        has no mass left for them, the seen words are renormalised instead."""
        hist, m = self.c.history(k), self.c.num_nodes(k - 1)
        low = self.lower(k)
        if k == 1:
            seen = seen & (np.arange(self.c.V) != self.bos)
        p_seen = np.where(seen, p_seen, 0.0)
        low_left = 1.0 - np.bincount(hist, weights=np.where(seen, low, 0.0), minlength=m)
        left = 1.0 - np.bincount(hist, weights=p_seen, minlength=m)
        total = np.bincount(hist, weights=np.where(seen, self.counts_at(k), 0), minlength=m)
        no_mass = (left <= 1e-12) & (low_left > 1e-12)
        p_seen = p_seen * np.where(no_mass, total / (total + 1), 1.0)[hist]
        left = 1.0 - np.bincount(hist, weights=p_seen, minlength=m)
        stuck = low_left <= 1e-12
        scale = np.where(stuck, 1.0 / np.maximum(1.0 - left, 1e-300), 1.0)
        bow = np.where(stuck, 0.0, np.maximum(left, 0.0) / np.where(stuck, 1.0, low_left))
        any_seen = np.bincount(hist, weights=seen, minlength=m) > 0
        bow = np.where(any_seen, bow, 1.0)
        scale = np.where(any_seen, scale, 1.0)
        self.P[k] = np.where(seen, p_seen * scale[hist], bow[hist] * low)
        self.bow[k] = bow
        if k == 1:
            self.P[1][self.bos] = 0.0

    def _fit_order(self, k: int) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- scoring
    def _score_order(self, k, hist, words, p_lower):
        node = self.c.child(k, hist, words)
        bow = _take(self.bow[k], hist, 1.0)
        low = p_lower if self.recursive else self.uniform
        return np.where(node >= 0, _take(self.P[k], node, 0.0), bow * low)

    def prob(self, ctx: list[np.ndarray], words: np.ndarray, kmax: np.ndarray) -> np.ndarray:
        p = np.full(len(words), self.uniform)
        for k in range(1, int(kmax.max(initial=0)) + 1):
            act = kmax >= k
            hist = np.where(act, ctx[k], -1)
            p = np.where(act, self._score_order(k, hist, words, p), p)
        return p

    def logprob(self, ctx: list[np.ndarray], words: np.ndarray, kmax: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore"):
            return np.log(self.prob(ctx, words, kmax))

    # -- held-out data, for the methods that fit parameters on it
    def _prepare_heldout(self, sentences):
        tokens, pos = pad_sentences(self.vocab, sentences)
        sel = np.flatnonzero(pos >= 1)
        if len(sel) == 0:
            raise ValueError("the held-out set is empty: give it at least one sentence")
        ctx = [c[sel] for c in self.c.contexts(tokens, pos)]
        return ctx, tokens[sel], np.minimum(pos[sel] + 1, self.order)

    def _heldout_lower(self, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Held-out positions that use order k: their history, word and p_{k-1}."""
        ctx, words, kmax = self.heldout
        p = self.prob(ctx, words, np.minimum(kmax, k - 1)) if k > 1 else np.full(len(words), self.uniform)
        act = kmax >= k
        return ctx[k][act], words[act], p[act], act


def _take(values: np.ndarray, idx: np.ndarray, fill: float) -> np.ndarray:
    """``values[idx]`` where idx >= 0, else ``fill`` (also when ``values`` is empty)."""
    if len(values) == 0:
        return np.full(np.shape(idx), fill)
    return np.where(idx >= 0, values[np.clip(idx, 0, len(values) - 1)], fill)


def _check_discount(d, upper: float = 1.0, name: str = "discount") -> float:
    if not (isinstance(d, (int, float)) and 0 < d <= upper):
        raise ValueError(f"{name} must lie in (0, {upper:g}], got {d!r}")
    return float(d)


class Additive(Smoothing):
    r"""Add-δ (Lidstone; add-one is δ = 1, Laplace): pretend every n-gram was seen δ more times.

    .. math::  p_{add}(w_i \mid h) = \frac{c(h\, w_i) + \delta}{c(h) + \delta |V|}

    Not recursive: an unseen history gets the uniform distribution.  With ``delta=None``
    (the default), δ is chosen on held-out data (a grid search over :math:`10^{-4} \dots 10`).
    """

    name, recursive = "additive", False

    def __init__(self, counts, vocab, heldout=None, delta: float | None = None) -> None:
        if delta is None:
            self.needs_heldout = True
        elif not (isinstance(delta, (int, float)) and delta > 0 and math.isfinite(delta)):
            raise ValueError(f"delta must be > 0 (add-one is delta=1), got {delta!r}")
        self.delta = delta
        super().__init__(counts, vocab, heldout)

    def _fit_order(self, k: int) -> None:
        if self.delta is None and k == self.order:
            grid = np.logspace(-4, 1, 26)
            self.delta = float(grid[np.argmax([self._heldout_ll(d) for d in grid])])
            for j in range(1, self.order + 1):
                self._set(j, self.delta)
        else:
            self._set(k, self.delta if self.delta is not None else 1.0)

    def _set(self, k: int, delta: float) -> None:
        cnt = self.counts_at(k)
        total = self._history_stats(k, cnt)["total"]
        den = total + delta * self.size
        self.P[k] = (cnt + delta) / den[self.c.history(k)]
        self.bow[k] = np.where(total > 0, delta * self.size / den, 1.0)
        if k == 1:
            self.P[1][self.bos] = 0.0

    def _heldout_ll(self, delta: float) -> float:
        for k in range(1, self.order + 1):
            self._set(k, delta)
        ctx, words, kmax = self.heldout
        return float(np.log(self.prob(ctx, words, kmax)).sum())


class AddOne(Additive):
    """Laplace's add-one smoothing: ``Additive`` with δ = 1."""

    name = "add-one"

    def __init__(self, counts, vocab, heldout=None) -> None:
        super().__init__(counts, vocab, heldout, delta=1.0)


class GoodTuring(Smoothing):
    r"""Good-Turing: a count r is replaced by :math:`r^* = (r+1) n_{r+1} / n_r`
    (simple Good-Turing where :math:`n_{r+1} = 0`), computed per order.

    .. math::  p_{GT}(w \mid h) = \frac{r^*(h w)}{c(h)} \ \text{(seen)}, \qquad
               \text{the rest, } 1 - \sum_{seen} r^*/c(h), \text{ shared equally by the unseen words.}

    Not recursive: the unseen words of a history all get the same share.
    """

    name, recursive = "good-turing", False

    def _fit_order(self, k: int) -> None:
        cnt = self.counts_at(k)
        r, n_r = count_of_counts(cnt)
        r_star = np.minimum(simple_good_turing(r, n_r), r)
        adjusted = np.zeros(len(cnt))
        seen = cnt > 0
        adjusted[seen] = r_star[np.searchsorted(r, cnt[seen])]
        st = self._history_stats(k, cnt)
        hist = self.c.history(k)
        total = st["total"]
        p_seen = adjusted / np.maximum(total, 1)[hist]
        left = 1.0 - np.bincount(hist, weights=p_seen, minlength=len(total))
        unseen = self.size - st["types"]
        share = np.where(unseen > 0, np.maximum(left, 0) / np.maximum(unseen, 1), 0.0)
        scale = np.where(unseen > 0, 1.0, 1.0 / np.maximum(1.0 - left, 1e-300))
        self.bow[k] = np.where(total > 0, share * self.size, 1.0)
        self.P[k] = np.where(seen, p_seen * scale[hist], share[hist])
        if k == 1:
            self.P[1][self.bos] = 0.0


class Katz(Smoothing):
    r"""Katz back-off: Good-Turing discounts for counts r <= k (default 5), none above,

    .. math::

        d_r = \frac{r^*/r - (k+1) n_{k+1}/n_1}{1 - (k+1) n_{k+1}/n_1}, \qquad
        p_{Katz}(w \mid h) = \begin{cases} d_r\, r / c(h) & r = c(hw) > 0 \\
        \alpha(h)\, p_{Katz}(w \mid h') & r = 0 \end{cases}

    with :math:`\alpha(h)` giving the unseen words exactly the mass the discounts freed.
    Where the Good-Turing ratios are unusable (a tiny corpus: some :math:`d_r` outside
    (0, 1]), the simple Good-Turing :math:`r^*` is used, and failing that absolute
    discounting with :math:`D = n_1/(n_1 + 2 n_2)`.
    """

    name = "katz"

    def __init__(self, counts, vocab, heldout=None, k: int = 5) -> None:
        if not isinstance(k, int) or k < 1:
            raise ValueError(f"Katz's k (the largest discounted count) must be an int >= 1, got {k!r}")
        self.k = k
        super().__init__(counts, vocab, heldout)

    def discounts(self, cnt: np.ndarray) -> np.ndarray:
        """d_r for r = 0..k (d_0 unused)."""
        K = self.k
        d = np.ones(K + 1)
        if not np.any(cnt > 0):  # no n-grams of this order (sentences shorter than n)
            return d
        n = np.bincount(cnt[cnt > 0], minlength=K + 2)[: K + 2].astype(float)
        r = np.arange(1, K + 1, dtype=float)
        if n[1] > 0 and np.all(n[1:K + 1] > 0):
            common = (K + 1) * n[K + 1] / n[1]
            turing = (r + 1) * n[2:K + 2] / n[1:K + 1]
            dr = (turing / r - common) / (1 - common) if common < 1 else np.full(K, np.nan)
            if np.all((dr > 0) & (dr <= 1)):
                d[1:] = dr
                return d
        rr, n_r = count_of_counts(cnt)
        sgt = np.minimum(simple_good_turing(rr, n_r), rr) / rr
        idx = np.searchsorted(rr, r)
        ok = (idx < len(rr)) & (rr[np.minimum(idx, len(rr) - 1)] == r)
        if np.all(sgt[idx[ok]] > 0):
            d[1:] = np.where(ok, sgt[np.minimum(idx, len(rr) - 1)], 1.0)
            return d
        D = n[1] / (n[1] + 2 * n[2]) if n[1] > 0 else 0.5
        d[1:] = 1 - D / r
        return d

    def _fit_order(self, k: int) -> None:
        cnt = self.counts_at(k)
        d = self.discounts(cnt)
        factor = np.where(cnt <= self.k, d[np.minimum(cnt, self.k)], 1.0)
        total = self._history_stats(k, cnt)["total"]
        p_seen = factor * cnt / np.maximum(total, 1)[self.c.history(k)]
        self._back_off(k, p_seen, cnt > 0)


class WittenBell(Smoothing):
    r"""Witten-Bell, interpolated: the weight of the lower order is the chance that the
    next word after h is a new one.

    .. math::  p_{WB}(w \mid h) = \frac{c(h w) + N_{1+}(h \bullet)\, p_{WB}(w \mid h')}{c(h) + N_{1+}(h \bullet)}
    """

    name = "witten-bell"

    def _fit_order(self, k: int) -> None:
        cnt = self.counts_at(k)
        st = self._history_stats(k, cnt)
        den = st["total"] + st["types"]
        safe = np.maximum(den, 1)
        self._interpolate(k, cnt / safe[self.c.history(k)], st["types"] / safe, st["total"])


class WittenBellBackoff(Smoothing):
    r"""Witten-Bell in back-off form: seen words keep :math:`c(hw) / (c(h) + N_{1+}(h\bullet))`;
    the unseen share :math:`N_{1+}(h\bullet)/(c(h) + N_{1+}(h\bullet))` goes to the lower
    order, renormalised over the unseen words only."""

    name = "witten-bell-backoff"

    def _fit_order(self, k: int) -> None:
        cnt = self.counts_at(k)
        st = self._history_stats(k, cnt)
        den = np.maximum(st["total"] + st["types"], 1)
        self._back_off(k, cnt / den[self.c.history(k)], cnt > 0)


class AbsoluteDiscounting(Smoothing):
    r"""Absolute discounting, interpolated: subtract a fixed D from every seen count.

    .. math::  p_{abs}(w \mid h) = \frac{\max(c(hw) - D, 0)}{c(h)}
               + \frac{D\, N_{1+}(h \bullet)}{c(h)}\, p_{abs}(w \mid h'),
               \qquad D = \frac{n_1}{n_1 + 2 n_2} \text{ per order (Ney et al.)}
    """

    name = "absolute"

    def __init__(self, counts, vocab, heldout=None, discount: float | None = None) -> None:
        self.discount = None if discount is None else _check_discount(discount)
        super().__init__(counts, vocab, heldout)

    def discount_for(self, cnt: np.ndarray) -> float:
        if self.discount is not None:
            return self.discount
        n1, n2 = np.count_nonzero(cnt == 1), np.count_nonzero(cnt == 2)
        d = n1 / (n1 + 2 * n2) if n1 > 0 else 0.5
        return d if 0 < d < 1 else 0.5

    def _fit_order(self, k: int) -> None:
        cnt = self.counts_at(k)
        D = self.discount_for(cnt)
        st = self._history_stats(k, cnt)
        total = np.maximum(st["total"], 1e-300)
        alpha = np.maximum(cnt - D, 0) / total[self.c.history(k)]
        self._interpolate(k, alpha, D * st["types"] / total, st["total"])


class KneserNey(AbsoluteDiscounting):
    r"""Kneser-Ney, interpolated: absolute discounting whose lower orders count *contexts*
    instead of occurrences.  A lower-order n-gram's count is the number of distinct words
    seen before it, :math:`N_{1+}(\bullet\, w_{i-k+1}^{i})`, so that *Francisco*, frequent but
    only ever after *San*, gets a small unigram probability."""

    name = "kneser-ney"

    def counts_at(self, k: int) -> np.ndarray:
        return self.c.counts[k] if k == self.order else self.c.continuation(k, self.bos)


class ModifiedKneserNey(KneserNey):
    r"""Modified Kneser-Ney (Chen and Goodman): three discounts per order, for counts 1, 2
    and 3+, from the counts of counts of that order's (continuation) counts,

    .. math::  Y = \frac{n_1}{n_1 + 2 n_2}, \quad D_1 = 1 - 2Y\frac{n_2}{n_1}, \quad
               D_2 = 2 - 3Y\frac{n_3}{n_2}, \quad D_{3+} = 3 - 4Y\frac{n_4}{n_3},

    .. math::  p(w \mid h) = \frac{c(hw) - D(c(hw))}{c(h)} + \gamma(h)\, p(w \mid h'), \quad
               \gamma(h) = \frac{D_1 N_1(h\bullet) + D_2 N_2(h\bullet) + D_{3+} N_{3+}(h\bullet)}{c(h)},

    as KenLM's ``lmplz`` estimates it, the unigrams interpolated with the uniform distribution.
    ``discounts={k: (D1, D2, D3)}`` overrides them; where the counts of counts cannot give
    discounts in range (a tiny corpus), (0.5, 1.0, 1.5) are used.
    """

    name = "modified-kneser-ney"

    def __init__(self, counts, vocab, heldout=None, discounts: dict | None = None) -> None:
        self.fixed = {}
        for k, ds in (discounts or {}).items():
            if len(ds) != 3:
                raise ValueError(f"discounts[{k}] must be (D1, D2, D3+), got {ds!r}")
            self.fixed[k] = tuple(_check_discount(d, upper=r, name=f"D{r}")
                                  for r, d in zip((1, 2, 3), ds))
        self.discounts: dict[int, tuple[float, float, float]] = {}
        Smoothing.__init__(self, counts, vocab, heldout)

    def discounts_for(self, k: int, cnt: np.ndarray) -> tuple[float, float, float]:
        if k in self.fixed:
            return self.fixed[k]
        n = np.bincount(cnt[cnt > 0], minlength=5)[:5].astype(float)
        if np.all(n[1:5] > 0):
            Y = n[1] / (n[1] + 2 * n[2])
            ds = (1 - 2 * Y * n[2] / n[1], 2 - 3 * Y * n[3] / n[2], 3 - 4 * Y * n[4] / n[3])
            if all(0 < d <= r for d, r in zip(ds, (1, 2, 3))):
                return ds
        return (0.5, 1.0, 1.5)

    def _fit_order(self, k: int) -> None:
        cnt = self.counts_at(k)
        D1, D2, D3 = self.discounts[k] = self.discounts_for(k, cnt)
        disc = np.select([cnt == 0, cnt == 1, cnt == 2], [0.0, D1, D2], D3)
        st = self._history_stats(k, cnt)
        total = np.maximum(st["total"], 1e-300)
        alpha = np.maximum(cnt - disc, 0) / total[self.c.history(k)]
        gamma = (D1 * st["n1"] + D2 * st["n2"] + D3 * st["n3+"]) / total
        self._interpolate(k, alpha, gamma, st["total"])


class JelinekMercer(Smoothing):
    r"""Jelinek-Mercer: linear interpolation of maximum-likelihood estimates of every order,

    .. math::  p_{JM}(w \mid h) = \lambda_{b(h)}\, p_{ML}(w \mid h) + (1 - \lambda_{b(h)})\, p_{JM}(w \mid h'),

    with one λ per bucket b(h) of the history count c(h) (buckets double in width), fitted
    on held-out data by EM, order by order from the unigrams up.
    """

    name, needs_heldout = "jelinek-mercer", True

    def __init__(self, counts, vocab, heldout=None, buckets: int = 12, iterations: int = 30) -> None:
        if not isinstance(buckets, int) or buckets < 1:
            raise ValueError(f"buckets must be an int >= 1, got {buckets!r}")
        self.n_buckets, self.iterations = buckets, iterations
        self.lambdas: dict[int, np.ndarray] = {}
        super().__init__(counts, vocab, heldout)

    def bucket(self, total: np.ndarray) -> np.ndarray:
        return np.minimum(np.floor(np.log2(np.maximum(total, 1))).astype(int), self.n_buckets - 1)

    def _fit_order(self, k: int) -> None:
        cnt = self.counts_at(k)
        total = self._history_stats(k, cnt)["total"]
        hist, words, p_low, _ = self._heldout_lower(k)
        seen_h = hist >= 0
        seen_h[seen_h] = total[hist[seen_h]] > 0
        h = hist[seen_h]
        num = self.c.count(k, self.c.child(k, h, words[seen_h]))
        p_ml, p_low, b = num / total[h], p_low[seen_h], self.bucket(total[h])
        lam = np.full(self.n_buckets, 0.5)
        for _ in range(self.iterations):  # EM: posterior of the higher-order component
            mix = lam[b] * p_ml + (1 - lam[b]) * p_low
            post = np.where(mix > 0, lam[b] * p_ml / np.where(mix > 0, mix, 1), 0)
            n_b = np.bincount(b, minlength=self.n_buckets)
            lam = np.where(n_b > 0, np.bincount(b, weights=post, minlength=self.n_buckets)
                           / np.maximum(n_b, 1), lam)
        lam = np.clip(lam, 1e-6, 1 - 1e-6)
        self.lambdas[k] = lam
        lam_h = lam[self.bucket(total)]
        safe = np.maximum(total, 1)
        self._interpolate(k, lam_h[self.c.history(k)] * cnt / safe[self.c.history(k)],
                          1 - lam_h, total)


class Dirichlet(Smoothing):
    r"""Bayesian smoothing with a Dirichlet prior whose mean is the lower-order distribution:
    the posterior mean is

    .. math::  p_{Dir}(w \mid h) = \frac{c(hw) + \mu\, p_{Dir}(w \mid h')}{c(h) + \mu}.

    It *is* interpolation, with :math:`\lambda(h) = c(h)/(c(h) + \mu)`: Jelinek-Mercer with
    a λ that grows with the history count.  With a uniform prior mean it is add-δ with
    :math:`\delta = \mu/|V|`, and Witten-Bell is the same formula with
    :math:`\mu = N_{1+}(h\bullet)`.  μ (one per order) is given, or chosen on held-out data.
    """

    name = "dirichlet"

    def __init__(self, counts, vocab, heldout=None, mu: float | None = None) -> None:
        if mu is None:
            self.needs_heldout = True
        elif not (isinstance(mu, (int, float)) and mu > 0):
            raise ValueError(f"mu (the prior's strength) must be > 0, got {mu!r}")
        self.mu = mu
        self.mus: dict[int, float] = {}
        super().__init__(counts, vocab, heldout)

    def _set(self, k: int, mu: float) -> None:
        cnt = self.counts_at(k)
        total = self._history_stats(k, cnt)["total"]
        self._interpolate(k, cnt / (total + mu)[self.c.history(k)], mu / (total + mu), total)

    def _fit_order(self, k: int) -> None:
        if self.mu is not None:
            self.mus[k] = self.mu
        else:
            hist, words, p_low, act = self._heldout_lower(k)
            best = None
            for mu in np.logspace(-2, 4, 25):
                self._set(k, mu)
                ll = np.log(self._score_order(k, hist, words, p_low)).sum()
                if best is None or ll > best[0]:
                    best = (ll, mu)
            self.mus[k] = float(best[1])
        self._set(k, self.mus[k])


class ChurchGale(GoodTuring):
    r"""Church-Gale (bigrams): Good-Turing applied separately within buckets of bigrams
    whose unigram counts have a similar product :math:`c(w_{i-1})\, c(w_i)`, so that an unseen
    bigram of two frequent words gets more than one of two rare words.

    .. math::  p_{CG}(w_i \mid w_{i-1}) = \frac{r^*_{b}(c(w_{i-1} w_i))}{\sum_{w} r^*_{b}(c(w_{i-1} w))},
               \qquad b = \text{bucket of } c(w_{i-1})\, c(w_i),

    with :math:`r^*_b(0) = n_{1,b} / n_{0,b}` and simple Good-Turing for r >= 1.  Buckets
    are quantiles of the product over the seen bigrams, so each holds enough of them.
    The unigram level (a history never seen, or an empty context) is Good-Turing.
    """

    name = "church-gale"

    def __init__(self, counts, vocab, heldout=None, buckets: int = 20) -> None:
        if counts.order != 2:
            raise ValueError(f"Church-Gale is defined for bigrams (order=2), not order={counts.order}")
        if not isinstance(buckets, int) or buckets < 1:
            raise ValueError(f"buckets must be an int >= 1, got {buckets!r}")
        self.n_buckets = buckets
        super().__init__(counts, vocab, heldout)

    def _fit_order(self, k: int) -> None:
        if k == 1:
            super()._fit_order(1)
            return
        c, V = self.c, self.c.V
        uni = c.counts[1].astype(float)
        total = self._history_stats(2, c.counts[2])["total"]
        hist, word, cnt = c.history(2), c.word(2), c.counts[2]
        logprod = np.log(total[hist] * np.maximum(uni[word], 0.5))
        nb = max(1, min(self.n_buckets, len(cnt) // 50))
        self.edges = np.quantile(logprod, np.linspace(0, 1, nb + 1)[1:-1]) if nb > 1 else np.zeros(0)
        b_seen = np.searchsorted(self.edges, logprod, side="right")
        # how many outcome words fall in each bucket, for each distinct history count
        outcomes = np.ones(V, bool)
        outcomes[self.bos] = False
        logw = np.sort(np.log(np.maximum(uni[outcomes], 0.5)))
        t_values, t_index = np.unique(total, return_inverse=True)
        cuts = np.searchsorted(logw, self.edges[None, :] - np.log(np.maximum(t_values, 1))[:, None],
                               side="left")
        bounds = np.concatenate([np.zeros((len(t_values), 1), int), cuts,
                                 np.full((len(t_values), 1), len(logw))], axis=1)
        words_in = np.diff(bounds, axis=1).astype(float)  # (distinct totals) x buckets
        seen_in = np.zeros((len(total), nb))
        np.add.at(seen_in, (hist, b_seen), 1.0)
        live = total > 0
        unseen_in = np.where(live[:, None], words_in[t_index] - seen_in, 0.0)
        n0 = unseen_in.sum(axis=0)
        r_star = np.zeros(len(cnt))
        self.r0 = np.zeros(nb)
        for b in range(nb):
            m = b_seen == b
            if not m.any():
                continue
            r, n_r = count_of_counts(cnt[m])
            rs = np.minimum(simple_good_turing(r, n_r), r)
            r_star[m] = rs[np.searchsorted(r, cnt[m])]
            n1 = n_r[0] if r[0] == 1 else 0
            self.r0[b] = n1 / n0[b] if n0[b] > 0 and n1 > 0 else (0.5 / n0[b] if n0[b] > 0 else 0.0)
        z = np.bincount(hist, weights=r_star, minlength=len(total)) + unseen_in @ self.r0
        self.z, self.total, self.uni = z, total, uni
        self.P[2] = r_star / np.maximum(z, 1e-300)[hist]
        self.bow[2] = np.ones(len(total))

    def prob(self, ctx, words, kmax):
        p_uni = super().prob(ctx, words, np.minimum(kmax, 1))
        hist = np.where(kmax >= 2, ctx[2] if len(ctx) > 2 else -1, -1)
        ok = hist >= 0
        ok[ok] = self.total[hist[ok]] > 0
        h = np.maximum(hist, 0)
        node = self.c.child(2, np.where(ok, hist, -1), words)
        logprod = np.log(np.maximum(self.total[h], 1) * np.maximum(self.uni[words], 0.5))
        b = np.searchsorted(self.edges, logprod, side="right")
        p_unseen = self.r0[b] / np.maximum(self.z[h], 1e-300)
        p2 = np.where(node >= 0, self.P[2][np.maximum(node, 0)], p_unseen)
        p2 = np.where(words == self.bos, 0.0, p2)
        return np.where(ok, p2, p_uni)


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
    def fit(self, sentences: Iterable[Sequence[str]],
            heldout: Iterable[Sequence[str]] | None = None) -> "NgramLM":
        """Count every 1..order-gram of the padded training sentences, then fit the smoothing
        method (on ``heldout`` sentences, for the methods that tune parameters)."""
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
        if heldout is not None:
            heldout = _check_sentences(heldout, "held-out sentences")
        self.model = SMOOTHING[self.smoothing](self.counts, self.vocab, heldout, **self.params)
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
            sel = np.flatnonzero(pos >= max(k - 1, 1))  # k-grams inside one padded sentence
            node = self.counts.child(k, ctx[k][sel], tokens[sel])
            seen = self.counts.count(k, node) > 0
            out.append(1.0 - seen.mean() if len(seen) else float("nan"))
        return np.array(out)

    # -- ARPA
    def write_arpa(self, path) -> None:
        """Write the model in ARPA back-off format (log10 probabilities and back-off weights),
        readable by KenLM and SRILM.  Interpolated models are written in their exact back-off
        form (see ``Smoothing``).  The file is written to a temporary name, then renamed."""
        import os
        import tempfile

        self._require_fit()
        m = self.model
        if not isinstance(m, Smoothing) or not m.recursive:
            raise ValueError(f"smoothing {self.smoothing!r} backs off to the uniform distribution, "
                             f"not to the lower order, so it has no ARPA form; use a back-off or "
                             f"interpolated method (katz, kneser-ney, modified-kneser-ney, ...)")
        itos = np.array(self.vocab.itos, dtype=object)
        c = self.counts

        def log10(p):
            with np.errstate(divide="ignore"):
                return np.where(p > 0, np.log10(np.maximum(p, 1e-300)), -99.0)

        names = {1: itos}
        for k in range(2, self.order + 1):
            names[k] = names[k - 1][c.history(k)] + " " + itos[c.word(k)]
        path = os.fspath(path)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), suffix=".arpa.part")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write("\n\\data\\\n")
                for k in range(1, self.order + 1):
                    f.write(f"ngram {k}={c.num_nodes(k)}\n")
                for k in range(1, self.order + 1):
                    f.write(f"\n\\{k}-grams:\n")
                    lp = log10(m.P[k])
                    if k == 1:
                        lp[self.vocab.bos_id] = -99.0
                    if k < self.order:
                        bow = log10(m.bow[k + 1])
                        f.writelines(f"{a:.7f}\t{w}\t{b:.7f}\n" for a, w, b in zip(lp, names[k], bow))
                    else:
                        f.writelines(f"{a:.7f}\t{w}\n" for a, w in zip(lp, names[k]))
                f.write("\n\\end\\\n")
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

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


# --------------------------------------------------------------------------- experiments


def learning_curves(methods: Sequence[str], orders: Sequence[int], train: Sequence[Sequence[str]],
                    test: Sequence[Sequence[str]], sizes: Sequence[int],
                    heldout: Sequence[Sequence[str]] | None = None, vocab: Vocab | None = None,
                    progress: bool = True) -> dict[tuple[str, int], np.ndarray]:
    """Test cross-entropy (bits per token) of every method and order, trained on the first
    ``n`` sentences of ``train`` for each n in ``sizes``, as in Chen and Goodman's comparison.

    The vocabulary is fixed (the full training set's, unless given), so that every point
    predicts the same outcomes.  Methods that tune parameters use ``heldout``.  Church-Gale is
    skipped for orders other than 2.
    """
    from tqdm.auto import tqdm

    vocab = vocab or Vocab(train)
    jobs = [(m, n) for n in orders for m in methods if not (m == "church-gale" and n != 2)]
    out = {job: np.empty(len(sizes)) for job in jobs}
    bar = tqdm(total=len(jobs) * len(sizes), desc="fitting", disable=not progress)
    for i, size in enumerate(sizes):
        for method, n in jobs:
            lm = NgramLM(n, smoothing=method, vocab=vocab).fit(train[:size], heldout=heldout)
            out[method, n][i] = lm.cross_entropy(test)
            bar.update()
    bar.close()
    return out


def bits_by_count(model: NgramLM, test: Sequence[Sequence[str]], max_count: int = 5) -> dict[int, tuple[int, float]]:
    """Test tokens grouped by how often their full n-gram occurred in training
    (0, 1, ..., ``max_count`` or more): ``{count: (tokens, mean bits per token)}``."""
    model._require_fit()
    tokens, pos = pad_sentences(model.vocab, test)
    ctx = model.counts.contexts(tokens, pos)
    sel = np.flatnonzero(pos >= 1)
    k = np.minimum(pos[sel] + 1, model.order)
    count = np.zeros(len(sel), dtype=np.int64)
    for order in np.unique(k):
        m = k == order
        node = model.counts.child(order, ctx[order][sel][m], tokens[sel][m])
        count[m] = model.counts.count(order, node)
    bits = -model.model.logprob([c[sel] for c in ctx], tokens[sel], k) / math.log(2)
    count = np.minimum(count, max_count)
    return {int(c): (int((count == c).sum()), float(bits[count == c].mean())) for c in np.unique(count)}
