"""Text to ids: tokenisers, ``Vocab``, and the one way sentences become id arrays; BERT's
``WordPiece`` (``wordpiece``)."""

from .encode import check_sentences, first_words, lm_ids, pad_sentences, stream
from .tokenize import char_tokenize, split_sentences, word_tokenize
from .vocab import BOS, EOS, UNK, Vocab, replace_rare
from .wordpiece import WordPiece, basic_tokenize

__all__ = ["BOS", "EOS", "UNK", "Vocab", "WordPiece", "basic_tokenize", "char_tokenize",
           "check_sentences", "first_words", "lm_ids", "pad_sentences", "replace_rare",
           "split_sentences", "stream", "word_tokenize"]
