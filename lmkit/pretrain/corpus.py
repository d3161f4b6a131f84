r"""The pre-training data of chapter 8's small models, their batches, and a common metric.

``wikitext2_pretrain(vocab_size)``: WikiText-2, lower-cased words, the commonest
``vocab_size`` kept (``lmkit.data.wikitext2_lm``'s choice; WikiText's own ``<unk>`` is
``[UNK]``), with BERT's specials first
(``[PAD]`` ``[UNK]`` ``[CLS]`` ``[SEP]`` ``[MASK]``) and a ``[SEP]`` after every line: one id
stream per split.  ELMo, the small GPT and the small BERT all read these words, so they
differ only in how they are trained.

Batches (dicts for ``lmkit.train.train``), from random windows of ``block`` ids:

- ``lm_batches``: ``{"ids": w[:-1], "targets": w[1:]}``, the next id at every position;
- ``mlm_batches``: ``{"ids": corrupted w, "targets": labels}`` by ``mask_tokens`` (15%; 80/10/10).

``last_word_loss``: the cross-entropy of the last id of each window given the ids before it,
which a one-way LM predicts from the left context, and a masked LM from the same left
context with the last id replaced by ``[MASK]``: the same information for both, so the two
objectives compare on one number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np
import torch

from ..checks import check_int
from ..runtime import evaluating
from .masking import IGNORE, mask_tokens

__all__ = ["BERT_SPECIALS", "PretrainCorpus", "last_word_loss", "lm_batches", "mlm_batches",
           "wikitext2_pretrain"]

#: BERT's special tokens, in the ids they take in a ``PretrainCorpus`` vocabulary (0-4)
BERT_SPECIALS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")


@dataclass(frozen=True)
class PretrainCorpus:
    """``vocab`` (an ``lmkit.text.Vocab`` with ``BERT_SPECIALS`` first), ``ids`` (split -> id
    stream, ``[SEP]`` after each line) and the special ids."""

    vocab: object
    ids: dict

    @property
    def pad_id(self) -> int:
        return self.vocab.stoi["[PAD]"]

    @property
    def mask_id(self) -> int:
        return self.vocab.stoi["[MASK]"]

    @property
    def specials(self) -> list[int]:
        return [self.vocab.stoi[t] for t in BERT_SPECIALS]

    def encode(self, sentences, max_len: int, cls: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """Lists of words as ``[CLS] w_1 .. w_n [SEP]`` rows padded with ``[PAD]`` to the
        longest (at most ``max_len`` ids, the words cut to fit): ``(ids, mask)`` arrays, mask
        True on real ids.  ``cls=False`` leaves out ``[CLS]`` (a one-way model reads the
        sentence and ends on ``[SEP]``)."""
        max_len = check_int("max_len", max_len, 3)
        v = self.vocab
        head = [v.stoi["[CLS]"]] if cls else []
        rows = [head + v.encode(list(s)[:max_len - len(head) - 1]).tolist() + [v.stoi["[SEP]"]]
                for s in sentences]
        T = max(map(len, rows))
        ids = np.full((len(rows), T), self.pad_id, dtype=np.int64)
        for i, r in enumerate(rows):
            ids[i, :len(r)] = r
        return ids, ids != self.pad_id


    def arrays(self, sentences, labels, max_len: int, cls: bool = True) -> dict:
        """``{"ids", "mask", "targets"}`` for a classification task: ``encode(sentences,
        max_len, cls)`` and the labels, one per sentence."""
        labels = np.asarray(labels)
        if len(labels) != len(sentences):
            raise ValueError(f"{len(sentences)} sentences but {len(labels)} labels")
        ids, mask = self.encode(sentences, max_len, cls)
        return {"ids": ids, "mask": mask, "targets": labels}


def wikitext2_pretrain(vocab_size: int = 8000) -> PretrainCorpus:
    """WikiText-2 as ``PretrainCorpus`` (see the module's docstring)."""
    from ..data.corpora import load_wikitext2
    from ..text import Vocab

    vocab_size = check_int("vocab_size", vocab_size, len(BERT_SPECIALS) + 1)
    lines = {k: [["[UNK]" if t == "<unk>" else t.lower() for t in s] for s in v]
             for k, v in load_wikitext2(keep_blank=False).items()}
    vocab = Vocab(lines["train"], max_size=vocab_size, specials=BERT_SPECIALS, unk="[UNK]")
    ids = {}
    for split, sents in lines.items():
        flat = vocab.encode([t for s in sents for t in s + ["[SEP]"]])
        ids[split] = flat.astype(np.int64)
    return PretrainCorpus(vocab, ids)


def _windows(ids: np.ndarray, block: int, batch: int, seed: int, device
             ) -> Iterator[torch.Tensor]:
    from ..train.batches import random_windows

    for x, y in random_windows(ids, block, batch, seed=seed, device=device):
        yield torch.cat([x, y[:, -1:]], 1)                    # the window of block + 1 ids


def lm_batches(ids: np.ndarray, block: int, batch: int, seed: int = 0, device=None
               ) -> Iterator[dict]:
    """Endless ``{"ids", "targets"}`` batches for a one-way LM: ``batch`` random windows of
    ``block`` ids and the next id at each position."""
    for w in _windows(ids, block, batch, seed, device):
        yield {"ids": w[:, :-1], "targets": w[:, 1:]}


def mlm_batches(corpus: PretrainCorpus, ids: np.ndarray, block: int, batch: int,
                seed: int = 0, rate: float = 0.15, device=None) -> Iterator[dict]:
    """Endless ``{"ids", "targets"}`` batches for a masked LM: the same random windows as
    ``lm_batches`` (same seed, same windows: the first ``block`` ids of each), corrupted by
    ``mask_tokens`` (``rate`` selected; 80% ``[MASK]``, 10% random, 10% kept), the labels
    ``IGNORE`` except at the selected positions."""
    gen = torch.Generator().manual_seed(check_int("seed", seed, 0))
    for w in _windows(ids, block, batch, seed, device):
        x = w[:, :-1]
        inputs, labels = mask_tokens(x, mask_id=corpus.mask_id, vocab_size=len(corpus.vocab),
                                     specials=corpus.specials, rate=rate, generator=gen)
        if bool((labels != IGNORE).any()):
            yield {"ids": inputs, "targets": labels}


def last_word_loss(model: torch.nn.Module, windows: torch.Tensor, mask_id: int | None = None,
                   batch: int = 256) -> float:
    """Mean cross-entropy (nats) of the last id of each window (N, T) given the T - 1 before
    it.  ``mask_id=None``: ``model`` is a one-way LM (``BertCausalLM``) reading the first T - 1
    ids; otherwise a masked LM (``BertForPreTraining``) reading the window with its last id
    replaced by ``mask_id``."""
    from torch.nn import functional as F

    if not isinstance(windows, torch.Tensor) or windows.dim() != 2 or windows.shape[1] < 2:
        raise ValueError("windows must be an id tensor (N, T) with T >= 2")
    total = 0.0
    with evaluating(model):
        for s in range(0, len(windows), batch):
            w = windows[s:s + batch]
            if mask_id is None:
                logits = model(w[:, :-1])[0][:, -1]
            else:
                x = w.clone()
                x[:, -1] = mask_id
                logits = model(x)[0][:, -1]
            total += F.cross_entropy(logits.float(), w[:, -1], reduction="sum").item()
    return total / len(windows)
