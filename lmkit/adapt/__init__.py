r"""Adapting a language model to the text at hand: cache, mixture and maximum-entropy models.

An n-gram model trained on one domain is brittle on another (``load_domains`` sets up
chapter 3's five domains; ``domain_words`` finds the words one domain uses far more than
general text), and it assumes that a word depends on the last n-1 words only: a
topic word seen a paragraph ago is forgotten.  The models here repair that on top of any
``lmkit.lm.LanguageModel`` (n-gram, neural, maximum-entropy, another mixture):

- ``CacheLM`` (``cache``) mixes in the relative frequency of words in the last K tokens,
  :math:`p(w_i \mid h) = (1-\lambda)\, p_{base}(w_i \mid h) + \lambda\, p_{cache}(w_i)`, optionally
  with weights :math:`e^{-\rho d}` that decay with the distance d, and optionally with a *semantic*
  cache (``RelatedWords``) that also raises words related to those in the cache;
- ``MixtureLM`` (``mixture``) interpolates topic models, :math:`p(w \mid h) = \sum_m \lambda_m
  p_m(w \mid h)`, with weights fitted by EM (``em_weights``, from ``lmkit.interpolate``); the
  topics come from ``split_articles``, ``tfidf`` and ``kmeans`` (``topics``);
- ``SkipBigram`` (``skipgram``) is the distance-d bigram :math:`p(w_i \mid w_{i-d})`;
- ``MaxEntLM`` (``maxent``, needs torch) is a log-linear model, with weights :math:`\theta_j`,
  over n-gram, distance-2 and trigger features (``select_triggers``, ``maxent_features``).

Every model is a proper distribution over the vocabulary and answers the scoring protocol
``token_logprobs(sentences)``; the text is one stream of predicted tokens (each sentence's
words and its ``</s>``, ``lmkit.text.stream``), in order.  At the id level, ``SkipBigram`` and
``MaxEntLM`` follow the neural models: ``stream_logprobs(ids)`` scores ``ids[1:]`` of an
``lmkit.text.lm_ids`` stream, whose leading ``</s>`` starts the text.  Mixtures are scored
once, by ``lmkit.interpolate.mix_logprobs``.

The max-ent names load on first use, so ``import lmkit.adapt`` does not import torch.
"""

from __future__ import annotations

from ..interpolate import em_weights
from ..lazy import attach
from .cache import CacheLM, RelatedWords
from .domains import domain_words, load_domains
from .mixture import MixtureLM
from .skipgram import SkipBigram
from .topics import kmeans, split_articles, tfidf

# names whose module needs torch, loaded on first access (PEP 562)
__getattr__, __dir__, __all__ = attach(
    __name__, {"MaxEntConfig": "maxent", "MaxEntLM": "maxent", "maxent_features": "maxent",
               "select_triggers": "maxent"},
    eager=["CacheLM", "MixtureLM", "RelatedWords", "SkipBigram", "domain_words", "em_weights",
           "kmeans", "load_domains", "split_articles", "tfidf"])
