"""lmkit: the code of the book *Language Models, from Counts to ALBERT*.

One module per topic, each readable top to bottom:

- ``lmkit.data``: the corpus registry (names, URLs, sha256) and loaders;
- ``lmkit.text``: tokenisation and ``Vocab``;
- ``lmkit.ngram``: n-gram counts, ``NgramLM`` and its smoothing methods;
- ``lmkit.adapt``: cache, mixture and maximum-entropy models;
- ``lmkit.embeddings``: word vectors, from one-hot to learned;
- ``lmkit.nnlm``: neural LMs (averaging, feed-forward, RNN, LSTM) and their output layers
  (full, class-based and hierarchical softmax, importance sampling, NCE);
- ``lmkit.train``: the training loop, batches and a live plot;
- ``lmkit.plot``: the book's figures;
- ``lmkit.runtime``: device choice (cuda, mps, cpu), seeding, ``LMKIT_PROFILE``.
"""

from . import adapt, data, embeddings, ngram, nnlm, plot, runtime, text, train
from .ngram import NgramLM, UniformLM
from .runtime import get_device, set_seed
from .text import Vocab

__version__ = "0.1.0"
__all__ = ["NgramLM", "UniformLM", "Vocab", "adapt", "data", "embeddings", "get_device", "ngram", "nnlm", "plot",
           "runtime", "set_seed", "text", "train"]
