r"""Counts of every k-gram of a padded corpus, k = 1..n, as a trie of sorted integer arrays.

The k-gram :math:`(h, w)` is the integer ``node(h) * |V| + w``, where ``node(h)`` is the index
of the history :math:`h` among the sorted (k-1)-grams (for k = 2, the id of the one-word
history).  Counting is ``np.unique`` per order, lookup is ``np.searchsorted``: no Python loop
ever runs over tokens.  The input is what ``lmkit.text.pad_sentences`` returns.
"""

from __future__ import annotations

import numpy as np

from ..checks import check_int

__all__ = ["MAX_ORDER", "NgramCounts"]

#: The highest order lmkit counts.  Every order costs a pass over the corpus and an array of
#: its distinct n-grams, and beyond a dozen words (a few dozen characters) almost every
#: n-gram is seen once, so a higher order only copies the training sentences.
MAX_ORDER = 64


def _take(values: np.ndarray, idx: np.ndarray, fill: float) -> np.ndarray:
    """``values[idx]`` where idx >= 0, else ``fill`` (also when ``values`` is empty)."""
    if len(values) == 0:
        return np.full(np.shape(idx), fill)
    return np.where(idx >= 0, values[np.clip(idx, 0, len(values) - 1)], fill)


class NgramCounts:
    r"""Counts of every k-gram, k = 1..order, of a padded corpus, as a trie of sorted arrays.

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
        followed it: :math:`\sum_w c(h w)`.
    context_types[j]:
        The number of distinct words that followed it, :math:`N_{1+}(h\,\bullet)`.

    ``NgramLM`` keeps its counts private and answers questions about them with named methods
    (``count``, ``history_count``, ``counts_of_order``, ...): read those, not these arrays.
    """

    def __init__(self, tokens: np.ndarray, pos: np.ndarray, order: int, vocab_size: int) -> None:
        order = check_int("order", order, 1, MAX_ORDER)
        V = check_int("vocab_size", vocab_size, 1)
        tokens, pos = np.asarray(tokens), np.asarray(pos)
        if tokens.ndim != 1 or tokens.shape != pos.shape:
            raise ValueError(f"tokens and pos must be 1-D arrays of one length, got shapes "
                             f"{tokens.shape} and {pos.shape}: pass what lmkit.text.pad_sentences returns")
        integers = np.issubdtype(tokens.dtype, np.integer) and np.issubdtype(pos.dtype, np.integer)
        if len(tokens) and not (integers and 0 <= tokens.min() and tokens.max() < V and pos[0] == 0
                                and np.all((np.diff(pos) == 1) | (pos[1:] == 0))):
            raise ValueError(f"tokens must be integer ids in [0, {V}) and pos each token's position "
                             f"in its sentence (0, 1, 2, ..., then 0 again): pass what "
                             f"lmkit.text.pad_sentences returns")
        tokens, pos = tokens.astype(np.int64, copy=False), pos.astype(np.int64, copy=False)
        self.order, self.V = order, V
        self._suffix: dict[int, np.ndarray] = {}
        self._first: dict[int, np.ndarray] = {}
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

    def node(self, ids: np.ndarray) -> int:
        """Node of the k-gram with these word ids (k = len(ids) >= 1); -1 if never seen."""
        node = 0
        for k, w in enumerate(ids, start=1):
            node = int(self.child(k, np.int64(node), np.int64(w)))
            if node < 0:
                return -1
        return node

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
        # iteratively from the highest order cached (no recursion: orders go up to MAX_ORDER)
        j = max((i for i in self._suffix if i <= k), default=1)
        for i in range(j + 1, k + 1):
            if i == 2:
                self._suffix[i] = self.word(2)
            else:
                hist_suffix = self._suffix[i - 1][self.history(i)]
                self._suffix[i] = self.child(i - 1, hist_suffix, self.word(i))
        return self._suffix[k]

    def first(self, k: int) -> np.ndarray:
        """For every k-gram node, its first word (cached, built order by order)."""
        if k == 1:
            return np.arange(self.V)
        j = max((i for i in self._first if i <= k), default=1)
        for i in range(j + 1, k + 1):
            below = self._first[i - 1] if i > 2 else np.arange(self.V)
            self._first[i] = below[self.history(i)]
        return self._first[k]

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
