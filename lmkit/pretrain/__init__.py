"""Pre-training objectives: BERT's masked language model and next-sentence prediction.

- ``mask_tokens`` (``masking``): the MLM corruption, 15% of the positions selected, of which
  80% become ``[MASK]``, 10% a random token and 10% stay, with the labels to predict;
- ``nsp_pairs`` (``nsp``): sentence pairs, half of them consecutive, half not.

Names load on first use (PEP 562).
"""

from __future__ import annotations

from ..lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    "IGNORE": "masking", "mask_tokens": "masking", "nsp_pairs": "nsp",
})
