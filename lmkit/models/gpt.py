r"""GPT: a decoder-only Transformer language model (Radford et al. 2018, 2019).

The ids :math:`w_1 \dots w_T` are embedded, :math:`x^0_t = C(w_t) + P_t` (``C`` the input
embeddings, ``P`` the positions: learned, sinusoidal, a GRU, or none), and go through
``n_layer`` causal ``lmkit.nn.Block``\ s: pre-norm :math:`x \leftarrow x + \mathrm{MHA}(\mathrm{LN}(x))`,
:math:`x \leftarrow x + \mathrm{FFN}(\mathrm{LN}(x))` with a final LayerNorm (GPT-2), or
post-norm :math:`x \leftarrow \mathrm{LN}(x + f(x))` (Vaswani et al. 2017).  Position t attends to
positions :math:`\le t` only, so :math:`p(w_{t+1} \mid w_{\le t}) = \mathrm{softmax}(O x^L_t + b)`
is a language model, and every position of a block is a training target at once.

``tie_weights=True`` makes the pre-softmax matrix the input embeddings, :math:`O = C`
(Press and Wolf 2017): ``vocab_size`` x ``d_model`` fewer parameters.  The weights start as
GPT-2's: :math:`\mathcal N(0, 0.02^2)`, the projections that write into the residual stream
(:math:`W^O` and the FFN's second layer) scaled by :math:`1/\sqrt{2 L}`.

``forward`` follows ``lmkit.models.base``'s one rule (log-probabilities without targets, the
loss with them: ``logits`` is None then); ``label_smoothing`` :math:`\epsilon` trains on
:math:`(1-\epsilon)\,\mathrm{NLL} + \epsilon\,\overline{\mathrm{CE}}(\mathrm{uniform})`, and
evaluation mode always reports the exact NLL.  Generation (temperature, top-k, a KV cache,
constrained decoding) is ``GPT.generate``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from ..checks import check_ids, check_int, check_real
from ..nn.attention import KVCache
from ..nn.blocks import Block
from ..nn.positional import LearnedPositions, RecurrentPositions, SinusoidalPositions
from .base import LMOutput, NeuralLM, OutputConfig

__all__ = ["GPT", "GPTConfig", "GPTState", "POSITIONS"]

#: the kinds of positional information, as ``GPTConfig(positions=...)``
POSITIONS = ("learned", "sinusoidal", "rnn", "none")


@dataclass(frozen=True)
class GPTConfig(OutputConfig):
    """``GPT``: ``vocab_size`` tokens, contexts of at most ``block_size`` tokens, ``n_layer``
    blocks of ``n_head`` heads over a width ``d_model`` (``d_ff``: the FFN's hidden width,
    default 4 ``d_model``), ``dropout`` on the embeddings, the attention weights and each residual
    branch; ``bias`` in the linear layers and LayerNorms; ``tie_weights`` (:math:`O = C`);
    ``norm`` ``"pre"`` (GPT-2) or ``"post"`` (Vaswani et al.); ``positions`` one of
    ``POSITIONS``; ``tie_qk`` (one projection for Q and K); ``use_sdpa`` (torch's fused
    attention); ``label_smoothing`` in [0, 1).  The output layer's options are keyword fields
    (``OutputConfig``); GPT's usual one is the full softmax."""

    vocab_size: int
    block_size: int
    n_layer: int
    n_head: int
    d_model: int
    d_ff: int | None = None
    dropout: float = 0.0
    bias: bool = True
    tie_weights: bool = True
    norm: str = "pre"
    positions: str = "learned"
    tie_qk: bool = False
    use_sdpa: bool = True
    label_smoothing: float = 0.0

    def __post_init__(self) -> None:
        super().__post_init__()
        self._int("vocab_size", "vocab_size", 1)
        self._int("block_size", "block_size (the longest context)", 1)
        self._int("n_layer", "n_layer", 1)
        self._int("n_head", "n_head", 1)
        self._int("d_model", "d_model", 1)
        if self.d_model % self.n_head:
            raise ValueError(head_split_message(self.d_model, self.n_head))
        if self.d_ff is None:
            object.__setattr__(self, "d_ff", 4 * self.d_model)
        self._int("d_ff", "d_ff (the feed-forward width; None: 4 d_model)", 1)
        self._real("dropout", "dropout (a probability)", 0, 1, high_open=True)
        self._real("label_smoothing", "label_smoothing", 0, 1, high_open=True)
        for flag in ("bias", "tie_weights", "tie_qk", "use_sdpa"):
            self._bool(flag)
        if self.norm not in ("pre", "post"):
            raise ValueError(f"norm must be 'pre' (x + f(LN(x)), GPT-2) or 'post' "
                             f"(LN(x + f(x)), Vaswani et al.), got {self.norm!r}")
        if self.positions not in POSITIONS:
            raise ValueError(f"positions must be one of {POSITIONS}, got {self.positions!r}")
        if self.tie_weights and self.output not in ("full", "importance", "nce"):
            raise ValueError(f"tie_weights=True needs an output layer with one vector per token "
                             f"('full', 'importance' or 'nce'), got output={self.output!r}: "
                             f"pass tie_weights=False")
        if self.label_smoothing and self.output != "full":
            raise ValueError(f"label_smoothing needs the full softmax (output='full'), got "
                             f"output={self.output!r}")


def head_split_message(d_model: int, n_head: int) -> str:
    """The error for a width that does not split into ``n_head`` heads, with two fixes."""
    up = n_head * math.ceil(d_model / n_head)
    heads = [h for h in range(n_head, 0, -1) if d_model % h == 0][0]
    return (f"d_model ({d_model}) must be divisible by n_head ({n_head}): each head gets "
            f"d_model / n_head dimensions; use e.g. d_model={up} or n_head={heads}")


class GPTState:
    """What incremental decoding carries from one call to the next: one ``KVCache`` per
    layer (the keys and values of every position read so far) and, for ``positions="rnn"``,
    the GRU's state.  Made by ``GPT.new_state()``, passed as ``model(x, state=state)``, which
    appends to it and returns it in ``.state``; the model itself keeps nothing."""

    def __init__(self, n_layer: int) -> None:
        self.caches = [KVCache() for _ in range(n_layer)]
        self.positions: Any = None

    @property
    def length(self) -> int:
        """The number of positions read so far."""
        return self.caches[0].length

    def reset(self) -> None:
        for c in self.caches:
            c.reset()
        self.positions = None


class GPT(NeuralLM):
    r"""A GPT language model (see the module's docstring): ``x`` is (B, T) with
    :math:`T \le` ``block_size``, and every position is predicted.

    ``model(x, y)`` gives the loss, ``model(x)`` the log-probabilities (B, T, |V|);
    ``model(x, state=model.new_state())`` fills a KV cache that later calls extend one token at
    a time (``generate``).  ``counts=`` (training counts) start a full softmax's biases at the
    unigram log-probabilities; ``vocab=`` lets the model score sentences (``perplexity``).
    """

    config_class = GPTConfig

    def __init__(self, config: GPTConfig, *, counts=None, vocab=None) -> None:
        super().__init__(config, vocab=vocab)
        c = config
        self.output = self._make_output(c.d_model, counts)
        self.emb = nn.Embedding(c.vocab_size, c.d_model)
        self.pos = {"learned": lambda: LearnedPositions(c.d_model, c.block_size),
                    "sinusoidal": lambda: SinusoidalPositions(c.d_model, c.block_size),
                    "rnn": lambda: RecurrentPositions(c.d_model),
                    "none": lambda: None}[c.positions]()
        self.drop = nn.Dropout(c.dropout)
        self.blocks = nn.ModuleList(
            Block(c.d_model, c.n_head, c.d_ff, dropout=c.dropout, norm=c.norm, bias=c.bias,
                  tie_qk=c.tie_qk, use_sdpa=c.use_sdpa) for _ in range(c.n_layer))
        self.ln_f = nn.LayerNorm(c.d_model, bias=c.bias) if c.norm == "pre" else nn.Identity()
        self._init_weights(unigram=counts is not None)
        if c.tie_weights:
            self.output.proj.weight = self.emb.weight

    def _init_weights(self, unigram: bool) -> None:
        """GPT-2's start: N(0, 0.02²) weights, zero biases, LayerNorms at (1, 0), and the
        projections into the residual stream at 0.02 / sqrt(2 n_layer).  An output layer
        built from ``counts`` keeps its unigram start."""
        residual = {id(m.weight) for blk in self.blocks for m in residual_projections(blk)}
        own = {id(m) for m in self.output.modules()}
        proj = getattr(self.output, "proj", None)
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Embedding)) and (id(m) not in own or
                                                             (m is proj and not unigram)):
                std = 0.02 / math.sqrt(2 * self.config.n_layer) if id(m.weight) in residual else 0.02
                nn.init.normal_(m.weight, 0.0, std)
                if getattr(m, "bias", None) is not None:
                    nn.init.zeros_(m.bias)

    # -- the model -----------------------------------------------------------------------
    def new_state(self) -> GPTState:
        """An empty ``GPTState`` (KV caches) for incremental decoding."""
        return GPTState(self.config.n_layer)

    def features(self, x: torch.Tensor, state: GPTState | None = None
                 ) -> tuple[torch.Tensor, GPTState | None]:
        """The last block's (normed) outputs (B, T, d_model) for the ids x (B, T); with a
        ``state``, x continues the positions already in its caches, which it extends."""
        self._check_ids(x, (None, None), "one row of token ids per text")
        if state is not None and not isinstance(state, GPTState):
            raise TypeError(f"state must be a GPTState (model.new_state()), as returned in "
                            f".state by the previous call, or None; got {type(state).__name__}")
        B, T = x.shape
        past = 0 if state is None else state.length
        bs = self.config.block_size
        if T == 0:
            raise ValueError("x has no tokens: give at least one token id per row")
        if past + T > bs:
            if past:
                raise ValueError(f"the cache holds {past} tokens and x adds {T}: {past + T} is "
                                 f"more than block_size={bs}; start a new state from the last "
                                 f"{bs} tokens at most (GPT.generate does this)")
            raise ValueError(f"x has {T} tokens but the model reads at most block_size={bs}: "
                             f"crop the context to its last {bs} tokens, x[:, -{bs}:]")
        h = self.emb(x)
        if isinstance(self.pos, RecurrentPositions):
            if state is None:
                h = self.pos(h)
            else:
                h, state.positions = self.pos(h, offset=past, state=state.positions,
                                              return_state=True)
        elif self.pos is not None:
            h = self.pos(h, offset=past)
        h = self.drop(h)
        for i, blk in enumerate(self.blocks):
            h = blk(h, causal=True, cache=None if state is None else state.caches[i])
        return self.ln_f(h), state

    def forward(self, x: torch.Tensor, targets: torch.Tensor | None = None,
                state: GPTState | None = None) -> LMOutput:
        """``LMOutput(logits, loss)`` (``lmkit.models.base``'s rule); in training mode with
        ``label_smoothing`` the loss is the smoothed cross-entropy."""
        eps = self.config.label_smoothing
        if targets is None or not (self.training and eps):
            return super().forward(x, targets, state)
        h, state = self.features(x, state)
        if not isinstance(targets, torch.Tensor) or targets.shape != h.shape[:-1]:
            got = tuple(targets.shape) if isinstance(targets, torch.Tensor) else type(targets).__name__
            raise ValueError(f"targets must be a tensor of shape {tuple(h.shape[:-1])}, one next "
                             f"token per position of x, got {got}")
        scores = self.output.scores(h.reshape(-1, h.shape[-1]))
        return LMOutput(None, F.cross_entropy(scores, targets.reshape(-1), label_smoothing=eps),
                        state)

    def num_params(self, non_embedding: bool = False) -> int:
        """The number of parameters (a tied matrix counted once); ``non_embedding=True`` leaves
        out the token embeddings C and a learned position table (Kaplan et al. 2020's N), but
        keeps an untied pre-softmax matrix O, which is a layer of the network."""
        n = self.num_parameters()
        if non_embedding:
            n -= self.emb.weight.numel()
            if isinstance(self.pos, LearnedPositions):
                n -= sum(p.numel() for p in self.pos.parameters())
        return n

    # -- generation ----------------------------------------------------------------------
    @torch.no_grad()
    def generate(self, idx: torch.Tensor, max_new_tokens: int, temperature: float = 1.0,
                 top_k: int | None = None, use_cache: bool = True,
                 generator: torch.Generator | None = None,
                 allowed: Callable[[torch.Tensor], torch.Tensor] | None = None) -> torch.Tensor:
        r"""``idx`` (B, T) or (T,) followed by ``max_new_tokens`` sampled tokens.

        Each token is drawn from :math:`p(w \mid \text{context})^{1/\tau}`, renormalised
        (``temperature`` :math:`\tau`; ``0``: the most probable token, greedy decoding),
        among the ``top_k`` most probable tokens if given, and among the tokens that
        ``allowed(seq)`` permits: a function of the ids so far (B, t), prompt included, that
        returns a bool mask over the vocabulary, (|V|,) or (B, |V|): constrained decoding.
        ``generator`` makes the draws repeatable.

        Without the cache every step reads the last ``block_size`` tokens again.  With it
        (``use_cache=True``) the prompt is read once into one ``KVCache`` per layer and each
        new token costs one position; when the cache is full (``block_size`` positions) it is
        dropped and refilled from the last ``block_size // 2`` tokens, so beyond
        ``block_size`` tokens the cached context is between half and all of the uncached one
        (within ``block_size`` the two give the same distributions, and greedy decoding the
        same tokens).  The model is in evaluation mode meanwhile (no dropout).
        """
        if not isinstance(idx, torch.Tensor):
            raise TypeError(f"idx must be a torch tensor of token ids (the prompt), got "
                            f"{type(idx).__name__}: use torch.tensor([vocab.encode(tokens)])")
        one = idx.dim() == 1
        seq = idx[None] if one else idx
        if seq.dim() != 2 or seq.shape[1] == 0:
            raise ValueError(f"the prompt idx must hold at least one token per row, shape (B, T) "
                             f"or (T,), got {tuple(idx.shape)}: start from a token, e.g. the "
                             f"id of '\\n' or of </s> (vocab.eos_id)")
        self._check_ids(seq, (None, None), "one prompt per row")
        max_new_tokens = check_int("max_new_tokens", max_new_tokens, 0)
        temperature = check_real("temperature", temperature, 0)
        if top_k is not None:
            top_k = check_int("top_k (or None: all tokens)", top_k, 1)
        if not isinstance(use_cache, bool):
            raise TypeError(f"use_cache must be True or False, got {use_cache!r}")
        if allowed is not None and not callable(allowed):
            raise TypeError(f"allowed must be a function (ids so far) -> bool mask over the "
                            f"vocabulary, or None; got {type(allowed).__name__}")
        bs, was_training = self.config.block_size, self.training
        self.eval()
        seq = seq.to(next(self.parameters()).device)
        state = None
        try:
            for _ in range(max_new_tokens):
                if not use_cache:
                    h, _ = self.features(seq[:, -bs:])
                elif state is None or state.length == bs:          # start, or a full cache
                    keep = bs if state is None else max(1, bs // 2)
                    state = self.new_state()
                    h, _ = self.features(seq[:, -keep:], state)
                else:
                    h, _ = self.features(seq[:, -1:], state)
                logp = self.output.log_probs(h[:, -1])
                nxt = self._pick(logp, seq, temperature, top_k, generator, allowed)
                seq = torch.cat([seq, nxt[:, None]], dim=1)
        finally:
            self.train(was_training)
        return seq[0] if one else seq

    def _pick(self, logp: torch.Tensor, seq: torch.Tensor, temperature: float,
              top_k: int | None, generator, allowed) -> torch.Tensor:
        """One next token per row from the log-probabilities ``logp`` (B, |V|)."""
        if allowed is not None:
            mask = allowed(seq)
            if not isinstance(mask, torch.Tensor) or mask.dtype != torch.bool or \
                    mask.shape not in ((logp.shape[1],), tuple(logp.shape)):
                got = (f"{mask.dtype} {tuple(mask.shape)}" if isinstance(mask, torch.Tensor)
                       else type(mask).__name__)
                raise ValueError(f"allowed(seq) must return a bool tensor of shape "
                                 f"({logp.shape[1]},) or {tuple(logp.shape)}, True = may be "
                                 f"generated; got {got}")
            mask = mask.to(logp.device).expand_as(logp)
            if not mask.any(dim=1).all():
                raise ValueError(f"allowed(seq) permits no token at all for some rows, at length "
                                 f"{seq.shape[1]}: every row needs at least one allowed token")
            logp = logp.masked_fill(~mask, float("-inf"))
        if temperature == 0:
            return logp.argmax(dim=1)
        if top_k is not None and top_k < logp.shape[1]:
            kth = torch.topk(logp, top_k, dim=1).values[:, -1:]
            logp = logp.masked_fill(logp < kth, float("-inf"))
        probs = torch.softmax(logp / temperature, dim=1)
        return torch.multinomial(probs, 1, generator=generator)[:, 0]

    # -- scoring -------------------------------------------------------------------------
    @torch.no_grad()
    def stream_logprobs(self, ids: np.ndarray, batch: int = 10, length: int | None = None,
                        normalise: bool = True, device=None) -> np.ndarray:
        r""":math:`\ln p(w_t \mid \text{context})` of every target ``ids[1:]`` of an id stream.

        The first ``block_size`` targets are read in one window from the stream's start; after
        that, windows of ``block_size`` tokens move ``length`` tokens at a time and each
        predicts its last ``length`` tokens (the last window ends at the stream's end and
        predicts what is left), so every token sees at least ``block_size - length`` tokens
        of history.  ``length=None`` (= ``block_size``): non-overlapping
        blocks, as nanoGPT evaluates; ``length=1``: the full sliding window (``block_size``
        times the work).  ``batch`` windows go through the model at once."""
        batch = check_int("batch", batch, 1)
        bs = self.config.block_size
        length = bs if length is None else check_int("length (new tokens per window)", length, 1, bs)
        if normalise is not True:
            raise ValueError("a GPT scores exact log-probabilities only: leave normalise=True")
        if isinstance(ids, torch.Tensor):
            ids = ids.detach().cpu().numpy()
        ids = check_ids(ids, self.config.vocab_size)
        if len(ids) < 2:
            raise ValueError(f"need a 1-d stream of at least 2 ids, got {len(ids)}")
        device = device or next(self.parameters()).device
        was_training = self.training
        self.eval()
        t = torch.as_tensor(ids.astype(np.int64), device=device)
        n = len(ids) - 1                                     # targets
        out = np.empty(n)
        first = min(n, bs)
        lp, _ = self(t[None, :first])
        out[:first] = lp[0].gather(1, t[1:first + 1, None])[:, 0].double().cpu().numpy()
        # later windows: the one predicting targets [s, e) reads x[e - bs: e]
        ends = np.minimum(np.arange(first + length, n + length, length), n)
        starts = np.concatenate(([first], ends[:-1]))
        for i in range(0, len(ends), batch):
            e = torch.as_tensor(ends[i:i + batch], device=device)
            win = e[:, None] - bs + torch.arange(bs, device=device)      # x[e - bs: e]
            lp, _ = self(t[win])
            got = lp[:, -length:].gather(2, t[win + 1][:, -length:, None])[..., 0]
            got = got.double().cpu().numpy()
            for j, (start, end) in enumerate(zip(starts[i:i + batch], ends[i:i + batch])):
                out[start:end] = got[j, length - (end - start):]
        self.train(was_training)
        return out


def residual_projections(block: nn.Module) -> list[nn.Linear]:
    """The linear layers of a ``Block`` that write into the residual stream: each attention's
    :math:`W^O` and the feed-forward network's second layer."""
    from ..nn.attention import MultiHeadAttention
    from ..nn.blocks import FeedForward

    out = []
    for m in block.modules():
        if isinstance(m, MultiHeadAttention):
            out.append(m.w_o)
        elif isinstance(m, FeedForward):
            out.append(m.w_2)
    return out
