r"""Neural building blocks, shared by the models of ``lmkit.models``.

- output layers (``output``, ``sampled``): ``FullSoftmax``, ``ClassSoftmax``,
  ``HierarchicalSoftmax``, ``ImportanceSampling``, ``NCE``, all with ``loss`` (training),
  ``log_prob`` and ``log_probs`` (exact evaluation); ``output_layer(dim, size, counts, output=...)`` builds
  one by name (``OUTPUT_KINDS``), from the options of the model configs;
  ``theoretical_speedup`` (each layer's saving in multiply-adds) and ``importance_estimates``
  (the importance-sampling estimates of ln Z and of an expectation under p, from S draws of a
  proposal Q, on fixed scores);
- ``huffman_codes`` (``huffman``, numpy only): the tree of the hierarchical softmax;
- attention and Transformer blocks (``attention``, ``positional``, ``blocks``; chapter 7's base,
  extended by the later chapters): ``scaled_dot_product`` (and the function
  ``lmkit.nn.attention.attention``, own path or torch's SDPA; ``lmkit.nn.attention`` is the
  module), ``causal_mask``, ``padding_mask``, ``KVCache``, ``MultiHeadAttention``, the positional
  encodings (``SinusoidalPositions``, ``LearnedPositions``, ``RecurrentPositions``),
  ``FeedForward``, ``Block``, ``Encoder`` and ``Decoder``;
- ``ScalarMix`` (``mix``): ELMo's softmax-normalised, scaled mix of a model's layers.

The torch parts load on first use, so ``import lmkit.nn`` alone does not import torch.
"""

from __future__ import annotations

from ..lazy import attach
from .huffman import huffman_codes

# names whose module needs torch, loaded on first access (PEP 562)
__getattr__, __dir__, __all__ = attach(__name__, {
    "OUTPUT_KINDS": "output", "OutputLayer": "output", "FullSoftmax": "output",
    "ClassSoftmax": "output", "HierarchicalSoftmax": "output", "output_layer": "output",
    "theoretical_speedup": "cost",
    "SampledSoftmax": "sampled", "ImportanceSampling": "sampled", "NCE": "sampled",
    "importance_estimates": "sampled",
    "NEG_INF": "attention", "scaled_dot_product": "attention",
    "causal_mask": "attention", "padding_mask": "attention", "KVCache": "attention",
    "MultiHeadAttention": "attention",
    "sinusoidal_positions": "positional", "relative_offset_matrix": "positional",
    "SinusoidalPositions": "positional", "LearnedPositions": "positional",
    "RecurrentPositions": "positional",
    "FeedForward": "blocks", "Block": "blocks", "Encoder": "blocks", "Decoder": "blocks",
    "ScalarMix": "mix",
}, eager=["huffman_codes"])
