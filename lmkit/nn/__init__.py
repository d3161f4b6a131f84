r"""Neural building blocks, shared by the models of ``lmkit.models``.

- output layers (``output``, ``sampled``): ``FullSoftmax``, ``ClassSoftmax``,
  ``HierarchicalSoftmax``, ``ImportanceSampling``, ``NCE``, all with ``loss`` (training),
  ``log_prob`` and ``log_probs`` (exact evaluation); ``output_layer(dim, size, counts, output=...)`` builds
  one by name (``OUTPUT_KINDS``), from the options of the model configs;
- ``huffman_codes`` (``huffman``, numpy only): the tree of the hierarchical softmax.

Later chapters add attention and transformer blocks here.  The torch parts load on first
use, so ``import lmkit.nn`` alone does not import torch.
"""

from __future__ import annotations

import importlib
from typing import Any

from .huffman import huffman_codes

# names whose module needs torch, loaded on first access (PEP 562)
_LAZY = {
    "OUTPUT_KINDS": "output", "OutputLayer": "output", "FullSoftmax": "output",
    "ClassSoftmax": "output", "HierarchicalSoftmax": "output", "output_layer": "output",
    "SampledSoftmax": "sampled", "ImportanceSampling": "sampled", "NCE": "sampled",
}

__all__ = sorted(["huffman_codes", *_LAZY])


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'lmkit.nn' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
