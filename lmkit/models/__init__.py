r"""Neural language models, each built from one config dataclass.

=================  ====================  ==========================================
model              config                hidden layer
=================  ====================  ==========================================
``AverageLM``      ``AverageConfig``     a weighted average of n-1 embeddings (``ffnn``)
``BengioLM``       ``BengioConfig``      Bengio et al.'s tanh layer, optional skip (``ffnn``)
``RNNLM``          ``RNNConfig``         an Elman RNN or an LSTM (``rnn``)
=================  ====================  ==========================================

``model = RNNLM(RNNConfig(len(vocab), 256, 256, output="importance", k=512),
counts=counts, vocab=vocab)``; ``logits, loss = model(x, y)``; ``model.perplexity(sentences)``;
``save(model, path)`` and ``load(path)``.  ``base`` has what they share (``NeuralLM``,
``LMOutput``, ``OutputConfig``): read its docstring for the forward and scoring rules.
Names load on first use (PEP 562).
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "LMOutput": "base", "NeuralLM": "base", "OutputConfig": "base",
    "AverageConfig": "ffnn", "AverageLM": "ffnn", "BengioConfig": "ffnn", "BengioLM": "ffnn",
    "RNNConfig": "rnn", "RNNLM": "rnn",
    "load": "serialize", "save": "serialize",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'lmkit.models' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
