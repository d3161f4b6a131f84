r"""Contextual word vectors: one vector per occurrence of a word, read from a BERT's layers.

A static embedding (word2vec, GloVe, BERT's own input table) gives a word one vector,
:math:`v(w)`, whatever the sentence.  A contextual encoder gives the occurrence of :math:`w`
at position t of sentence s the vector :math:`h^l_t(s)` of its layer l, a function of the whole
sentence.  ``word_vectors`` collects, for each sentence, the vector of one word at every layer
(the mean over its WordPiece pieces), and ``nearest_sense`` asks whether occurrences of the
same sense lie closer together than occurrences of different senses: each occurrence is given
the sense whose other occurrences' mean vector (centroid) is the most cosine-similar to it
(leave one out).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..runtime import evaluating, length_batches

__all__ = ["bert_pooled_layers", "nearest_sense", "pooled_layers", "sense_similarity",
           "word_vectors"]


def word_vectors(model, tokenizer, sentences: Sequence[str], word: str) -> np.ndarray:
    """The vectors of ``word`` in each of ``sentences`` at every layer of ``model`` (a
    ``BertEncoder``), shape (n_sentences, n_layers + 1, d): layer 0 is the embedding sum,
    layer l the l-th block's output; a word of several pieces gets their mean.  The word's
    first occurrence in each sentence is used; a sentence without it is an error."""
    import torch

    pieces = tokenizer.tokenize(word)
    if not pieces or "[UNK]" in pieces:
        raise ValueError(f"{word!r} has no WordPiece form in this vocabulary ({pieces})")
    ids, seg, mask = (torch.as_tensor(a) for a in tokenizer.batch(list(sentences)))
    target = [tokenizer.stoi[p] for p in pieces]
    starts = []
    for i, row in enumerate(ids.tolist()):
        hits = [j for j in range(len(row) - len(target) + 1) if row[j:j + len(target)] == target]
        if not hits:
            raise ValueError(f"sentence {i} ({sentences[i]!r}) does not contain {word!r}")
        starts.append(hits[0])
    with evaluating(model):
        layers = model.layers(ids, seg, mask)
    n = len(target)
    out = np.stack([np.stack([h[i, s:s + n].mean(0).numpy() for h in layers])
                    for i, s in enumerate(starts)])
    return out.astype(np.float64)


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def sense_similarity(vectors: np.ndarray, senses: Sequence) -> tuple[float, float]:
    """The mean cosine similarity of pairs of occurrences of the same sense, and of pairs of
    different senses (``vectors`` (n, d), one sense label per row)."""
    senses = np.asarray(senses)
    if vectors.ndim != 2 or len(vectors) != len(senses):
        raise ValueError(f"vectors must be (n, d) with one sense per row, got {vectors.shape} "
                         f"and {len(senses)} senses")
    u = _unit(vectors)
    cos = u @ u.T
    same = senses[:, None] == senses[None, :]
    off = ~np.eye(len(senses), dtype=bool)
    return float(cos[same & off].mean()), float(cos[~same].mean())


def nearest_sense(vectors: np.ndarray, senses: Sequence) -> float:
    """The share of occurrences whose nearest sense centroid (cosine; the occurrence itself
    left out of its own sense's centroid) is their own sense."""
    senses = np.asarray(senses)
    if vectors.ndim != 2 or len(vectors) != len(senses):
        raise ValueError(f"vectors must be (n, d) with one sense per row, got {vectors.shape} "
                         f"and {len(senses)} senses")
    labels = sorted(set(senses.tolist()))
    if len(labels) < 2 or min((senses == s).sum() for s in labels) < 2:
        raise ValueError("need at least two senses with at least two occurrences each")
    right = 0
    for i in range(len(vectors)):
        keep = np.arange(len(vectors)) != i
        cents = _unit(np.stack([vectors[keep & (senses == s)].mean(0) for s in labels]))
        right += labels[int(np.argmax(cents @ _unit(vectors[i])))] == senses[i]
    return right / len(vectors)


def _pool_sorted(model, n: int, lengths: Sequence[int], batch: int, width: int, encode):
    """The shared loop of the two poolers: rows read in order of ``lengths`` (so a batch holds
    little padding), ``encode(rows, device)`` gives that batch's layers (L+1, B, T, d) and
    its mask (B, T); each layer is averaged over the mask.  (n, L + 1, width) float32."""
    import torch

    if n == 0:
        raise ValueError("nothing to pool: pass at least one sentence")
    out = None
    device = next(model.parameters()).device
    with evaluating(model):
        for rows in length_batches(lengths, batch):
            h, mask = encode(rows, device)
            if out is None:
                out = np.empty((n, h.shape[0], width), dtype=np.float32)
            m = mask[None, :, :, None].float()
            out[rows] = ((h * m).sum(2) / m.sum(2)).transpose(0, 1).cpu().numpy()
    return out


def pooled_layers(model, vocab, sentences: Sequence[Sequence[str]], batch: int = 128,
                  max_len: int = 64) -> np.ndarray:
    """Every layer of a ``BiLM`` (ELMo) averaged over each sentence's words: (n_sentences,
    L + 1, 2 dim) float32.  ``sentences`` are lists of words (``vocab`` encodes them, unknown
    ones as ``<unk>``), cut to their first ``max_len`` words."""
    import torch

    from ..checks import check_int

    batch, max_len = check_int("batch", batch, 1), check_int("max_len", max_len, 1)
    if isinstance(sentences, str) or not all(isinstance(s, (list, tuple)) for s in sentences):
        raise TypeError("sentences must be lists of words (e.g. lmkit.text.word_tokenize(s))")
    if any(len(s) == 0 for s in sentences):
        raise ValueError("every sentence needs at least one word")
    enc = [vocab.encode(list(s)[:max_len]) for s in sentences]

    def encode(rows, device):
        T = max(len(enc[r]) for r in rows)
        ids = torch.zeros(len(rows), T, dtype=torch.long)
        mask = torch.zeros(len(rows), T, dtype=torch.bool)
        for i, r in enumerate(rows):
            ids[i, :len(enc[r])] = torch.as_tensor(enc[r])
            mask[i, :len(enc[r])] = True
        ids, mask = ids.to(device), mask.to(device)
        return model.layers(ids, mask), mask

    return _pool_sorted(model, len(enc), [len(e) for e in enc], batch,
                        2 * model.config.dim, encode)


def bert_pooled_layers(model, tokenizer, texts: Sequence[str], batch: int = 64,
                       max_len: int = 64) -> np.ndarray:
    """Every layer of a ``BertEncoder`` averaged over each text's WordPiece tokens ([CLS] and
    [SEP] included, padding left out): (n_texts, L + 1, d) float32.  Texts are cut to
    ``max_len`` pieces and read in order of length, so that a batch holds little padding."""
    import torch

    from ..checks import check_int

    batch, max_len = check_int("batch", batch, 1), check_int("max_len", max_len, 3)
    if isinstance(texts, str) or not all(isinstance(t, str) for t in texts):
        raise TypeError("texts must be a list of strings")

    def encode(rows, device):
        ids, seg, mask = (torch.as_tensor(a).to(device) for a in
                          tokenizer.batch([texts[r] for r in rows], max_len=max_len))
        return torch.stack(model.layers(ids, seg, mask)), mask

    return _pool_sorted(model, len(texts), [len(t) for t in texts], batch,
                        model.config.hidden_size, encode)
