"""Text to ids: tokenisers, ``Vocab``, and the one way sentences become id arrays."""

from .encode import check_sentences, first_words, lm_ids, pad_sentences, stream
from .tokenize import char_tokenize, split_sentences, word_tokenize
from .vocab import BOS, EOS, UNK, Vocab, replace_rare

__all__ = ["BOS", "EOS", "UNK", "Vocab", "char_tokenize", "check_sentences", "first_words",
           "lm_ids", "pad_sentences", "replace_rare", "split_sentences", "stream",
           "word_tokenize"]
