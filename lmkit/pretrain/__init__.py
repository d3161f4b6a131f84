"""Pre-training objectives: BERT's masked language model and next-sentence prediction.

- ``mask_tokens`` (``masking``): the MLM corruption, 15% of the positions selected, of which
  80% become ``[MASK]``, 10% a random token and 10% stay, with the labels to predict;
- ``nsp_pairs`` (``nsp``): sentence pairs, half of them consecutive, half not;
- ``corpus``: WikiText-2 with BERT's specials (``wikitext2_pretrain``), the LM and MLM batches
  of the same windows, and ``last_word_loss``, a metric both objectives share;
- ``recipes``: the chapter's small pre-trained models by name (``GPT_SMALL.fit()``), cached.

Names load on first use (PEP 562).
"""

from __future__ import annotations

from ..lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    "IGNORE": "masking", "mask_tokens": "masking", "masking_rates": "masking",
    "nsp_pairs": "nsp",
    "BERT_SPECIALS": "corpus", "PretrainCorpus": "corpus", "wikitext2_pretrain": "corpus",
    "lm_batches": "corpus", "mlm_batches": "corpus", "last_word_loss": "corpus",
    "PretrainRecipe": "recipes", "RECIPES": "recipes", "ELMO_SMALL": "recipes",
    "GPT_SMALL": "recipes", "BERT_SMALL": "recipes", "ELMO_FULL": "recipes",
    "GPT_FULL": "recipes", "BERT_FULL": "recipes",
})
