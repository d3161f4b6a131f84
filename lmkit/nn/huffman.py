"""Huffman codes over word counts: the tree of the hierarchical softmax (numpy only)."""

from __future__ import annotations

import heapq

import numpy as np

__all__ = ["huffman_codes"]


def huffman_codes(counts: np.ndarray) -> tuple[list[list[int]], list[list[int]]]:
    r"""Huffman tree over word counts: for each word, the internal nodes on its path from
    the root (numbered 0 .. |V|-2) and the branch taken at each (0 or 1).

    Frequent words get short codes: the expected code length :math:`\sum_w p(w)\, |code(w)|`
    lies within one bit of the entropy :math:`H(p)` (Huffman's bound).  A single word needs no
    bit: its path is empty, and its probability is 1.
    """
    try:
        counts = np.asarray(counts, dtype=float)
    except (TypeError, ValueError):
        raise TypeError("counts must be numbers, one count per word") from None
    if counts.ndim != 1 or len(counts) == 0:
        raise ValueError(f"counts must be a non-empty 1-d array (one count per word), "
                         f"got shape {counts.shape}")
    if not np.all(np.isfinite(counts)) or np.any(counts < 0):
        raise ValueError("counts must be finite and >= 0 (one count per word)")
    n = len(counts)
    if n == 1:
        return [[]], [[]]
    heap = [(c, i) for i, c in enumerate(counts)]
    heapq.heapify(heap)
    parent, branch = {}, {}
    nxt = n
    while len(heap) > 1:
        c1, a = heapq.heappop(heap)
        c2, b = heapq.heappop(heap)
        parent[a], branch[a] = nxt, 0
        parent[b], branch[b] = nxt, 1
        heapq.heappush(heap, (c1 + c2, nxt))
        nxt += 1
    root = nxt - 1
    paths, codes = [], []
    for w in range(n):
        p, c, node = [], [], w
        while node != root:
            p.append(parent[node] - n)  # internal nodes numbered 0 .. n-2
            c.append(branch[node])
            node = parent[node]
        paths.append(p[::-1])
        codes.append(c[::-1])
    return paths, codes
