r"""What every neural language model shares: its output type, its config, its scoring.

A model is built from ONE config dataclass (like nanoGPT's ``GPT(GPTConfig(...))``) that holds
every hyperparameter, the output layer's kind and parameters included, so that the config
alone rebuilds the architecture (``lmkit.models.save``/``load``).  Data that are not
hyperparameters are keyword arguments of the constructor: ``counts=`` (training unigram
counts: the unigram start of the output layer and the class/tree structure) and ``vocab=``
(the ``Vocab``, needed to score sentences).

**Forward.** ``model(x, targets=None, state=None)`` returns an ``LMOutput``: the pair
``(logits, loss)``, with the recurrent state in ``.state`` (None for feed-forward models).  The
model keeps no state: a recurrent caller passes the state in and gets it back out.  One rule
for both modes:

- ``targets is None``: ``logits`` are the *exact* log-probabilities :math:`\ln p(w \mid h)` over
  the vocabulary, shape ``targets' shape + (|V|,)`` (``(B, |V|)`` for a feed-forward model,
  ``(B, T, |V|)`` for a recurrent one), and ``loss`` is None;
- with targets, ``logits`` is None and ``loss`` is a mean over the targets: the output layer's
  *training* loss in training mode (sampled for ``"importance"`` and ``"nce"``), the *exact*
  negative log-likelihood :math:`-\frac1N \sum_t \ln p(w_t \mid h_t)` in evaluation mode.  That
  is the one documented difference between the modes.

**Scoring.** Every model is an ``lmkit.lm.LanguageModel``: ``token_logprobs(sentences)`` scores
``lmkit.text.lm_ids(vocab, sentences)`` with ``stream_logprobs``, and ``perplexity``,
``cross_entropy`` and ``sentence_logprob`` follow from it (``lmkit.metrics``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Sequence

import numpy as np
import torch
from torch import nn

from ..checks import check_int, check_real
from ..lm import LanguageModel
from ..nn.output import OUTPUT_KINDS, OutputLayer, output_layer
from ..nn.sampled import NCE
from ..text import Vocab, lm_ids

__all__ = ["LMOutput", "NeuralLM", "OutputConfig"]


class LMOutput(tuple):
    """``(logits, loss)``, a 2-tuple, with the recurrent state out in ``.state``.

    ``logits, loss = model(x, y)`` works for every model; ``model(x, y).state`` is the state
    after the last position (None for feed-forward models)."""

    def __new__(cls, logits: torch.Tensor | None, loss: torch.Tensor | None, state: Any = None):
        out = super().__new__(cls, (logits, loss))
        out.state = state
        return out

    def __getnewargs__(self):
        return self[0], self[1], self.state

    @property
    def logits(self) -> torch.Tensor | None:
        return self[0]

    @property
    def loss(self) -> torch.Tensor | None:
        return self[1]

    def __repr__(self) -> str:
        def show(t):
            return "None" if t is None else f"tensor{tuple(t.shape)}"
        return f"LMOutput(logits={show(self[0])}, loss={show(self[1])}, state={'None' if self.state is None else '...'})"


@dataclass(frozen=True, kw_only=True)
class OutputConfig:
    """The output layer's options, shared by every model config (keyword-only fields).

    ``output``: one of ``"full"``, ``"class"``, ``"hierarchical"``, ``"importance"``, ``"nce"``
    (see ``lmkit.nn``); ``k``: the samples of ``"importance"``/``"nce"`` (required there);
    ``n_classes``: the classes of ``"class"`` (None: about √|V|); ``power``: the exponent of the
    unigram proposal of the sampled layers (1: unigram, 0: uniform).
    """

    output: str = "full"
    k: int | None = None
    n_classes: int | None = None
    power: float = 1.0

    def __post_init__(self) -> None:
        if not isinstance(self.output, str) or self.output not in OUTPUT_KINDS:
            raise ValueError(f"output must be one of {OUTPUT_KINDS}, got {self.output!r}")
        sampled = self.output in ("importance", "nce")
        if sampled:
            self._int("k", f"k (the samples of the {self.output!r} output layer)", 1)
        elif self.k is not None:
            raise ValueError(f"k is the number of samples of the 'importance' and 'nce' output "
                             f"layers; the {self.output!r} layer takes none (leave k=None)")
        if self.n_classes is not None:
            if self.output != "class":
                raise ValueError(f"n_classes is for output='class', not {self.output!r}")
            most = None                      # a model config's vocab_size bounds the classes
            if getattr(self, "vocab_size", None) is not None:
                self._int("vocab_size", "vocab_size", 1)
                most = self.vocab_size
            self._int("n_classes", "n_classes (at most one class per word)", 1, most)
        self._real("power", "power")
        if self.power != 1.0 and not sampled:
            raise ValueError(f"power shapes the proposal of the sampled output layers; the "
                             f"{self.output!r} layer has none (leave power=1.0)")

    # the checked value replaces the given one (a numpy scalar becomes a plain int or float,
    # so that the config prints, compares and saves as plain values)
    def _int(self, field: str, name: str, low: int | None = None, high: int | None = None) -> None:
        object.__setattr__(self, field, check_int(name, getattr(self, field), low, high))

    def _real(self, field: str, name: str, *args, **kwargs) -> None:
        object.__setattr__(self, field, check_real(name, getattr(self, field), *args, **kwargs))

    def _bool(self, field: str) -> None:
        value = getattr(self, field)
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"{field} must be True or False, got {value!r}")
        object.__setattr__(self, field, bool(value))


class NeuralLM(nn.Module, LanguageModel):
    """Base of the neural language models: ``forward`` (see the module's docstring), the
    scoring protocol, and the public accessors the chapters use.

    A subclass sets ``config_class`` (and ``recurrent = True`` if it carries a state), builds
    ``self.emb`` (the input embeddings) and ``self.output`` (an ``lmkit.nn`` output layer),
    and defines ``features(x, state=None) -> (h, state)``.
    """

    config_class: ClassVar[type] = OutputConfig
    #: recurrent models read (B, T) ids and carry a state between calls
    recurrent: ClassVar[bool] = False
    output: OutputLayer
    emb: nn.Embedding

    def __init__(self, config: OutputConfig, *, vocab=None) -> None:
        nn.Module.__init__(self)
        name = type(self).__name__
        if not isinstance(config, self.config_class):
            raise TypeError(f"{name} is built from a {self.config_class.__name__}, got "
                            f"{type(config).__name__}: e.g. {name}({self.config_class.__name__}"
                            f"(vocab_size=..., ...), counts=..., vocab=...)")
        if vocab is not None and not isinstance(vocab, Vocab):
            raise TypeError(f"vocab must be an lmkit.text.Vocab (the one the ids come from), got "
                            f"{type(vocab).__name__}")
        if vocab is not None and len(vocab) != config.vocab_size:
            raise ValueError(f"the vocabulary has {len(vocab)} words but the config says "
                             f"vocab_size={config.vocab_size}: build the config with len(vocab)")
        self.config = config
        self.vocab = vocab

    def _make_output(self, dim: int, counts) -> OutputLayer:
        c = self.config
        return output_layer(dim, c.vocab_size, counts, output=c.output, k=c.k,
                            n_classes=c.n_classes, power=c.power)

    # -- the model -----------------------------------------------------------------------
    def features(self, x: torch.Tensor, state: Any = None) -> tuple[torch.Tensor, Any]:  # pragma: no cover
        """The hidden vectors that the output layer reads, one per predicted position
        (shape ``(B, d)`` feed-forward, ``(B, T, d)`` recurrent), and the state after the
        ids x.  (The book writes x for the hidden vector: :math:`s(w, h) = O_w^\top x + b_w`.)"""
        raise NotImplementedError

    def _check_ids(self, x: torch.Tensor, shape: tuple, what: str) -> None:
        """x: an integer tensor of ``shape`` (ints, or None for any size) holding word ids in
        [0, |V|); ``what`` says what each row is, for the message."""
        if not isinstance(x, torch.Tensor):
            raise TypeError(f"x must be a torch tensor of word ids, got {type(x).__name__}: use "
                            f"torch.as_tensor(ids)")
        if x.dtype not in (torch.long, torch.int32):
            raise TypeError(f"x must hold word ids (dtype torch.long), got dtype {x.dtype}: "
                            f"encode words with the model's vocabulary")
        if x.dim() != len(shape) or any(n is not None and n != m for n, m in zip(shape, x.shape)):
            want = ", ".join("batch" if i == 0 else ("time" if n is None else str(n))
                             for i, n in enumerate(shape))
            raise ValueError(f"x must have shape ({want}): {what}; got {tuple(x.shape)}")
        if x.numel():
            lo, hi = torch.aminmax(x)
            if lo < 0 or hi >= self.config.vocab_size:
                raise ValueError(f"x must hold word ids in [0, {self.config.vocab_size}), got "
                                 f"{int(lo)}..{int(hi)}: encode words with the model's vocabulary")

    def forward(self, x: torch.Tensor, targets: torch.Tensor | None = None,
                state: Any = None) -> LMOutput:
        """``LMOutput(logits, loss)`` with ``.state``: see the module's docstring."""
        h, state = self.features(x, state)
        lead = h.shape[:-1]
        h = h.reshape(-1, h.shape[-1])
        if targets is None:
            return LMOutput(self.output.log_probs(h).view(*lead, self.output.size), None, state)
        if not isinstance(targets, torch.Tensor):
            raise TypeError(f"targets must be a torch tensor of word ids, got "
                            f"{type(targets).__name__}: use torch.as_tensor(ids)")
        if targets.shape != lead:
            raise ValueError(f"targets must have shape {tuple(lead)}, one next word per "
                             f"{'position of x' if self.recurrent else 'history (row of x)'}, "
                             f"got {tuple(targets.shape)}")
        t = targets.reshape(-1)
        loss = self.output.loss(h, t) if self.training else -self.output.log_prob(h, t).mean()
        return LMOutput(None, loss, state)

    def input_embeddings(self) -> torch.Tensor:
        """The input embedding matrix C (|V| x dim), detached: row w is the vector of word w."""
        return self.emb.weight.detach()

    def output_embeddings(self) -> torch.Tensor:
        r"""The output embedding matrix O (|V| x d), detached: row w is the vector
        :math:`O_w` of the score :math:`s(w, h) = O_w^\top x + b_w` (x the hidden vector).

        Only the layers with one output vector per word have it: ``"full"``, ``"importance"``
        and ``"nce"`` (tied to C with ``tie=True``); the class and hierarchical layers
        factor the output, so they raise ``ValueError``."""
        proj = getattr(self.output, "proj", None)
        if proj is None:
            raise ValueError(f"the {self.config.output!r} output layer has no matrix O with one "
                             f"row per word: only 'full', 'importance' and 'nce' have one")
        return proj.weight.detach()

    def num_parameters(self) -> int:
        """The number of trainable numbers (a tied matrix counted once)."""
        return sum(p.numel() for p in self.parameters())

    # -- scoring -------------------------------------------------------------------------
    def token_logprobs(self, sentences: Sequence[Sequence[str]]) -> np.ndarray:
        """ln p of every predicted token of ``sentences`` (each word, then ``</s>``), read as
        one running text: ``stream_logprobs(lmkit.text.lm_ids(self.vocab, sentences))``."""
        if self.vocab is None:
            raise ValueError(f"this {type(self).__name__} has no vocabulary, so it cannot read "
                             f"sentences: build it with vocab=..., or score an id stream with "
                             f"stream_logprobs(ids)")
        ids = lm_ids(self.vocab, sentences)
        return self.stream_logprobs(ids) if len(ids) > 1 else np.empty(0)

    @torch.no_grad()
    def stream_logprobs(self, ids: np.ndarray, batch: int = 10, length: int = 35,
                        normalise: bool = True, device=None) -> np.ndarray:
        r"""Exact :math:`\ln p(w_t \mid w_{<t})` for every target ``ids[1:]`` of an id stream,
        in order (``ids`` as made by ``lmkit.text.lm_ids``).

        A recurrent model reads the stream cut into ``batch`` contiguous pieces in parallel,
        each from a fresh state, ``length`` positions at a time (the usual batched evaluation:
        only the first word of each piece loses its history).  A feed-forward model sees the
        previous ``context`` ids of each target, the stream's start padded with its first id.

        ``normalise=False`` (NCE only) returns the raw scores s(w, h) of the targets instead:
        no partition function, O(d) per token, a distribution only as far as NCE
        self-normalised.
        """
        batch = check_int("batch", batch, 1)
        length = check_int("length", length, 1)
        if not isinstance(normalise, (bool, np.bool_)):
            raise TypeError(f"normalise must be True or False, got {normalise!r}")
        if isinstance(ids, torch.Tensor):
            ids = ids.detach().cpu().numpy()
        ids = np.asarray(ids)
        if ids.ndim != 1 or len(ids) < 2:
            raise ValueError(f"need a 1-d stream of at least 2 ids, got shape {ids.shape}")
        if ids.dtype.kind not in "iu":
            raise TypeError(f"ids must be integer word ids, got dtype {ids.dtype}: build them "
                            f"with lmkit.text.lm_ids(vocab, sentences), not from floats or bools")
        size = self.output.size
        if ids.min() < 0 or ids.max() >= size:
            raise ValueError(f"ids must lie in [0, {size}): build them with the model's vocabulary")
        ids = ids.astype(np.int64)
        if normalise:
            score = self.output.log_prob
        elif isinstance(self.output, NCE):
            score = self.output.target_score
        else:
            raise ValueError("normalise=False needs an NCE output layer: only NCE trains its scores "
                             "to be log-probabilities without normalisation")
        device = device or next(self.parameters()).device
        was_training = self.training
        self.eval()
        n_targets = len(ids) - 1
        out = np.empty(n_targets)
        t = torch.as_tensor(ids, device=device)
        if not self.recurrent:
            context = self.config.context
            pad = t[:1].repeat(context - 1)
            win = torch.cat([pad, t]).unfold(0, context + 1, 1)        # (n_targets, n)
            for i in range(0, n_targets, 4096):
                w = win[i:i + 4096]
                h, _ = self.features(w[:, :-1])
                out[i:i + len(w)] = score(h, w[:, -1]).double().cpu().numpy()
        else:
            n = -(-n_targets // batch)                                    # ceil
            x = torch.full((batch * n,), int(ids[0]), device=device)
            y = torch.zeros(batch * n, dtype=torch.long, device=device)
            x[:n_targets], y[:n_targets] = t[:-1], t[1:]
            x, y = x.view(batch, n), y.view(batch, n)
            lp = torch.empty(batch, n, dtype=torch.float64)
            state = None
            for i in range(0, n, length):
                h, state = self.features(x[:, i:i + length], state)
                piece = score(h.reshape(-1, h.shape[-1]), y[:, i:i + length].reshape(-1))
                lp[:, i:i + length] = piece.view(batch, -1).double().cpu()
            out[:] = lp.view(-1)[:n_targets].numpy()
        self.train(was_training)
        return out
