r"""Neural language models: the hidden layers of the notes and fast output layers.

A neural LM turns a history into a vector :math:`h \in \mathbb{R}^d` and then into a
distribution over the |V| words.  The output layer is where the cost is: the full softmax

.. math::  p(w \mid h) = \frac{\exp(u_w^\top h + b_w)}{\sum_{w'} \exp(u_{w'}^\top h + b_{w'})}

touches all |V| output vectors for every token.  The layers here share one interface:

- ``loss(h, targets)``: the training loss, exact or sampled (mean over the batch);
- ``log_prob(h, targets)``: the *exact* log-probability of each target, for evaluation;
- ``log_probs(h)``: the exact log-distribution over the whole vocabulary (B x |V|).

``FullSoftmax`` is the reference; ``ClassSoftmax`` (two levels, about √|V| classes binned by
frequency) and ``HierarchicalSoftmax`` (a binary Huffman tree) are exact distributions that
are cheaper to train; ``ImportanceSampling`` and ``NCE`` train a full softmax's parameters
from k samples of a unigram proposal and evaluate with the exact softmax.

The models (``AverageLM``, ``BengioLM``, ``RNNLM``) put any of these layers on top of their
hidden layer.  ``lm_ids``, ``token_logprobs`` and ``perplexity`` evaluate them on the same
tokens as the n-gram models of ``lmkit.ngram``; ``nearest_neighbours`` reads their embeddings.
"""

from __future__ import annotations

import heapq
import math

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

__all__ = ["AverageLM", "BengioLM", "ClassSoftmax", "FullSoftmax", "HierarchicalSoftmax",
           "ImportanceSampling", "NCE", "OutputLayer", "RNNLM", "huffman_codes", "lm_ids",
           "nearest_neighbours", "perplexity", "token_logprobs"]


def _check(h: torch.Tensor, targets: torch.Tensor | None, dim: int, size: int) -> None:
    if h.dim() != 2 or h.shape[1] != dim:
        raise ValueError(f"hidden states must have shape (batch, {dim}), got {tuple(h.shape)}")
    if targets is not None:
        if targets.shape != (h.shape[0],):
            raise ValueError(f"targets must have shape ({h.shape[0]},), got {tuple(targets.shape)}")
        if len(targets) and (targets.min() < 0 or targets.max() >= size):
            raise ValueError(f"targets must be word ids in [0, {size})")


class OutputLayer(nn.Module):
    """Common checks and the exact evaluation path via ``log_probs``."""

    def __init__(self, dim: int, size: int) -> None:
        super().__init__()
        if size < 1:
            raise ValueError("the vocabulary is empty: an output layer needs at least one word")
        if dim < 1:
            raise ValueError(f"the hidden size must be >= 1, got {dim}")
        self.dim, self.size = dim, size

    def log_prob(self, h: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        _check(h, targets, self.dim, self.size)
        return self.log_probs(h).gather(1, targets[:, None])[:, 0]

    def loss(self, h: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        return -self.log_prob(h, targets).mean()


def _unigram(counts, size: int) -> np.ndarray:
    """Word probabilities from training counts (add 1e-3, so none is zero), checked."""
    counts = np.asarray(counts, dtype=float)
    if counts.shape != (size,):
        raise ValueError(f"counts must give one count per word ({size}), got shape {counts.shape}")
    if np.any(counts < 0) or not np.all(np.isfinite(counts)):
        raise ValueError("counts must be finite and >= 0")
    c = counts + 1e-3
    return c / c.sum()


class FullSoftmax(OutputLayer):
    """The exact softmax over every word: cost O(|V| d) per token.

    Every layer that takes ``counts`` starts from the unigram distribution: its biases give
    log p(w) and its weights are scaled down, so that training begins where a unigram model
    ends instead of at the uniform distribution.  Comparisons between layers do this for all.
    """

    def __init__(self, dim: int, size: int, counts: np.ndarray | None = None) -> None:
        super().__init__(dim, size)
        self.proj = nn.Linear(dim, size)
        if counts is not None:
            with torch.no_grad():
                self.proj.bias.copy_(torch.as_tensor(np.log(_unigram(counts, size))))
                self.proj.weight.mul_(0.1)

    def scores(self, h: torch.Tensor) -> torch.Tensor:
        return self.proj(h)

    def log_partition(self, h: torch.Tensor) -> torch.Tensor:
        r""":math:`\ln Z(h) = \ln \sum_w e^{s(w, h)}` per row: 0 where the scores are already
        log-probabilities (a self-normalised model)."""
        _check(h, None, self.dim, self.size)
        return torch.logsumexp(self.scores(h), dim=-1)

    def log_probs(self, h: torch.Tensor) -> torch.Tensor:
        _check(h, None, self.dim, self.size)
        return F.log_softmax(self.scores(h), dim=-1)

    def loss(self, h: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        _check(h, targets, self.dim, self.size)
        return F.cross_entropy(self.scores(h), targets)


class ClassSoftmax(OutputLayer):
    r"""Two-level softmax: :math:`p(w \mid h) = p(c(w) \mid h)\, p(w \mid c(w), h)`.

    Words sorted by frequency are cut into about √|V| classes of equal total frequency
    (Goodman; Mikolov et al.), so that frequent words sit in small classes.  A token costs
    O((C + |c(w)|) d) instead of O(|V| d): about √|V|/2 times less for balanced classes.
    """

    def __init__(self, dim: int, size: int, counts: np.ndarray, n_classes: int | None = None) -> None:
        super().__init__(dim, size)
        p = _unigram(counts, size)
        counts = np.asarray(counts, dtype=float)
        n_classes = n_classes or max(1, int(round(math.sqrt(size))))
        order = np.argsort(-counts, kind="stable")
        share = np.cumsum(counts[order] + 1e-9) / (counts.sum() + 1e-9 * size)
        cls_sorted = np.minimum((share * n_classes).astype(int), n_classes - 1)
        cls = np.empty(size, dtype=np.int64)
        cls[order] = cls_sorted
        cls = np.unique(cls, return_inverse=True)[1].ravel()  # drop empty classes
        self.n_classes = int(cls.max()) + 1
        # the words grouped by class (ascending ids within a class); class c is
        # by_class[bounds[c]:bounds[c + 1]], and a word's slot is its place in its class
        by_class = np.argsort(cls, kind="stable")
        sizes = np.bincount(cls)
        self.bounds = [0] + np.cumsum(sizes).tolist()
        slot = np.empty(size, dtype=np.int64)
        slot[by_class] = np.arange(size) - np.repeat(self.bounds[:-1], sizes)
        self.register_buffer("word_class", torch.as_tensor(cls))
        self.register_buffer("word_slot", torch.as_tensor(slot))
        self.register_buffer("by_class", torch.as_tensor(by_class))
        self.class_proj = nn.Linear(dim, self.n_classes)
        self.word_proj = nn.Linear(dim, size)
        p_class = np.bincount(cls, weights=p, minlength=self.n_classes)
        with torch.no_grad():  # start from the unigram: p(c) p(w | c) = p(w)
            self.class_proj.bias.copy_(torch.as_tensor(np.log(p_class)))
            self.word_proj.bias.copy_(torch.as_tensor(np.log(p / p_class[cls])))
            self.class_proj.weight.mul_(0.1)
            self.word_proj.weight.mul_(0.1)

    def log_prob(self, h: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        _check(h, targets, self.dim, self.size)
        c = self.word_class[targets]
        lp_class = F.log_softmax(self.class_proj(h), dim=-1).gather(1, c[:, None])[:, 0]
        # the rows of each class together: one small (rows x |class|) product per class present
        order = torch.argsort(c, stable=True)
        classes, n_rows = torch.unique_consecutive(c[order], return_counts=True)
        pieces = []
        for rows, cls in zip(order.split(n_rows.tolist()), classes.tolist()):
            m = self.members(cls)
            s = h[rows] @ self.word_proj.weight[m].T + self.word_proj.bias[m]
            slot = self.word_slot[targets[rows]]
            pieces.append(F.log_softmax(s, dim=-1).gather(1, slot[:, None])[:, 0])
        if not pieces:  # an empty batch
            return lp_class
        return lp_class + torch.empty_like(lp_class).index_put((order,), torch.cat(pieces))

    def members(self, c: int) -> torch.Tensor:
        """The word ids of class c."""
        return self.by_class[self.bounds[c]:self.bounds[c + 1]]

    def log_probs(self, h: torch.Tensor) -> torch.Tensor:
        _check(h, None, self.dim, self.size)
        lp_class = F.log_softmax(self.class_proj(h), dim=-1)          # (B, C)
        s = self.word_proj(h)                                         # (B, V)
        out = torch.empty_like(s)
        for c in range(self.n_classes):
            m = self.members(c)
            out[:, m] = F.log_softmax(s[:, m], dim=-1) + lp_class[:, c:c + 1]
        return out


def huffman_codes(counts: np.ndarray) -> tuple[list[list[int]], list[list[int]]]:
    """Huffman tree over word counts: for each word, the internal nodes on its path from
    the root and the branch taken at each (0 or 1).  Frequent words get short codes."""
    counts = np.asarray(counts, dtype=float)
    n = len(counts)
    if n == 1:
        return [[0]], [[0]]
    heap = [(c, i) for i, c in enumerate(counts)]
    heapq.heapify(heap)
    parent, branch = {}, {}
    nxt = n
    while len(heap) > 1:
        c1, a = heapq.heappop(heap)
        c2, b = heapq.heappop(heap)
        parent[a], branch[a] = nxt, 0
        parent[b], branch[b] = nxt, 1
        heapq.heappush(heap, (c1 + c2, nxt))
        nxt += 1
    root = nxt - 1
    paths, codes = [], []
    for w in range(n):
        p, c, node = [], [], w
        while node != root:
            p.append(parent[node] - n)  # internal nodes numbered 0 .. n-2
            c.append(branch[node])
            node = parent[node]
        paths.append(p[::-1])
        codes.append(c[::-1])
    return paths, codes


class HierarchicalSoftmax(OutputLayer):
    r"""Binary hierarchical softmax over a Huffman tree (Morin and Bengio; Mikolov et al.):

    .. math::  p(w \mid h) = \prod_{j} \sigma\big((1 - 2 b_j)\, (v_{n_j}^\top h + c_{n_j})\big),

    over the internal nodes :math:`n_j` on w's path with branches :math:`b_j`.  Each node's two
    children share its mass, so the leaves sum to one; a token costs O(log |V| d).
    """

    def __init__(self, dim: int, size: int, counts: np.ndarray) -> None:
        super().__init__(dim, size)
        prob = _unigram(counts, size)
        counts = np.asarray(counts, dtype=float)
        paths, codes = huffman_codes(prob)
        depth = max(map(len, paths))
        P = np.full((size, depth), -1, dtype=np.int64)
        S = np.zeros((size, depth), dtype=np.float32)
        for w, (p, c) in enumerate(zip(paths, codes)):
            P[w, : len(p)] = p
            S[w, : len(c)] = 1 - 2 * np.array(c, dtype=np.float32)
        self.register_buffer("paths", torch.as_tensor(P))
        self.register_buffer("signs", torch.as_tensor(S))
        self.nodes = nn.Embedding(max(size - 1, 1), dim)
        nn.init.normal_(self.nodes.weight, std=0.01)
        mass = np.zeros((max(size - 1, 1), 2))   # the probability below each node's two branches
        ok = P >= 0
        np.add.at(mass, (P[ok], (S[ok] < 0).astype(int)), np.broadcast_to(prob[:, None], P.shape)[ok])
        bias = np.log(np.maximum(mass[:, 0], 1e-30)) - np.log(np.maximum(mass[:, 1], 1e-30))
        self.node_bias = nn.Parameter(torch.as_tensor(bias if size > 1 else np.zeros(1), dtype=torch.float32))
        self.mean_depth = float((P >= 0).sum(1) @ (counts / counts.sum())) if counts.sum() else float(depth)

    def _log_prob_words(self, h: torch.Tensor, words: torch.Tensor) -> torch.Tensor:
        p = self.paths[words]                                     # (B, D)
        v = self.nodes(p.clamp(min=0))                            # (B, D, d)
        s = torch.einsum("bkd,bd->bk", v, h) + self.node_bias[p.clamp(min=0)]
        lp = F.logsigmoid(self.signs[words] * s)
        return (lp * (p >= 0)).sum(dim=1)

    def log_prob(self, h: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        _check(h, targets, self.dim, self.size)
        return self._log_prob_words(h, targets)

    def log_probs(self, h: torch.Tensor) -> torch.Tensor:
        _check(h, None, self.dim, self.size)
        words = torch.arange(self.size, device=h.device)
        B = h.shape[0]
        flat = self._log_prob_words(h.repeat_interleave(self.size, 0), words.repeat(B))
        return flat.view(B, self.size)


class _Sampled(FullSoftmax):
    """A full softmax's parameters, trained from k samples of a unigram proposal Q."""

    def __init__(self, dim: int, size: int, counts: np.ndarray, k: int, power: float = 1.0) -> None:
        if not isinstance(k, int) or k < 1:
            raise ValueError(f"the number of samples k must be an int >= 1, got {k!r}")
        super().__init__(dim, size, counts)  # starts from the unigram: scores near log-probabilities
        q = _unigram(counts, size) ** power
        self.register_buffer("log_q", torch.as_tensor(np.log(q / q.sum()), dtype=torch.float32))
        self.k = k

    def sample(self, n: int) -> torch.Tensor:
        return torch.multinomial(self.log_q.exp(), n, replacement=True)

    def _scores(self, h: torch.Tensor, words: torch.Tensor) -> torch.Tensor:
        """Scores of every row of h for the same words: (B, len(words))."""
        return h @ self.proj.weight[words].T + self.proj.bias[words]

    def target_score(self, h: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """The unnormalised score s(w, h) of each row's own target: O(d) per token."""
        return (h * self.proj.weight[targets]).sum(1) + self.proj.bias[targets]


class ImportanceSampling(_Sampled):
    r"""Sampled softmax (Bengio and Senécal; Jean et al.): the partition function is
    estimated from the target and k words drawn from Q, each score corrected by
    :math:`-\ln(k\, Q(w))`; the loss is the cross-entropy over those k + 1 candidates.
    Evaluation uses the exact softmax with the same parameters."""

    def loss(self, h: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        _check(h, targets, self.dim, self.size)
        noise = self.sample(self.k)                                       # shared by the batch
        s_true = self.target_score(h, targets) - self.log_q[targets] - math.log(self.k)
        s_noise = self._scores(h, noise) - self.log_q[noise] - math.log(self.k)
        s_noise = s_noise.masked_fill(noise[None, :] == targets[:, None], float("-inf"))
        logits = torch.cat([s_true[:, None], s_noise], dim=1)
        return F.cross_entropy(logits, torch.zeros(len(h), dtype=torch.long, device=h.device))


class NCE(_Sampled):
    r"""Noise-contrastive estimation (Gutmann and Hyvärinen; Mnih and Teh): a logistic
    classifier tells the target from k noise words drawn from Q, using the *unnormalised*
    score :math:`s(w, h)` as a log-probability:

    .. math::  \ell = -\ln \sigma\big(s(w) - \ln k Q(w)\big) - \sum_{j=1}^{k} \ln \sigma\big(\ln k Q(\hat w_j) - s(\hat w_j)\big).

    No partition function is computed, yet training drives :math:`\sum_w e^{s(w, h)}` towards 1
    (self-normalisation).  Evaluation: ``log_probs`` normalises exactly; ``self_normalised``
    returns the raw scores."""

    def loss(self, h: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        _check(h, targets, self.dim, self.size)
        noise = self.sample(self.k)
        log_k = math.log(self.k)
        s_true = self.target_score(h, targets)
        s_noise = self._scores(h, noise)
        pos = F.logsigmoid(s_true - self.log_q[targets] - log_k)
        neg = F.logsigmoid(-(s_noise - self.log_q[noise] - log_k)).sum(1)
        return -(pos + neg).mean()

    def self_normalised(self, h: torch.Tensor) -> torch.Tensor:
        """The raw scores s(w, h), used as log-probabilities without normalising."""
        _check(h, None, self.dim, self.size)
        return self.scores(h)


# --------------------------------------------------------------------------- models


class _LM(nn.Module):
    """Shared ``forward(x, targets) -> (logits, loss)``.

    Without targets, ``logits`` are the exact log-probabilities over the vocabulary
    (B x |V|) of the next word after each history.  With targets, in training mode the loss
    is the output layer's training loss (sampled for ``ImportanceSampling`` and ``NCE``) and
    no logits are computed; in evaluation mode it is the exact mean negative log-likelihood.
    """

    output: OutputLayer

    def features(self, x: torch.Tensor) -> torch.Tensor:  # pragma: no cover - abstract
        raise NotImplementedError

    def forward(self, x: torch.Tensor, targets: torch.Tensor | None = None):
        h = self.features(x)
        h = h.reshape(-1, h.shape[-1])
        if targets is None:
            return self.output.log_probs(h), None
        t = targets.reshape(-1)
        if self.training:
            return None, self.output.loss(h, t)
        return None, -self.output.log_prob(h, t).mean()


class AverageLM(_LM):
    r"""The simplest hidden layer: a position-weighted average of the n-1 context embeddings,
    :math:`h = \tanh\big(\sum_{j=1}^{n-1} a_j\, C(w_{i-j})\big)`, with learned weights a_j.
    ``x`` is (B, n-1): the context, oldest word first."""

    def __init__(self, size: int, dim: int, context: int, output: OutputLayer | None = None) -> None:
        super().__init__()
        if context < 1:
            raise ValueError(f"the context must hold at least one word, got {context}")
        self.context = context
        self.emb = nn.Embedding(size, dim)
        self.pos = nn.Parameter(torch.zeros(context))
        self.output = output or FullSoftmax(dim, size)

    def features(self, x):
        a = torch.softmax(self.pos, 0)
        return torch.tanh(torch.einsum("j,bjd->bd", a, self.emb(x)))


class BengioLM(_LM):
    r"""Bengio et al.'s feed-forward model: the n-1 context embeddings concatenated,
    :math:`x = [C(w_{i-n+1}); \dots; C(w_{i-1})]`, a tanh hidden layer, and optionally the
    skip connection :math:`h = x \oplus \tanh(Hx + d)` that lets the output see x directly."""

    def __init__(self, size: int, dim: int, hidden: int, context: int, skip: bool = False,
                 output: OutputLayer | None = None) -> None:
        super().__init__()
        if context < 1:
            raise ValueError(f"the context must hold at least one word, got {context}")
        self.context = context
        self.emb = nn.Embedding(size, dim)
        self.hidden = nn.Linear(context * dim, hidden)
        self.skip = skip
        out_dim = hidden + (context * dim if skip else 0)
        self.output = output or FullSoftmax(out_dim, size)

    def features(self, x):
        e = self.emb(x).flatten(1)
        h = torch.tanh(self.hidden(e))
        return torch.cat([e, h], 1) if self.skip else h


class RNNLM(_LM):
    r"""A recurrent LM (Elman RNN or LSTM): ``x`` is (B, T); the state carries the whole
    history.  ``forward`` predicts every position; ``state`` lets a caller continue across
    batches (truncated back-propagation through time).

    ``tie=True`` shares the input embeddings with the output vectors, :math:`u_w = C(w)`
    (Press and Wolf; Inan et al.): a word is one vector, whether it is read or predicted.
    It needs ``dim == hidden`` and an output layer with one vector per word (full or sampled).
    """

    def __init__(self, size: int, dim: int, hidden: int, cell: str = "lstm", layers: int = 1,
                 dropout: float = 0.0, output: OutputLayer | None = None, tie: bool = False) -> None:
        super().__init__()
        if cell not in ("rnn", "lstm"):
            raise ValueError(f"cell must be 'rnn' or 'lstm', got {cell!r}")
        self.emb = nn.Embedding(size, dim)
        rnn = nn.LSTM if cell == "lstm" else nn.RNN
        self.rnn = rnn(dim, hidden, num_layers=layers, batch_first=True,
                       dropout=dropout if layers > 1 else 0.0)
        self.drop = nn.Dropout(dropout)
        self.output = output or FullSoftmax(hidden, size)
        if tie:
            if dim != hidden or not isinstance(self.output, FullSoftmax):
                raise ValueError("tie=True needs dim == hidden and a full or sampled softmax output "
                                 f"(got dim={dim}, hidden={hidden}, {type(self.output).__name__})")
            with torch.no_grad():
                self.output.proj.weight.copy_(self.emb.weight * 0.1)
            self.emb.weight = self.output.proj.weight
        self.state = None

    def features(self, x):
        if self.state is not None:
            h0 = self.state[0] if isinstance(self.state, tuple) else self.state
            if h0.shape[1] != x.shape[0]:  # a batch of another size: a new set of texts
                self.state = None
        out, state = self.rnn(self.drop(self.emb(x)), self.state)
        self.state = tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()
        return self.drop(out)

    def reset(self) -> None:
        """Forget the carried state (at the start of a new text)."""
        self.state = None


# --------------------------------------------------------------------------- evaluation


def lm_ids(vocab, sentences) -> np.ndarray:
    """The id stream a neural LM reads: ``</s>`` first (the start of the text), then every
    word and every ``</s>`` of ``sentences``.  Its targets (all but the first id) are exactly
    the tokens an ``NgramLM`` predicts, so the perplexities of the two families compare."""
    from .adapt import stream

    return np.concatenate(([vocab.eos_id], stream(vocab, sentences))).astype(np.int64)


@torch.no_grad()
def token_logprobs(model: nn.Module, ids: np.ndarray, batch: int = 10, length: int = 35,
                   device=None, normalise: bool = True) -> np.ndarray:
    r"""Exact :math:`\ln p(w_t \mid w_{<t})` for every target ``ids[1:]``, in order.

    A recurrent model reads the stream cut into ``batch`` contiguous pieces in parallel, each
    from a fresh state (the usual batched evaluation: only the first word of each piece loses
    its history).  A feed-forward model (one with ``context``) sees the previous ``context``
    ids of each target, the stream's start padded with its first id.

    ``normalise=False`` (NCE only) returns the raw scores s(w, h) of the targets instead: no
    partition function, O(d) per token, a distribution only as far as NCE self-normalised.
    """
    ids = np.asarray(ids, dtype=np.int64)
    if ids.ndim != 1 or len(ids) < 2:
        raise ValueError(f"need a 1-d stream of at least 2 ids, got shape {ids.shape}")
    size = model.output.size
    if ids.min() < 0 or ids.max() >= size:
        raise ValueError(f"ids must lie in [0, {size}): build them with the model's vocabulary")
    if normalise:
        score = model.output.log_prob
    elif isinstance(model.output, NCE):
        score = model.output.target_score
    else:
        raise ValueError("normalise=False needs an NCE output layer: only NCE trains its scores "
                         "to be log-probabilities without normalisation")
    device = device or next(model.parameters()).device
    was_training = model.training
    model.eval()
    n_targets = len(ids) - 1
    out = np.empty(n_targets)
    t = torch.as_tensor(ids, device=device)
    if hasattr(model, "context"):
        pad = t[:1].repeat(model.context - 1)
        win = torch.cat([pad, t]).unfold(0, model.context + 1, 1)       # (n_targets, n)
        for i in range(0, n_targets, 4096):
            w = win[i:i + 4096]
            h = model.features(w[:, :-1])
            out[i:i + len(w)] = score(h, w[:, -1]).double().cpu().numpy()
    else:
        n = -(-n_targets // batch)                                       # ceil
        x = torch.full((batch * n,), int(ids[0]), device=device)
        y = torch.zeros(batch * n, dtype=torch.long, device=device)
        x[:n_targets], y[:n_targets] = t[:-1], t[1:]
        x, y = x.view(batch, n), y.view(batch, n)
        lp = torch.empty(batch, n, dtype=torch.float64)
        model.reset()
        for i in range(0, n, length):
            h = model.features(x[:, i:i + length])
            piece = score(h.reshape(-1, h.shape[-1]), y[:, i:i + length].reshape(-1))
            lp[:, i:i + length] = piece.view(batch, -1).double().cpu()
        model.reset()
        out[:] = lp.view(-1)[:n_targets].numpy()
    model.train(was_training)
    return out


def perplexity(model: nn.Module, ids: np.ndarray, **kwargs) -> float:
    r"""Perplexity :math:`\exp(-\frac1N \sum_t \ln p(w_t \mid w_{<t}))` of ``ids[1:]``
    (see ``token_logprobs``)."""
    return float(np.exp(-token_logprobs(model, ids, **kwargs).mean()))


def nearest_neighbours(emb: torch.Tensor | np.ndarray, vocab, words, k: int = 5) -> dict[str, list[str]]:
    """The ``k`` words whose embeddings (rows of ``emb``) have the highest cosine similarity
    to each word in ``words``: the byproduct the notes call the matrix Q."""
    e = torch.as_tensor(emb).detach().float().cpu()
    e = e / e.norm(dim=1, keepdim=True).clamp(min=1e-12)
    out = {}
    for w in words:
        if w not in vocab:
            raise KeyError(f"{w!r} is not in the vocabulary ({len(vocab)} words)")
        sim = e @ e[vocab[w]]
        sim[vocab[w]] = -2
        sim[[vocab[t] for t in vocab.specials if t in vocab]] = -2
        out[w] = vocab.decode(sim.topk(k).indices.tolist())
    return out
