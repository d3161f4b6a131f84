"""lmkit: the code of the book *Language Models, from Counts to ALBERT*.

Organised by concern, not by chapter (``ARCHITECTURE.md`` has the map):

- ``lmkit.text``: tokenisers, ``Vocab`` and the one way sentences become id streams;
- ``lmkit.data``: the corpus registry (names, URLs, sha256), fetching and loaders;
- ``lmkit.ngram``: n-gram counts, smoothing methods, ``NgramLM``, ARPA files;
- ``lmkit.adapt``: cache, mixture and maximum-entropy models;
- ``lmkit.nn``: neural building blocks (output layers: full, class, hierarchical, sampled);
- ``lmkit.models``: neural language models, each built from one config dataclass;
- ``lmkit.train``: the one training loop, its schedules, batches and live plot;
- ``lmkit.pretrain``: pre-training objectives (BERT's masked LM, next-sentence pairs);
- ``lmkit.lm`` and ``lmkit.metrics``: the scoring protocol every model answers, and
  perplexity, defined once;
- ``lmkit.reference``: the published numbers the book sets beside its own;
- ``lmkit.embeddings``, ``lmkit.plot``, ``lmkit.runtime``: word vectors, figures, device and
  profile.

Submodules load on first use (PEP 562), so ``import lmkit`` is cheap: torch is imported only
when a neural module is.
"""

from __future__ import annotations

from .lazy import attach

__version__ = "0.1.0"

__getattr__, __dir__, __all__ = attach(
    __name__,
    # public names re-exported at the top level, and the submodule each comes from
    {"NgramLM": "ngram", "UniformLM": "ngram", "Vocab": "text", "LanguageModel": "lm",
     "perplexity": "metrics", "cross_entropy": "metrics", "get_device": "runtime",
     "set_seed": "runtime"},
    submodules=["adapt", "checks", "data", "embeddings", "interpolate", "lm", "metrics",
                "models", "ngram", "nn", "plot", "pretrain", "reference", "runtime", "text",
                "train"])
