r"""GloVe (Pennington, Socher & Manning 2014): word vectors fitted to the logarithm of the
co-occurrence counts.

Given the co-occurrence matrix :math:`X` (``lmkit.embeddings.cooccur``), GloVe fits a word
vector :math:`w_i`, a context vector :math:`\tilde w_j` and two biases to every non-zero cell
by weighted least squares,

.. math::

    J = \sum_{i,j:\, X_{ij} > 0} f(X_{ij})\,
        \bigl(w_i^\top \tilde w_j + b_i + \tilde b_j - \log X_{ij}\bigr)^2,
    \qquad f(x) = \min\bigl((x / x_{\max})^{\alpha},\ 1\bigr),

with :math:`x_{\max} = 100` and :math:`\alpha = 3/4`: :math:`f` keeps rare, noisy pairs from
counting as much as frequent ones and caps the most frequent ones at 1.  The model is a
``torch.nn.Module`` (``GloVeModel(GloVeConfig, vocab_size)``, ``forward(rows, cols, targets,
weights) -> (prediction, loss)``) trained by the book's one loop (``lmkit.train.train``) with
AdaGrad over shuffled batches of the non-zero cells, every epoch a new order, on the GPU when
there is one.  The word's final vector is :math:`w_i + \tilde w_i` (the paper's choice: the two
sets differ only by their random start when :math:`X` is symmetric).

As the reference implementation (glove.c), the loss of a batch is the sum of
:math:`\tfrac12 f(X_{ij})(\cdot)^2` over its cells, the vectors start uniform in
:math:`[-0.5, 0.5] / d`, the biases at 0, and AdaGrad's accumulators at 1.  Within a batch the
gradients of cells that share a row are added before the step (glove.c's threads update one
cell at a time, Hogwild).
"""

from __future__ import annotations

import functools
import math
import time
from dataclasses import asdict, dataclass
from typing import Callable

import numpy as np
import torch

from ..checks import check_int, check_real
from .keyed import KeyedVectors

__all__ = ["GloVe", "GloVeConfig", "GloVeModel", "glove_cells", "glove_weight"]


def glove_weight(x, x_max: float = 100.0, alpha: float = 0.75) -> np.ndarray:
    r"""GloVe's weighting :math:`f(x) = \min((x / x_{\max})^\alpha, 1)`, element-wise on
    counts :math:`x \ge 0` (:math:`f(0) = 0`)."""
    x_max = check_real("x_max", x_max, 0, low_open=True)
    alpha = check_real("alpha", alpha, 0, low_open=True)
    x = np.asarray(x, dtype=np.float64)
    if not np.all(np.isfinite(x)) or np.any(x < 0):
        raise ValueError("co-occurrence counts must be finite and >= 0")
    return np.minimum((x / x_max) ** alpha, 1.0)


@dataclass
class GloVeConfig:
    """GloVe's settings.  ``x_max`` and ``alpha`` shape the weighting :math:`f` (the paper's
    100 and 3/4); ``epochs`` passes over the non-zero cells in shuffled ``batch``-sized pieces
    (the paper: 50 for vectors under 300 dimensions, 100 otherwise); ``device=None`` takes the
    GPU when there is one.

    ``lr`` is AdaGrad's rate.  glove.c's 0.05 is a rate per cell: each cell moves its rows at
    once.  Here a row gets one step per batch, its cells' gradients summed, so a batch of
    65,536 cells needs a larger rate: on 0.5 M tokens of the novels (d = 50, 10 epochs) the
    objective :math:`J` per cell ended at 0.025 with 0.05, 0.018 with 0.1 and 0.0085 with 0.5
    (chosen on :math:`J`, the training objective, not on an evaluation set)."""

    vector_size: int = 100
    x_max: float = 100.0
    alpha: float = 0.75
    lr: float = 0.5
    epochs: int = 25
    batch: int = 65_536
    seed: int = 0
    device: str | None = None

    def __post_init__(self) -> None:
        self.vector_size = check_int("vector_size", self.vector_size, 1)
        self.x_max = check_real("x_max", self.x_max, 0, low_open=True)
        self.alpha = check_real("alpha", self.alpha, 0, low_open=True)
        self.lr = check_real("lr", self.lr, 0, low_open=True)
        self.epochs = check_int("epochs", self.epochs, 1)
        self.batch = check_int("batch", self.batch, 1)
        self.seed = check_int("seed", self.seed, 0)


class GloVeModel(torch.nn.Module):
    r"""The parameters :math:`W, \tilde W, b, \tilde b` and the weighted squared error of a
    batch of cells, :math:`\tfrac12 \sum f(X_{ij})(w_i^\top\tilde w_j + b_i + \tilde b_j -
    \log X_{ij})^2`."""

    def __init__(self, config: GloVeConfig, vocab_size: int) -> None:
        super().__init__()
        vocab_size = check_int("vocab_size", vocab_size, 1)
        d = config.vector_size
        self.config = config
        self.w = torch.nn.Embedding(vocab_size, d)
        self.w_tilde = torch.nn.Embedding(vocab_size, d)
        self.b = torch.nn.Embedding(vocab_size, 1)
        self.b_tilde = torch.nn.Embedding(vocab_size, 1)
        with torch.no_grad():
            for e in (self.w, self.w_tilde):
                e.weight.uniform_(-0.5 / d, 0.5 / d)
            for e in (self.b, self.b_tilde):
                e.weight.zero_()

    def forward(self, rows: torch.Tensor, cols: torch.Tensor, targets: torch.Tensor,
                weights: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``(prediction, loss)``: the model's :math:`\\log X_{ij}` for every cell and the
        batch's weighted squared error (``targets`` are the cells' :math:`\\log X_{ij}`,
        ``weights`` their :math:`f(X_{ij})`)."""
        pred = ((self.w(rows) * self.w_tilde(cols)).sum(-1) + self.b(rows).squeeze(-1)
                + self.b_tilde(cols).squeeze(-1))
        return pred, 0.5 * (weights * (pred - targets) ** 2).sum()

    def vectors(self) -> np.ndarray:
        r""":math:`W + \tilde W` as float32 numpy."""
        return (self.w.weight + self.w_tilde.weight).detach().float().cpu().numpy()


def glove_cells(X, x_max: float = 100.0, alpha: float = 0.75) -> dict[str, np.ndarray]:
    r"""The training cells of a co-occurrence matrix: ``rows``, ``cols`` (int64), ``targets``
    :math:`\log X_{ij}` and ``weights`` :math:`f(X_{ij})` (float32) of its non-zeros."""
    import scipy.sparse as sp

    if not sp.issparse(X) or X.ndim != 2 or X.shape[0] != X.shape[1]:
        raise TypeError(f"X must be a square scipy.sparse co-occurrence matrix (e.g. from "
                        f"lmkit.embeddings.cooccurrence), got {type(X).__name__} "
                        f"{getattr(X, 'shape', '')}")
    coo = sp.coo_matrix(X)
    keep = coo.data != 0
    values = coo.data[keep]
    if values.size == 0:
        raise ValueError("the co-occurrence matrix has no non-zero cell: the corpus is empty or "
                         "every sentence is one word; give a larger corpus")
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise ValueError("co-occurrence counts must be finite and >= 0")
    return {"rows": coo.row[keep].astype(np.int64), "cols": coo.col[keep].astype(np.int64),
            "targets": np.log(values).astype(np.float32),
            "weights": glove_weight(values, x_max, alpha).astype(np.float32)}


class GloVe:
    """``GloVe(GloVeConfig(...))`` or ``GloVe(vector_size=..., ...)``; ``fit(X, words)`` trains
    it and leaves the vectors :math:`W + \\tilde W` in ``self.wv`` (a ``KeyedVectors``).

    After ``fit``: ``epoch_loss`` (:math:`J` over all cells after each epoch, divided by the
    number of cells), ``epoch_seconds`` (training time to the end of each epoch, without the
    loss passes and the callback), ``train_seconds``, ``model`` (the ``GloVeModel``)."""

    def __init__(self, config: GloVeConfig | None = None, **kwargs) -> None:
        if config is not None and kwargs:
            raise TypeError("give a GloVeConfig or keyword settings, not both")
        if config is not None and not isinstance(config, GloVeConfig):
            raise TypeError(f"config must be a GloVeConfig, got {type(config).__name__}")
        self.config = config if config is not None else GloVeConfig(**kwargs)

    def fit(self, X, words, counts=None, progress: bool = True,
            callback: Callable[[int, "GloVe"], None] | None = None) -> "GloVe":
        """Train on the co-occurrence matrix ``X`` (square, ``len(words)`` rows) for
        ``config.epochs`` epochs.  ``callback(epoch, self)`` runs after each epoch, with
        ``self.wv`` set to the vectors so far (its time is not training time)."""
        from ..runtime import get_device
        from ..train import shuffled_batches, train

        cfg = self.config
        words = list(words)
        if X is None or getattr(X, "shape", (0,))[0] != len(words):
            raise ValueError(f"X must have one row per word: {getattr(X, 'shape', None)} for "
                             f"{len(words)} words")
        cells = glove_cells(X, cfg.x_max, cfg.alpha)
        n = len(cells["targets"])
        per_epoch = math.ceil(n / cfg.batch)
        device = get_device(cfg.device)
        torch.manual_seed(cfg.seed)
        model = GloVeModel(cfg, len(words)).to(device)
        self.model, self.words, self.counts = model, words, counts
        full = {k: torch.as_tensor(v, device=device) for k, v in cells.items()}
        self.epoch_loss, self.epoch_seconds = [], []
        paused = [0.0]
        start = time.perf_counter()

        def on_step(step: int) -> None:
            if step % per_epoch:
                return
            t = time.perf_counter()
            self.epoch_seconds.append(t - start - paused[0])
            self.epoch_loss.append(self.objective(full) / n)
            if callback is not None:
                self.wv = KeyedVectors(words, model.vectors(), counts, copy=False)
                callback(len(self.epoch_seconds), self)
            model.train()
            paused[0] += time.perf_counter() - t

        batches = shuffled_batches(cells, cfg.batch, seed=cfg.seed, device=device)
        train(model, batches, steps=cfg.epochs * per_epoch, lr=cfg.lr, warmup=0,
              schedule="constant", clip=None, seed=cfg.seed, progress=progress, title="GloVe",
              on_step=on_step,
              optimizer=functools.partial(torch.optim.Adagrad, initial_accumulator_value=1.0))
        self.train_seconds = self.epoch_seconds[-1]
        self.wv = KeyedVectors(words, model.vectors(), counts, copy=False)
        return self

    @torch.no_grad()
    def objective(self, cells: dict[str, torch.Tensor], block: int = 1 << 20) -> float:
        r""":math:`J = \sum f(X_{ij})(w_i^\top\tilde w_j + b_i + \tilde b_j - \log X_{ij})^2`
        over ``cells`` (``glove_cells``' tensors), in blocks."""
        self.model.eval()
        total, n = 0.0, len(cells["targets"])
        for s in range(0, n, block):
            part = {k: v[s:s + block] for k, v in cells.items()}
            total += 2.0 * float(self.model(**part)[1])
        return total

    def settings(self) -> dict:
        """The config as a plain dict."""
        return asdict(self.config)
