r"""The encoder-decoder Transformer (Vaswani et al. 2017) and a toy task to train it on.

The encoder reads the source :math:`x_1 \dots x_S` with bidirectional self-attention; the
decoder predicts the target one token at a time, :math:`p(y_t \mid y_{<t}, x)`, with causal
self-attention over :math:`y_{<t}` and cross-attention to the encoder's output (the keys and
values come from the source, the queries from the target).  Embeddings are scaled by
:math:`\sqrt{d_{model}}` and added to the sinusoidal positions (§3.4, §3.5 of the paper).

Training is teacher forcing: ``model(src, tgt_in, targets)`` with ``tgt_in`` = BOS + y and
``targets`` = y + EOS, one loss over every target position at once, so ``lmkit.train.train``
trains it on dict batches ``{"src", "tgt_in", "targets"}`` (``lmkit.train.shuffled_batches``).
Decoding is auto-regressive: ``greedy_decode`` takes the most probable token at each step,
``beam_search`` keeps the ``beam`` best prefixes (beam = 1 is greedy decoding).

``toy_pairs`` makes the chapter's toy tasks (reverse or sort a sequence of symbols), with the
ids ``PAD`` = 0, ``BOS`` = 1, ``EOS`` = 2 and the symbols 3 ... vocab - 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from ..checks import check_int, check_real
from ..nn.attention import padding_mask
from ..nn.blocks import Decoder, Encoder
from ..nn.positional import SinusoidalPositions
from .base import LMOutput
from .gpt import head_split_message

__all__ = ["BOS", "EOS", "EncoderDecoder", "IGNORE", "PAD", "Seq2SeqConfig", "toy_pairs"]

#: the toy tasks' special ids (``toy_pairs``)
PAD, BOS, EOS = 0, 1, 2
#: a target id that the loss skips (padding of the targets), as ``F.cross_entropy``'s default
IGNORE = -100


@dataclass(frozen=True)
class Seq2SeqConfig:
    """``EncoderDecoder``: source and target vocabularies of ``src_vocab`` and ``tgt_vocab`` ids,
    sequences of at most ``max_len`` tokens on either side, ``n_layer`` encoder and ``n_layer``
    decoder blocks of ``n_head`` heads over a width ``d_model`` (``d_ff`` default 4 d_model),
    ``dropout``, ``norm`` ``"pre"`` or ``"post"`` (the paper's), ``tie_weights`` (the target
    embeddings are the pre-softmax matrix, and with ``src_vocab == tgt_vocab`` the source
    embeddings too: the paper's three-way sharing), ``label_smoothing`` in [0, 1) (the paper
    uses 0.1)."""

    src_vocab: int
    tgt_vocab: int
    max_len: int
    n_layer: int
    n_head: int
    d_model: int
    d_ff: int | None = None
    dropout: float = 0.0
    norm: str = "pre"
    tie_weights: bool = True
    label_smoothing: float = 0.0

    def __post_init__(self) -> None:
        def put(field, value):
            object.__setattr__(self, field, value)

        for field, name in (("src_vocab", "src_vocab"), ("tgt_vocab", "tgt_vocab"),
                            ("max_len", "max_len (the longest sequence)"), ("n_layer", "n_layer"),
                            ("n_head", "n_head"), ("d_model", "d_model")):
            put(field, check_int(name, getattr(self, field), 1))
        if self.d_model % self.n_head:
            raise ValueError(head_split_message(self.d_model, self.n_head))
        d_ff = 4 * self.d_model if self.d_ff is None else self.d_ff
        put("d_ff", check_int("d_ff (the feed-forward width; None: 4 d_model)", d_ff, 1))
        put("dropout", check_real("dropout (a probability)", self.dropout, 0, 1, high_open=True))
        put("label_smoothing", check_real("label_smoothing", self.label_smoothing, 0, 1,
                                          high_open=True))
        if self.norm not in ("pre", "post"):
            raise ValueError(f"norm must be 'pre' or 'post', got {self.norm!r}")
        if not isinstance(self.tie_weights, (bool, np.bool_)):
            raise TypeError(f"tie_weights must be True or False, got {self.tie_weights!r}")
        put("tie_weights", bool(self.tie_weights))


class EncoderDecoder(nn.Module):
    r"""The Transformer of Vaswani et al. (2017): ``lmkit.nn.Encoder`` over the source,
    ``lmkit.nn.Decoder`` (causal, with cross-attention) over the target, a linear layer and a
    softmax on top.

    ``forward(src, tgt_in, targets=None, src_pad=None)`` returns ``LMOutput(logits, loss)``
    with ``lmkit.models.base``'s rule: without targets the log-probabilities
    :math:`\ln p(y_t \mid y_{<t}, x)` (B, T, tgt_vocab); with targets ``logits`` is None and
    ``loss`` is the mean cross-entropy over the targets that are not ``IGNORE`` (label-smoothed
    in training mode, the exact NLL in evaluation mode).  ``src_pad``: bool (B, S), True at
    the source's padding, which no position attends to.
    """

    def __init__(self, config: Seq2SeqConfig) -> None:
        super().__init__()
        if not isinstance(config, Seq2SeqConfig):
            raise TypeError(f"EncoderDecoder is built from a Seq2SeqConfig, got "
                            f"{type(config).__name__}: e.g. EncoderDecoder(Seq2SeqConfig("
                            f"src_vocab=13, tgt_vocab=13, max_len=8, n_layer=2, n_head=4, "
                            f"d_model=64))")
        self.config = c = config
        stack = dict(d_ff=c.d_ff, dropout=c.dropout, norm=c.norm)
        self.tgt_emb = nn.Embedding(c.tgt_vocab, c.d_model)
        share = c.tie_weights and c.src_vocab == c.tgt_vocab
        self.src_emb = self.tgt_emb if share else nn.Embedding(c.src_vocab, c.d_model)
        self.pos = SinusoidalPositions(c.d_model, c.max_len)
        self.drop = nn.Dropout(c.dropout)
        self.encoder = Encoder(c.n_layer, c.d_model, c.n_head, **stack)
        self.decoder = Decoder(c.n_layer, c.d_model, c.n_head, **stack)
        self.out = nn.Linear(c.d_model, c.tgt_vocab)
        for name, p in self.named_parameters():
            if name.endswith("emb.weight"):
                nn.init.normal_(p, 0.0, c.d_model ** -0.5)   # unit variance after the scaling
            elif p.dim() > 1:
                nn.init.xavier_uniform_(p)
        if c.tie_weights:
            self.out.weight = self.tgt_emb.weight

    # -- the parts -----------------------------------------------------------------------
    def _ids(self, x, name: str, size: int) -> torch.Tensor:
        if not isinstance(x, torch.Tensor) or x.dtype not in (torch.long, torch.int32):
            got = f"dtype {x.dtype}" if isinstance(x, torch.Tensor) else type(x).__name__
            raise TypeError(f"{name} must be a torch.long tensor of token ids (B, T), got {got}: "
                            f"use torch.as_tensor(ids)")
        if x.dim() != 2 or x.shape[1] == 0:
            raise ValueError(f"{name} must have shape (batch, time) with at least one token, got "
                             f"{tuple(x.shape)}")
        if x.shape[1] > self.config.max_len:
            raise ValueError(f"{name} has {x.shape[1]} tokens but the model reads at most "
                             f"max_len={self.config.max_len}: shorten the sequences or build "
                             f"the model with a larger max_len")
        lo, hi = torch.aminmax(x)
        if lo < 0 or hi >= size:
            raise ValueError(f"{name} must hold ids in [0, {size}), got {int(lo)}..{int(hi)}")
        return x

    def encode(self, src: torch.Tensor, src_pad: torch.Tensor | None = None
               ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """The encoder's output (B, S, d_model) and the source's attention mask (B, 1, 1, S)
        (None without padding)."""
        src = self._ids(src, "src", self.config.src_vocab)
        mask = None
        if src_pad is not None:
            if not isinstance(src_pad, torch.Tensor) or src_pad.dtype != torch.bool or \
                    src_pad.shape != src.shape:
                got = (f"{src_pad.dtype} {tuple(src_pad.shape)}"
                       if isinstance(src_pad, torch.Tensor) else type(src_pad).__name__)
                raise ValueError(f"src_pad must be a bool tensor of src's shape "
                                 f"{tuple(src.shape)}, True at padding (e.g. src == PAD); "
                                 f"got {got}")
            mask = padding_mask(~src_pad)
        x = self.drop(self.pos(self.src_emb(src) * math.sqrt(self.config.d_model)))
        return self.encoder(x, mask=mask), mask

    def decode(self, tgt_in: torch.Tensor, memory: torch.Tensor,
               mask: torch.Tensor | None = None, caches=None) -> torch.Tensor:
        """The scores (B, T, tgt_vocab) of the next target token at each position of
        ``tgt_in``, reading the encoder's output ``memory``; with ``caches`` (one
        ``KVCache`` per decoder layer) ``tgt_in`` continues the positions already cached."""
        tgt_in = self._ids(tgt_in, "tgt_in", self.config.tgt_vocab)
        offset = 0 if caches is None else caches[0].length
        x = self.pos(self.tgt_emb(tgt_in) * math.sqrt(self.config.d_model), offset=offset)
        h = self.decoder(self.drop(x), context=memory, context_mask=mask, caches=caches)
        return self.out(h)

    def forward(self, src: torch.Tensor, tgt_in: torch.Tensor,
                targets: torch.Tensor | None = None,
                src_pad: torch.Tensor | None = None) -> LMOutput:
        """``LMOutput(logits, loss)``: see the class docstring."""
        memory, mask = self.encode(src, src_pad)
        tgt_in = self._ids(tgt_in, "tgt_in", self.config.tgt_vocab)
        if tgt_in.shape[0] != src.shape[0]:
            raise ValueError(f"src and tgt_in must have one row per pair, got {src.shape[0]} and "
                             f"{tgt_in.shape[0]} rows")
        scores = self.decode(tgt_in, memory, mask)
        if targets is None:
            return LMOutput(F.log_softmax(scores, dim=-1), None)
        if not isinstance(targets, torch.Tensor) or targets.shape != tgt_in.shape:
            got = tuple(targets.shape) if isinstance(targets, torch.Tensor) else type(targets).__name__
            raise ValueError(f"targets must be a tensor of tgt_in's shape {tuple(tgt_in.shape)} "
                             f"(tgt_in shifted by one: y + EOS), got {got}")
        eps = self.config.label_smoothing if self.training else 0.0
        loss = F.cross_entropy(scores.reshape(-1, scores.shape[-1]), targets.reshape(-1),
                               ignore_index=IGNORE, label_smoothing=eps)
        return LMOutput(None, loss)

    # -- decoding ------------------------------------------------------------------------
    def _decoding(self, src, bos: int, eos: int, max_len: int):
        bos = check_int("bos", bos, 0, self.config.tgt_vocab - 1)
        eos = check_int("eos", eos, 0, self.config.tgt_vocab - 1)
        max_len = check_int(f"max_len (the longest output, at most the model's "
                            f"max_len={self.config.max_len})", max_len, 1, self.config.max_len)
        return bos, eos, max_len

    def _next(self, last: torch.Tensor, memory, mask, caches) -> torch.Tensor:
        """ln p of the next token (n, V) after ``last`` (n,), the caches holding the rest."""
        return F.log_softmax(self.decode(last[:, None], memory, mask, caches)[:, -1].float(), -1)

    @torch.no_grad()
    def greedy_decode(self, src: torch.Tensor, bos: int, eos: int, max_len: int,
                      src_pad: torch.Tensor | None = None) -> list[tuple[list[int], float]]:
        r"""For each row of ``src``: the tokens :math:`\hat y_t = \arg\max_w p(w \mid \hat
        y_{<t}, x)` from ``bos`` until ``eos`` (neither included) or ``max_len`` steps, and
        their total log-probability (``eos``'s included)."""
        bos, eos, max_len = self._decoding(src, bos, eos, max_len)
        was_training = self.training
        self.eval()
        memory, mask = self.encode(src, src_pad)
        B = memory.shape[0]
        caches = self.decoder.new_caches()
        last = torch.full((B,), bos, dtype=torch.long, device=memory.device)
        done = torch.zeros(B, dtype=torch.bool, device=memory.device)
        total = torch.zeros(B, dtype=torch.float64, device=memory.device)
        steps = []
        for _ in range(max_len):
            logp = self._next(last, memory, mask, caches)
            last = logp.argmax(dim=1)
            total += torch.where(done, 0.0, logp.gather(1, last[:, None])[:, 0].double())
            steps.append(torch.where(done, eos, last))
            done |= last == eos
            if done.all():
                break
        self.train(was_training)
        out = []
        for row, lp in zip(torch.stack(steps, 1).tolist(), total.tolist()):
            out.append((row[:row.index(eos)] if eos in row else row, lp))
        return out

    @torch.no_grad()
    def beam_search(self, src: torch.Tensor, bos: int, eos: int, max_len: int, beam: int = 4,
                    length_penalty: float = 0.0, src_pad: torch.Tensor | None = None
                    ) -> list[tuple[list[int], float]]:
        r"""For each row of ``src``, the best of the hypotheses that beam search finds, as
        ``(tokens, logprob)`` (``bos``/``eos`` not in the tokens, ``eos``'s log-probability in
        the total).

        At each step every one of the ``beam`` live prefixes is extended by every token, and
        the ``beam`` best extensions by :math:`\ln p` stay; one ending in ``eos`` (among the
        ``beam`` best) is finished.  The search stops when ``beam`` hypotheses are finished,
        or after ``max_len`` steps (the live ones then count as finished).  The best one
        maximises :math:`\ln p(y \mid x) / |y|^{\alpha}` (``length_penalty`` α; 0: the raw
        log-probability, which favours short outputs; |y| counts ``eos`` when it was emitted,
        and a hypothesis cut at ``max_len`` has emitted none).  ``beam=1`` is
        ``greedy_decode``."""
        bos, eos, max_len = self._decoding(src, bos, eos, max_len)
        beam = check_int("beam", beam, 1)
        alpha = check_real("length_penalty", length_penalty, 0)
        was_training = self.training
        self.eval()
        memory, mask = self.encode(src, src_pad)
        out = []
        for b in range(memory.shape[0]):
            mem = memory[b:b + 1]
            msk = None if mask is None else mask[b:b + 1]
            caches = self.decoder.new_caches()
            prefixes, scores = [[]], torch.zeros(1, dtype=torch.float64, device=mem.device)
            last = torch.full((1,), bos, dtype=torch.long, device=mem.device)
            finished = []                                    # (tokens, logprob, length)
            for _ in range(max_len):
                n = len(prefixes)
                logp = self._next(last, mem.expand(n, -1, -1),
                                  None if msk is None else msk.expand(n, -1, -1, -1), caches)
                cand = (scores[:, None] + logp.double()).view(-1)
                top = torch.topk(cand, min(2 * beam, cand.numel()))
                parents, words, values = [], [], []
                for rank, (value, flat) in enumerate(zip(top.values.tolist(), top.indices.tolist())):
                    i, w = divmod(flat, logp.shape[1])
                    if w == eos:
                        if rank < beam:
                            finished.append((prefixes[i], value, len(prefixes[i]) + 1))
                    elif len(parents) < beam:
                        parents.append(i)
                        words.append(w)
                        values.append(value)
                if len(finished) >= beam or not parents:
                    break
                index = torch.as_tensor(parents, device=mem.device)
                for c in caches:                            # follow the surviving prefixes
                    c.reorder(index)
                prefixes = [prefixes[i] + [w] for i, w in zip(parents, words)]
                scores = torch.as_tensor(values, dtype=torch.float64, device=mem.device)
                last = torch.as_tensor(words, device=mem.device)
            else:
                finished += [(p, s, len(p)) for p, s in zip(prefixes, scores.tolist())]
            best = max(finished, key=lambda f: f[1] / max(f[2], 1) ** alpha)
            out.append((best[0], best[1]))
        self.train(was_training)
        return out


def toy_pairs(task: str = "reverse", n: int = 1000, length: int = 5, vocab: int = 13,
              seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` random pairs of the toy task ``"reverse"`` (the source backwards) or ``"sort"``
    (its symbols in increasing order), as int64 arrays ``src`` (n, length) and ``tgt`` (n,
    length + 2).

    Ids: ``PAD`` = 0, ``BOS`` = 1, ``EOS`` = 2 and the ``vocab - 3`` symbols 3 ... vocab - 1
    (drawn uniformly, repeats allowed); ``src`` holds symbols only, ``tgt`` is ``BOS``, the
    answer, ``EOS``.  Train on ``tgt_in = tgt[:, :-1]`` and ``targets = tgt[:, 1:]``; a model
    of ``max_len >= length + 1`` reads both."""
    if task not in ("reverse", "sort"):
        raise ValueError(f"task must be 'reverse' or 'sort', got {task!r}")
    n = check_int("n (the number of pairs)", n, 1)
    length = check_int("length", length, 1)
    vocab = check_int("vocab (the ids, 3 specials included)", vocab, 4)
    seed = check_int("seed", seed, 0)
    src = np.random.default_rng(seed).integers(3, vocab, size=(n, length), dtype=np.int64)
    answer = src[:, ::-1] if task == "reverse" else np.sort(src, axis=1)
    tgt = np.concatenate([np.full((n, 1), BOS), answer, np.full((n, 1), EOS)], axis=1)
    return src, tgt.astype(np.int64)
