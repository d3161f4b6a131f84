"""A tiny corpus and a language model that is not an n-gram model, shared by the tests of
caches and mixtures (which must wrap any model)."""

import numpy as np

from lmkit.lm import LanguageModel
from lmkit.text import stream

TRAIN = [s.split() for s in ["the cat sat on the mat", "the dog sat on the cat",
                             "a cat and a dog", "the mat is red"]] * 3
HELD = [s.split() for s in ["the dog sat on the mat", "a red cat"]]


class BagLM(LanguageModel):
    """Not an n-gram model: an add-one unigram of the running text, whatever the history."""

    def __init__(self, vocab, sentences):
        self.vocab = vocab
        c = np.bincount(stream(vocab, sentences), minlength=len(vocab)) + 1.0
        c[vocab.bos_id] = 0.0
        self.p = c / c.sum()

    def token_logprobs(self, sentences):
        return np.log(self.p[stream(self.vocab, sentences)])

    def distribution(self, context=()):
        return self.p.copy()

    def logprob(self, word, context=()):
        return float(np.log(self.p[self.vocab[word]]))
