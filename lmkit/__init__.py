"""lmkit: the code of the book *Language Models, from Counts to ALBERT*.

Organised by concern, not by chapter (``ARCHITECTURE.md`` has the map):

- ``lmkit.text``: tokenisers, ``Vocab`` and the one way sentences become id streams;
- ``lmkit.data``: the corpus registry (names, URLs, sha256), fetching and loaders;
- ``lmkit.ngram``: n-gram counts, smoothing methods, ``NgramLM``, ARPA files;
- ``lmkit.adapt``: cache, mixture and maximum-entropy models;
- ``lmkit.nn``: neural building blocks (output layers: full, class, hierarchical, sampled);
- ``lmkit.models``: neural language models, each built from one config dataclass;
- ``lmkit.train``: the one training loop, its schedules, batches and live plot;
- ``lmkit.lm`` and ``lmkit.metrics``: the scoring protocol every model answers, and
  perplexity, defined once;
- ``lmkit.reference``: the published numbers the book sets beside its own;
- ``lmkit.embeddings``, ``lmkit.plot``, ``lmkit.runtime``: word vectors, figures, device and
  profile.

Submodules load on first use (PEP 562), so ``import lmkit`` is cheap: torch is imported only
when a neural module is.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_SUBMODULES = ("adapt", "data", "embeddings", "lm", "metrics", "models", "ngram", "nn", "plot",
               "reference", "runtime", "text", "train")
# public names re-exported at the top level, and the submodule each comes from
_NAMES = {
    "NgramLM": "ngram", "UniformLM": "ngram", "Vocab": "text", "LanguageModel": "lm",
    "perplexity": "metrics", "cross_entropy": "metrics",
    "get_device": "runtime", "set_seed": "runtime",
}
__all__ = sorted(_SUBMODULES + tuple(_NAMES))


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _NAMES:
        return getattr(importlib.import_module(f".{_NAMES[name]}", __name__), name)
    raise AttributeError(f"module 'lmkit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
