r"""BERT's encoder (Devlin et al. 2019), built from ``lmkit.nn``, and its pretrained weights.

The input of position t is the sum of three embeddings, then a LayerNorm and dropout:

.. math::  x^0_t = \mathrm{LN}\big(E_{tok}(w_t) + E_{pos}(t) + E_{seg}(s_t)\big)

(``s_t`` the segment, 0 for the first sentence and 1 for the second).  ``num_hidden_layers``
post-norm ``lmkit.nn.Block``\ s follow, bidirectional (a padding mask only):
:math:`x \leftarrow \mathrm{LN}(x + \mathrm{MHA}(x))`, :math:`x \leftarrow \mathrm{LN}(x +
\mathrm{FFN}(x))`, GELU inside the FFN, every LayerNorm with ε = ``layer_norm_eps``
(:math:`10^{-12}`).  The output is one vector per token; ``pooled`` is
:math:`\tanh(W x^L_{[CLS]} + b)`, the pre-training head of the next-sentence task.

``BertConfig.from_json(path)`` reads a Hugging Face ``config.json``; ``load_bert(name)`` builds
the model and loads a ``model.safetensors`` (no pickle) through the corpus registry:
``load_bert("minilm-l6")`` is all-MiniLM-L6-v2 (Wang et al. 2020), 6 layers of width 384.
A tensor missing from the file, left over, or of another shape is an error naming it.

``BertEncoder`` is the shared body, like ``lmkit.nn.Encoder``: it returns vectors, not a loss.
The models trained on it (the MLM and NSP heads, a classifier, a span extractor) wrap it and
follow the book's rule, ``forward(x, targets) -> (logits, loss)``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch import nn

from ..checks import check_int, check_real
from ..nn.attention import padding_mask
from ..nn.blocks import Encoder
from ..runtime import evaluating, length_batches

__all__ = ["BertConfig", "BertEncoder", "BertTop", "bert_num_parameters", "hidden_states",
           "load_bert"]


@dataclass(frozen=True)
class BertConfig:
    """BERT's sizes, named as in its ``config.json``: ``vocab_size`` WordPiece ids,
    ``hidden_size`` (d), ``num_hidden_layers``, ``num_attention_heads``,
    ``intermediate_size`` (the FFN's width), ``max_position_embeddings`` (the longest input),
    ``type_vocab_size`` (segments), ``layer_norm_eps``, the two dropouts, ``pad_token_id``."""

    vocab_size: int = 30522
    hidden_size: int = 768
    num_hidden_layers: int = 12
    num_attention_heads: int = 12
    intermediate_size: int = 3072
    max_position_embeddings: int = 512
    type_vocab_size: int = 2
    layer_norm_eps: float = 1e-12
    hidden_dropout_prob: float = 0.1
    attention_probs_dropout_prob: float = 0.1
    pad_token_id: int = 0

    def __post_init__(self) -> None:
        for name in ("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads",
                     "intermediate_size", "max_position_embeddings", "type_vocab_size"):
            check_int(name, getattr(self, name), 1)
        check_int("pad_token_id", self.pad_token_id, 0, self.vocab_size - 1)
        check_real("layer_norm_eps", self.layer_norm_eps, 0, low_open=True)
        for name in ("hidden_dropout_prob", "attention_probs_dropout_prob"):
            check_real(name, getattr(self, name), 0, 1, high_open=True)
        if self.hidden_size % self.num_attention_heads:
            raise ValueError(f"hidden_size ({self.hidden_size}) must be divisible by "
                             f"num_attention_heads ({self.num_attention_heads})")

    @classmethod
    def from_json(cls, path: str | Path) -> "BertConfig":
        """The fields of a Hugging Face BERT ``config.json`` (the others are ignored; a
        ``hidden_act`` other than GELU, or relative positions, are refused)."""
        raw = json.loads(Path(path).read_text("utf-8"))
        if raw.get("hidden_act", "gelu") != "gelu":
            raise ValueError(f"{path}: hidden_act {raw['hidden_act']!r} is not supported "
                             f"(lmkit's BERT uses the exact GELU)")
        if raw.get("position_embedding_type", "absolute") != "absolute":
            raise ValueError(f"{path}: position_embedding_type "
                             f"{raw['position_embedding_type']!r} is not supported")
        return cls(**{k: raw[k] for k in asdict(cls()) if k in raw})


class BertEncoder(nn.Module):
    """BERT's encoder (see the module's docstring).  ``forward(ids, segments=None,
    mask=None)``: ``ids`` (B, T) WordPiece ids, ``segments`` (B, T) 0/1 (all 0 by default),
    ``mask`` (B, T) 1 or True on real tokens (padding ``pad_token_id`` by default); returns the
    last layer's vectors (B, T, d).  ``pooled(h)``: the tanh layer over [CLS]."""

    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        if not isinstance(config, BertConfig):
            raise TypeError(f"BertEncoder takes a BertConfig, got {type(config).__name__}")
        c = self.config = config
        d = c.hidden_size
        self.tok = nn.Embedding(c.vocab_size, d, padding_idx=c.pad_token_id)
        self.pos = nn.Embedding(c.max_position_embeddings, d)
        self.seg = nn.Embedding(c.type_vocab_size, d)
        self.ln = nn.LayerNorm(d, eps=c.layer_norm_eps)
        self.drop = nn.Dropout(c.hidden_dropout_prob)
        self.encoder = Encoder(c.num_hidden_layers, d, c.num_attention_heads,
                               c.intermediate_size, dropout=c.hidden_dropout_prob, norm="post",
                               activation="gelu", eps=c.layer_norm_eps)
        self.pool = nn.Linear(d, d)

    def embed(self, ids: torch.Tensor, segments: torch.Tensor | None = None) -> torch.Tensor:
        """:math:`x^0 = \\mathrm{LN}(E_{tok} + E_{pos} + E_{seg})`, then dropout."""
        c = self.config
        if not isinstance(ids, torch.Tensor) or ids.dim() != 2 or ids.is_floating_point():
            got = f"{ids.dtype} {tuple(ids.shape)}" if isinstance(ids, torch.Tensor) else \
                type(ids).__name__
            raise ValueError(f"ids must be an integer tensor (batch, T) of WordPiece ids, got "
                             f"{got}")
        T = ids.shape[1]
        if T > c.max_position_embeddings:
            raise ValueError(f"a sequence of {T} tokens is longer than the position table "
                             f"({c.max_position_embeddings}): cut it, e.g. "
                             f"WordPiece.encode(text, max_len={c.max_position_embeddings})")
        if ids.numel() and (ids.min() < 0 or ids.max() >= c.vocab_size):
            raise ValueError(f"ids must lie in [0, {c.vocab_size}), got "
                             f"[{int(ids.min())}, {int(ids.max())}]: another vocabulary?")
        if segments is None:
            segments = torch.zeros_like(ids)
        elif segments.shape != ids.shape:
            raise ValueError(f"segments must have the shape of ids {tuple(ids.shape)}, got "
                             f"{tuple(segments.shape)}")
        pos = torch.arange(T, device=ids.device)
        return self.drop(self.ln(self.tok(ids) + self.pos(pos) + self.seg(segments)))

    def keys(self, ids: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        """The attention's padding mask (B, 1, 1, T) from ``mask`` (B, T), 1 or True on real
        tokens, or, without one, from the ids that are not ``pad_token_id``."""
        real = ids != self.config.pad_token_id if mask is None else mask.bool()
        if real.shape != ids.shape:
            raise ValueError(f"mask must have the shape of ids {tuple(ids.shape)}, got "
                             f"{tuple(real.shape)}")
        return padding_mask(real)

    def forward(self, ids: torch.Tensor, segments: torch.Tensor | None = None,
                mask: torch.Tensor | None = None, causal: bool = False) -> torch.Tensor:
        """``causal=True``: every position sees only itself and the positions before it (the
        same weights as a one-way LM, GPT's attention)."""
        return self.encoder(self.embed(ids, segments), mask=self.keys(ids, mask), causal=causal)

    def layers(self, ids: torch.Tensor, segments: torch.Tensor | None = None,
               mask: torch.Tensor | None = None, causal: bool = False) -> list[torch.Tensor]:
        """Every layer's vectors: ``[x^0, x^1, ..., x^L]``, each (B, T, d): the embeddings
        (static: one vector per WordPiece id, position and segment) and each block's output
        (``forward`` returns the last)."""
        keys = self.keys(ids, mask)
        out = [self.embed(ids, segments)]
        for block in self.encoder.blocks:
            out.append(block(out[-1], mask=keys, causal=causal))
        return out

    def pooled(self, h: torch.Tensor) -> torch.Tensor:
        """:math:`\\tanh(W h_{[CLS]} + b)`: the [CLS] vector through the pooler."""
        return torch.tanh(self.pool(h[:, 0]))


class BertTop(nn.Module):
    """The blocks above layer ``k`` of a ``BertEncoder`` (the same modules, so the same
    weights): ``forward(hidden, segments=None, mask=None)`` takes :math:`x^k` (B, T, d), the
    output of layer k, and returns the last layer's; ``pooled`` is the encoder's pooler.
    With layers 0..k frozen, :math:`x^k` is computed once per example (``hidden_states``) and
    only the top is fine-tuned (training it changes the encoder's own top blocks: compute
    every split's :math:`x^k` first); ``k = 0`` fine-tunes every block (the embeddings stay
    fixed), ``k = L`` none."""

    def __init__(self, bert: BertEncoder, k: int) -> None:
        super().__init__()
        if not isinstance(bert, BertEncoder):
            raise TypeError(f"BertTop takes a BertEncoder, got {type(bert).__name__}")
        L = bert.config.num_hidden_layers
        self.k = check_int("k", k, 0, L)
        self.config = bert.config
        self.blocks = nn.ModuleList(list(bert.encoder.blocks)[k:])
        self.pool = bert.pool

    def forward(self, hidden: torch.Tensor, segments: torch.Tensor | None = None,
                mask: torch.Tensor | None = None, causal: bool = False) -> torch.Tensor:
        d = self.config.hidden_size
        if hidden.dim() != 3 or hidden.shape[-1] != d or not hidden.is_floating_point():
            raise ValueError(f"BertTop reads layer {self.k}'s vectors (batch, T, {d}), got "
                             f"{hidden.dtype} {tuple(hidden.shape)}: pass hidden_states(...), "
                             f"not token ids")
        h = hidden.float()
        keys = None if mask is None else padding_mask(mask.bool())
        for block in self.blocks:
            h = block(h, mask=keys, causal=causal)
        return h

    def pooled(self, h: torch.Tensor) -> torch.Tensor:
        """:math:`\\tanh(W h_{[CLS]} + b)` with the encoder's pooler."""
        return torch.tanh(self.pool(h[:, 0]))


def hidden_states(model: BertEncoder, ids, segments, mask, k: int, batch: int = 64,
                  dtype=torch.float16) -> torch.Tensor:
    """:math:`x^k`, the output of layer ``k`` (0: the embeddings), for every row of the
    padded arrays ``ids``, ``segments`` and ``mask`` (N, T), computed without gradients in
    evaluation mode, rows of similar length together: (N, T, d) in ``dtype`` (half precision
    by default, to halve the memory of a cached training set)."""
    k = check_int("k", k, 0, model.config.num_hidden_layers)
    batch = check_int("batch", batch, 1)
    ids, segments, mask = (torch.as_tensor(a) for a in (ids, segments, mask))
    if not (ids.shape == segments.shape == mask.shape) or ids.dim() != 2:
        raise ValueError(f"ids, segments and mask must be (N, T) alike, got {tuple(ids.shape)}, "
                         f"{tuple(segments.shape)}, {tuple(mask.shape)}")
    N, T = ids.shape
    out = torch.zeros(N, T, model.config.hidden_size, dtype=dtype)
    lengths = mask.bool().sum(1)
    device = next(model.parameters()).device
    with evaluating(model):
        for rows in length_batches(lengths.numpy(), batch):
            rows = torch.as_tensor(rows)
            t = max(int(lengths[rows].max()), 1)
            x, seg, m = (a[rows, :t].to(device) for a in (ids, segments, mask))
            h, keys = model.embed(x, seg), model.keys(x, m)
            for block in list(model.encoder.blocks)[:k]:
                h = block(h, mask=keys)
            out[rows, :t] = h.to("cpu", dtype)
    return out


def bert_num_parameters(config: BertConfig) -> int:
    r"""The encoder's parameter count from its config alone (no weights allocated):
    embeddings :math:`(|V| + P + S)\,d + 2d`; per layer the four attention projections
    :math:`4(d^2 + d)`, the FFN :math:`2 d\,d_{ff} + d_{ff} + d` and two LayerNorms
    :math:`4d`; the pooler :math:`d^2 + d`."""
    if not isinstance(config, BertConfig):
        raise TypeError(f"bert_num_parameters takes a BertConfig, got {type(config).__name__}")
    d, f = config.hidden_size, config.intermediate_size
    emb = (config.vocab_size + config.max_position_embeddings + config.type_vocab_size) * d + 2 * d
    layer = 4 * (d * d + d) + 2 * d * f + f + d + 4 * d
    return emb + config.num_hidden_layers * layer + d * d + d


def _hf_names(n_layers: int) -> dict[str, str]:
    """lmkit's parameter names -> the Hugging Face BertModel's."""
    names = {"tok.weight": "embeddings.word_embeddings.weight",
             "pos.weight": "embeddings.position_embeddings.weight",
             "seg.weight": "embeddings.token_type_embeddings.weight",
             "ln.weight": "embeddings.LayerNorm.weight", "ln.bias": "embeddings.LayerNorm.bias",
             "pool.weight": "pooler.dense.weight", "pool.bias": "pooler.dense.bias"}
    parts = {"attn.w_q": "attention.self.query", "attn.w_k": "attention.self.key",
             "attn.w_v": "attention.self.value", "attn.w_o": "attention.output.dense",
             "ln_1": "attention.output.LayerNorm", "ffn.w_1": "intermediate.dense",
             "ffn.w_2": "output.dense", "ln_2": "output.LayerNorm"}
    for i in range(n_layers):
        for ours, theirs in parts.items():
            for p in ("weight", "bias"):
                names[f"encoder.blocks.{i}.{ours}.{p}"] = f"encoder.layer.{i}.{theirs}.{p}"
    return names


def load_state(model: BertEncoder, tensors: dict[str, torch.Tensor], source: str = "") -> None:
    """Copy the Hugging Face-named ``tensors`` (with or without the ``bert.`` prefix) into
    ``model``; every parameter must be there with its shape, and no weight left over."""
    tensors = {k.removeprefix("bert."): v for k, v in tensors.items()}
    names = _hf_names(model.config.num_hidden_layers)
    own = model.state_dict()
    state = {}
    for ours, theirs in names.items():
        if theirs not in tensors:
            raise ValueError(f"{source}: no tensor {theirs!r} (for {ours}): the weights do not "
                             f"match a BERT with this config")
        t = tensors[theirs]
        if tuple(t.shape) != tuple(own[ours].shape):
            raise ValueError(f"{source}: tensor {theirs!r} has shape {tuple(t.shape)}, the model's "
                             f"{ours} has {tuple(own[ours].shape)}: the config does not match "
                             f"the weights")
        state[ours] = t
    placed = set(names.values())
    extra = sorted(k for k in tensors if k not in placed and
                   not k.endswith("position_ids") and not k.startswith(("cls.", "lm_head")))
    if extra:
        raise ValueError(f"{source}: tensors {extra[:3]} have no place in this BERT "
                         f"(another architecture or config?)")
    model.load_state_dict(state)


def load_bert(name: str | Path = "minilm-l6", device=None) -> tuple[BertEncoder, "object"]:
    """``(model, tokenizer)``: a pretrained BERT and its ``WordPiece`` tokeniser, from a
    registered name (``lmkit.data.fetch``: ``LMKIT_DATA``, the cache, or a verified download)
    or a folder holding ``config.json``, ``vocab.txt`` and ``model.safetensors``.  The model is
    in evaluation mode."""
    from safetensors.torch import load_file

    from ..text.wordpiece import WordPiece

    folder = Path(name)
    if not folder.is_dir():
        from ..data.store import fetch

        paths = fetch(str(name))
        folder = next(iter(paths.values())).parent
    files = {f: folder / f for f in ("config.json", "vocab.txt", "model.safetensors")}
    missing = [f for f, p in files.items() if not p.is_file()]
    if missing:
        raise FileNotFoundError(f"{folder} lacks {missing}: a BERT folder needs config.json, "
                                f"vocab.txt and model.safetensors")
    config = BertConfig.from_json(files["config.json"])
    tokenizer = WordPiece(files["vocab.txt"])
    if len(tokenizer) != config.vocab_size:
        raise ValueError(f"{files['vocab.txt']} has {len(tokenizer)} entries but the config "
                         f"says vocab_size={config.vocab_size}: mismatched files")
    model = BertEncoder(config)
    load_state(model, load_file(str(files["model.safetensors"])), str(files["model.safetensors"]))
    return model.to(device or "cpu").eval(), tokenizer
