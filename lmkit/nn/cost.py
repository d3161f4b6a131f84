"""What an output layer costs: the multiply-adds per token, layer by layer (chapter 4)."""

from __future__ import annotations

import math

from ..checks import check_int
from .output import OUTPUT_KINDS

__all__ = ["theoretical_speedup"]


def theoretical_speedup(output: str, size: int, k: int | None = None) -> float:
    r"""The multiply-adds per token of the full softmax over those of layer ``output``
    (``size`` outputs, ``k`` = S samples for the sampled layers): 1 for ``"full"``,
    :math:`\sqrt{|V|}/2` for ``"class"`` (about √|V| classes of about √|V| words),
    :math:`|V| / \log_2 |V|` for ``"hierarchical"``, :math:`|V| / S` for ``"importance"`` and
    ``"nce"``.  Counts only the output layer's products, none of its memory traffic."""
    if output not in OUTPUT_KINDS:
        raise ValueError(f"unknown output layer {output!r}; choose one of {OUTPUT_KINDS}")
    size = check_int("size (the vocabulary)", size, 2)
    sampled = output in ("importance", "nce")
    if sampled:
        k = check_int("the number of samples k", k, 1)
    elif k is not None:
        raise ValueError(f"k is for the sampled layers, not {output!r} (leave k=None)")
    return {"full": 1.0, "class": math.sqrt(size) / 2,
            "hierarchical": size / math.log2(size)}.get(output, size / (k or 1))
