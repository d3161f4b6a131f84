r"""Output layers: from a hidden vector :math:`x \in \mathbb{R}^d` to a distribution over the words.

The output layer is where a neural LM spends its time: the full softmax

.. math::  p(w \mid h) = \frac{\exp(O_w^\top x + b_w)}{\sum_{w'} \exp(O_{w'}^\top x + b_{w'})}

(:math:`O` the output embedding matrix, one row per word; :math:`s(w, h) = O_w^\top x + b_w`
the score) touches every row of :math:`O` for every token.  Every layer here shares one
interface:

- ``loss(h, targets)``: the training loss, exact or sampled (mean over the batch);
- ``log_prob(h, targets)``: the *exact* log-probability of each target, for evaluation;
- ``log_probs(h)``: the exact log-distribution over every output (B x size);
- ``forward(h, targets=None)``: ``(log_probs, None)``, or ``(None, loss)`` given targets, so
  that a layer alone trains with ``lmkit.train.train`` on fixed hidden vectors.

``FullSoftmax`` is the reference; ``ClassSoftmax`` (two levels, about √size classes binned by
frequency) and ``HierarchicalSoftmax`` (a binary Huffman tree) are exact distributions that
are cheaper to train; ``ImportanceSampling`` and ``NCE`` (``lmkit.nn.sampled``) train a full
softmax's parameters from S samples (``k`` in the code) of a unigram proposal Q and evaluate
with the exact softmax.  ``lmkit.nn.cost.theoretical_speedup`` gives each layer's
multiply-add saving.

``size`` is the number of outputs, one per id of the vocabulary: with ``lmkit.text.Vocab``'s
specials that is |V| + 1, as ``<s>`` has an id too but is never a target (its count is 0, so
every layer starts it near probability 0).

Every layer takes the training ``counts`` (one per word) as data: they give the unigram start
of its parameters and, for the class and tree layers, their structure.  That structure (class
membership and bounds, Huffman paths and branch signs) is kept in buffers, so a layer saved in a
state dict reloads from the file alone: a layer built *without* counts holds a placeholder
structure (uniform counts) and adopts the saved one on ``load_state_dict``; a layer built *with*
counts refuses a state whose structure differs from its own.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from ..checks import check_int, check_real
from .huffman import huffman_codes

__all__ = ["OUTPUT_KINDS", "ClassSoftmax", "FullSoftmax", "HierarchicalSoftmax", "OutputLayer",
           "output_layer"]

#: the names of the output layers, as ``output=`` of the model configs
OUTPUT_KINDS = ("full", "class", "hierarchical", "importance", "nce")


def _check(h: torch.Tensor, targets: torch.Tensor | None, dim: int, size: int) -> None:
    """Hidden states: a float tensor (batch, dim); targets: a torch.long tensor (batch,) of ids
    in [0, size)."""
    if not isinstance(h, torch.Tensor) or not h.is_floating_point():
        got = f"a {h.dtype} tensor" if isinstance(h, torch.Tensor) else type(h).__name__
        raise TypeError(f"hidden states must be a float tensor of shape (batch, {dim}), got {got}")
    if h.dim() != 2 or h.shape[1] != dim:
        raise ValueError(f"hidden states must have shape (batch, {dim}), got {tuple(h.shape)}")
    if targets is not None:
        if not isinstance(targets, torch.Tensor) or targets.dtype != torch.long:
            got = f"a {targets.dtype} tensor" if isinstance(targets, torch.Tensor) else type(targets).__name__
            raise TypeError(f"targets must be a tensor of word ids of dtype torch.long, got {got}: "
                            f"use torch.as_tensor(ids, dtype=torch.long)")
        if targets.shape != (h.shape[0],):
            raise ValueError(f"targets must have shape ({h.shape[0]},), got {tuple(targets.shape)}")
        if len(targets) and (targets.min() < 0 or targets.max() >= size):
            raise ValueError(f"targets must be word ids in [0, {size}), got "
                             f"{int(targets.min())}..{int(targets.max())}: encode words with the "
                             f"model's vocabulary")


def _unigram(counts, size: int) -> np.ndarray:
    """Word probabilities from training counts (add 1e-3, so none is zero), checked."""
    try:
        counts = np.asarray(counts, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"counts must be numbers: the training count of each of the {size} "
                        f"words") from None
    if counts.shape != (size,):
        raise ValueError(f"counts must give one count per word ({size}), got shape {counts.shape}")
    if np.any(counts < 0) or not np.all(np.isfinite(counts)):
        raise ValueError("counts must be finite and >= 0")
    c = counts + 1e-3
    return c / c.sum()


class OutputLayer(nn.Module):
    """Common checks, the exact evaluation path via ``log_probs``, and structure buffers that
    a layer built without counts adopts from a saved state (see the module's docstring)."""

    kind = ""
    #: buffers derived from the counts that define the layer's distribution (checked on load)
    _structure: tuple[str, ...] = ()

    def __init__(self, dim: int, size: int, counts=None) -> None:
        super().__init__()
        size = check_int("size (the vocabulary)", size)
        if size < 1:
            raise ValueError(f"size (the vocabulary) must be an integer in [1, inf), got {size}: "
                             f"the vocabulary is empty, and an output layer needs at least one word")
        self.dim, self.size = check_int("dim (the hidden size)", dim, 1), size
        self._placeholder = counts is None  # structure from uniform counts, to be adopted on load

    def log_probs(self, h: torch.Tensor) -> torch.Tensor:  # pragma: no cover - abstract
        raise NotImplementedError

    def log_prob(self, h: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """The exact ln p(target | h) of each row."""
        _check(h, targets, self.dim, self.size)
        return self.log_probs(h).gather(1, targets[:, None])[:, 0]

    def loss(self, h: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """The training loss: here the exact mean negative log-likelihood."""
        return -self.log_prob(h, targets).mean()

    def forward(self, h: torch.Tensor, targets: torch.Tensor | None = None
                ) -> tuple[torch.Tensor | None, torch.Tensor | None]:
        """``(log_probs(h), None)``; given targets, ``(None, loss(h, targets))``: the training
        loss alone, as a sampled layer never computes the full distribution in training.  The
        ``(logits, loss)`` pair of a model, so that ``lmkit.train.train`` trains a layer alone
        on fixed hidden vectors (batches of dicts with ``"h"`` and ``"targets"``)."""
        if targets is None:
            return self.log_probs(h), None
        return None, self.loss(h, targets)

    def extra_repr(self) -> str:
        return f"dim={self.dim}, size={self.size}"

    # -- loading: adopt or check the structure -------------------------------------------
    def _adopt(self, state_dict: dict, prefix: str) -> None:
        """Make room for the saved structure (buffers and parameters of its shapes)."""
        for name in self._structure:
            saved, mine = state_dict[prefix + name], getattr(self, name)
            if saved.shape != mine.shape:
                setattr(self, name, torch.empty(saved.shape, dtype=mine.dtype, device=mine.device))

    def _structure_loaded(self) -> None:
        """Refresh what is derived from the structure buffers after a load."""

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs) -> None:
        present = [n for n in self._structure if prefix + n in state_dict]
        if present and self._placeholder:
            self._adopt(state_dict, prefix)
        elif present:
            differ = [n for n in present
                      if state_dict[prefix + n].shape != getattr(self, n).shape
                      or not torch.equal(state_dict[prefix + n].to(getattr(self, n).device),
                                         getattr(self, n))]
            if differ:
                error_msgs.append(
                    f"{type(self).__name__} '{prefix}': the saved {', '.join(differ)} differ from "
                    f"this layer's, which was built from other counts. Build the layer with the "
                    f"counts it was trained with, or without counts to adopt the saved structure.")
                return
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                      unexpected_keys, error_msgs)
        if present:
            self._placeholder = False
            self._structure_loaded()


class FullSoftmax(OutputLayer):
    r"""The exact softmax over every word: cost O(|V| d) per token.

    ``proj.weight`` is the output embedding matrix :math:`O` (one row per word) and
    ``proj.bias`` the biases :math:`b`.  Every layer that is given ``counts`` starts from the
    unigram distribution: its biases give ln p(w) and its weights are scaled down, so that
    training begins where a unigram model ends instead of at the uniform distribution, with
    :math:`\ln Z(h) \approx 0`.  Comparisons between layers do this for all;
    ``shift_scores(c)`` moves the start to :math:`\ln Z(h) \approx c` (an unnormalised start).
    """

    kind = "full"

    def __init__(self, dim: int, size: int, counts: np.ndarray | None = None) -> None:
        super().__init__(dim, size, counts)
        dim, size = self.dim, self.size
        self.proj = nn.Linear(dim, size)
        if counts is not None:
            with torch.no_grad():
                self.proj.bias.copy_(torch.as_tensor(np.log(_unigram(counts, size))))
                self.proj.weight.mul_(0.1)

    def scores(self, h: torch.Tensor) -> torch.Tensor:
        r"""The unnormalised scores :math:`s(w, h) = O_w^\top x + b_w` of every word (B x |V|)."""
        _check(h, None, self.dim, self.size)
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

    def shift_scores(self, c: float) -> None:
        r"""Add ``c`` to every bias, hence to every score :math:`s(w, h)`: the distribution
        :math:`p(w \mid h)` is unchanged, and :math:`\ln Z(h)` grows by ``c``.  A control
        for self-normalisation: the softmax losses cannot see the shift, NCE's can."""
        c = check_real("c (the shift of every score)", c)
        with torch.no_grad():
            self.proj.bias.add_(c)


class ClassSoftmax(OutputLayer):
    r"""Two-level softmax: :math:`p(w \mid h) = p(c(w) \mid h)\, p(w \mid c(w), h)`.

    Words sorted by frequency are cut into about √|V| classes of equal total frequency
    (Goodman; Mikolov et al.), so that frequent words sit in small classes.  A token costs
    O((C + |c(w)|) d) instead of O(|V| d): about √|V|/2 times less for balanced classes.
    Without ``counts`` the classes are placeholders (equal-sized, by id) until a saved
    state brings its own.
    """

    kind = "class"
    _structure = ("word_class", "word_slot", "by_class", "bounds")

    def __init__(self, dim: int, size: int, counts: np.ndarray | None = None,
                 n_classes: int | None = None) -> None:
        super().__init__(dim, size, counts)
        dim, size = self.dim, self.size
        if n_classes is not None:
            n_classes = check_int("n_classes", n_classes, 1, self.size)
        counts = np.ones(size) if counts is None else counts
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
        bounds = np.concatenate([[0], np.cumsum(sizes)])
        slot = np.empty(size, dtype=np.int64)
        slot[by_class] = np.arange(size) - np.repeat(bounds[:-1], sizes)
        self.register_buffer("word_class", torch.as_tensor(cls))
        self.register_buffer("word_slot", torch.as_tensor(slot))
        self.register_buffer("by_class", torch.as_tensor(by_class))
        self.register_buffer("bounds", torch.as_tensor(bounds, dtype=torch.int64))
        self._bounds = bounds.tolist()
        self.class_proj = nn.Linear(dim, self.n_classes)
        self.word_proj = nn.Linear(dim, size)
        p_class = np.bincount(cls, weights=p, minlength=self.n_classes)
        with torch.no_grad():  # start from the unigram: p(c) p(w | c) = p(w)
            self.class_proj.bias.copy_(torch.as_tensor(np.log(p_class)))
            self.word_proj.bias.copy_(torch.as_tensor(np.log(p / p_class[cls])))
            self.class_proj.weight.mul_(0.1)
            self.word_proj.weight.mul_(0.1)

    def _adopt(self, state_dict: dict, prefix: str) -> None:
        super()._adopt(state_dict, prefix)
        w = state_dict.get(prefix + "class_proj.weight")
        if w is not None and w.shape != self.class_proj.weight.shape:
            old = self.class_proj.weight
            self.class_proj = nn.Linear(self.dim, w.shape[0], device=old.device, dtype=old.dtype)

    def _structure_loaded(self) -> None:
        self._bounds = self.bounds.tolist()
        self.n_classes = len(self._bounds) - 1

    def members(self, c: int) -> torch.Tensor:
        """The word ids of class c."""
        return self._members(check_int("the class c", c, 0, self.n_classes - 1))

    def _members(self, c: int) -> torch.Tensor:
        return self.by_class[self._bounds[c]:self._bounds[c + 1]]

    def class_sizes(self) -> np.ndarray:
        """The number of words in each class."""
        return np.diff(self._bounds)

    def log_prob(self, h: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        _check(h, targets, self.dim, self.size)
        c = self.word_class[targets]
        lp_class = F.log_softmax(self.class_proj(h), dim=-1).gather(1, c[:, None])[:, 0]
        # the rows of each class together: one small (rows x |class|) product per class present
        order = torch.argsort(c, stable=True)
        classes, n_rows = torch.unique_consecutive(c[order], return_counts=True)
        pieces = []
        for rows, cls in zip(order.split(n_rows.tolist()), classes.tolist()):
            m = self._members(cls)
            s = h[rows] @ self.word_proj.weight[m].T + self.word_proj.bias[m]
            slot = self.word_slot[targets[rows]]
            pieces.append(F.log_softmax(s, dim=-1).gather(1, slot[:, None])[:, 0])
        if not pieces:  # an empty batch
            return lp_class
        return lp_class + torch.empty_like(lp_class).index_put((order,), torch.cat(pieces))

    def log_probs(self, h: torch.Tensor) -> torch.Tensor:
        _check(h, None, self.dim, self.size)
        lp_class = F.log_softmax(self.class_proj(h), dim=-1)          # (B, C)
        s = self.word_proj(h)                                         # (B, V)
        out = torch.empty_like(s)
        for c in range(self.n_classes):
            m = self._members(c)
            out[:, m] = F.log_softmax(s[:, m], dim=-1) + lp_class[:, c:c + 1]
        return out

    def extra_repr(self) -> str:
        return f"{super().extra_repr()}, n_classes={self.n_classes}"


class HierarchicalSoftmax(OutputLayer):
    r"""Binary hierarchical softmax over a Huffman tree (Morin and Bengio; Mikolov et al.):

    .. math::  p(w \mid h) = \prod_{j=1}^{L(w)} \sigma\big((1 - 2 u_j)\,
               (o_{n_j}^\top x + a_{n_j})\big),

    the product over the :math:`L(w)` internal nodes :math:`n_j` on w's path from the root,
    with branches :math:`u_j \in \{0, 1\}` (``path(w)``), node vectors :math:`o_n` and biases
    :math:`a_n` (``node_embeddings()``).  Each node's two children share
    its mass, so the leaves sum to one; a token costs O(d log |V|).  Without ``counts`` the
    tree is a placeholder (uniform counts) until a saved state brings its own.
    """

    kind = "hierarchical"
    _structure = ("paths", "signs")

    def __init__(self, dim: int, size: int, counts: np.ndarray | None = None) -> None:
        super().__init__(dim, size, counts)
        dim, size = self.dim, self.size
        counts = np.ones(size) if counts is None else counts
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
        mean = float((P >= 0).sum(1) @ (counts / counts.sum())) if counts.sum() else float(depth)
        self.register_buffer("expected_depth", torch.tensor(mean, dtype=torch.float64))

    @property
    def mean_depth(self) -> float:
        """The path length averaged over the training tokens (at most H + 1 bits)."""
        return float(self.expected_depth)

    @property
    def max_depth(self) -> int:
        """The longest path: the depth of the tree."""
        return int(self.paths.shape[1])

    @property
    def depths(self) -> np.ndarray:
        """The path length L(w) of every word (its number of binary decisions)."""
        return (self.paths >= 0).sum(1).cpu().numpy()

    def path(self, w: int) -> tuple[torch.Tensor, torch.Tensor]:
        """The internal nodes :math:`n_1 .. n_L` on word ``w``'s path from the root, and the
        branch :math:`u_j` (0 or 1) taken at each."""
        w = check_int("the word id w", w, 0, self.size - 1)
        on = self.paths[w] >= 0
        return self.paths[w][on], ((1 - self.signs[w][on]) / 2).long()

    def node_embeddings(self) -> tuple[torch.Tensor, torch.Tensor]:
        r"""The node vectors :math:`o_n` (one row per internal node) and biases :math:`a_n`."""
        return self.nodes.weight, self.node_bias

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


def output_layer(dim: int, size: int, counts: np.ndarray | None = None, *, output: str = "full",
                 k: int | None = None, n_classes: int | None = None,
                 power: float = 1.0) -> OutputLayer:
    """The output layer named ``output`` (one of ``OUTPUT_KINDS``) from ``dim`` to ``size`` words.

    The keywords are those of the model configs (``lmkit.models.OutputConfig``): ``k``
    (the number of samples S) and ``power`` (of the unigram proposal Q) are for
    ``"importance"`` and ``"nce"``, ``n_classes`` for ``"class"``; ``counts`` (training
    counts, one per word) give every layer its unigram start and the class/tree layers
    their structure.
    """
    from .sampled import NCE, ImportanceSampling

    if output not in OUTPUT_KINDS:
        raise ValueError(f"unknown output layer {output!r}; choose one of {OUTPUT_KINDS}")
    sampled = output in ("importance", "nce")
    if k is not None and not sampled:
        raise ValueError(f"k is the number of samples of the 'importance' and 'nce' output "
                         f"layers; the {output!r} layer takes none (leave k=None)")
    if n_classes is not None and output != "class":
        raise ValueError(f"n_classes is for output='class', not {output!r} (leave n_classes=None)")
    if not sampled and (isinstance(power, bool) or power != 1.0):
        raise ValueError(f"power shapes the proposal of the sampled output layers; the "
                         f"{output!r} layer has none (leave power=1.0)")
    if output == "full":
        return FullSoftmax(dim, size, counts)
    if output == "class":
        return ClassSoftmax(dim, size, counts, n_classes=n_classes)
    if output == "hierarchical":
        return HierarchicalSoftmax(dim, size, counts)
    return (ImportanceSampling if output == "importance" else NCE)(dim, size, counts, k=k, power=power)
