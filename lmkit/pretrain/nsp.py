r"""BERT's next-sentence prediction pairs (Devlin et al. 2019, section 3.1).

For a sentence A of a document, B is the sentence that follows it with probability 1/2
(label 1, *IsNext*) and otherwise a sentence drawn from another document (label 0,
*NotNext*), so that the classifier over ``[CLS]`` cannot win by guessing.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..checks import check_int, check_real

__all__ = ["nsp_pairs"]


def nsp_pairs(documents: Sequence[Sequence[str]], seed: int = 0, p_next: float = 0.5
              ) -> list[tuple[str, str, int]]:
    """``(a, b, is_next)`` for every sentence ``a`` that has a successor in its document:
    ``b`` the successor (``is_next`` 1) with probability ``p_next``, else a random sentence of
    a random other document (0).  Seeded."""
    seed = check_int("seed", seed, 0)
    p_next = check_real("p_next", p_next, 0, 1)
    docs = [list(d) for d in documents]
    if sum(1 for d in docs if d) < 2:
        raise ValueError("need at least two non-empty documents: a NotNext sentence comes from "
                         "another document")
    if not all(isinstance(s, str) for d in docs for s in d):
        raise TypeError("documents must be lists of sentences (str)")
    rng = np.random.default_rng(seed)
    nonempty = [i for i, d in enumerate(docs) if d]
    pairs = []
    for i, doc in enumerate(docs):
        for j in range(len(doc) - 1):
            if rng.random() < p_next:
                pairs.append((doc[j], doc[j + 1], 1))
            else:
                other = i
                while other == i:
                    other = nonempty[rng.integers(len(nonempty))]
                pairs.append((doc[j], docs[other][rng.integers(len(docs[other]))], 0))
    return pairs
