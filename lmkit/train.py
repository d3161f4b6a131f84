"""A small training loop for the neural chapters: batches, the loop itself, and a live plot.

``train`` runs any model with ``forward(x, targets) -> (logits, loss)``: seeded, with Adam,
gradient clipping, a warm-up then cosine learning-rate schedule, periodic evaluation, a tqdm
progress bar, and a loss/perplexity plot that redraws while it trains in JupyterLab and stays
as a static figure in the rendered book.  It stops after ``steps`` or ``seconds``.
"""

from __future__ import annotations

import math
import time
from typing import Callable, Iterator

import numpy as np
import torch

__all__ = ["LivePlot", "bptt_batches", "ngram_batches", "train"]


def bptt_batches(ids: np.ndarray, batch: int, length: int, device=None) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """An id stream cut into ``batch`` parallel streams, yielded ``length`` tokens at a time as
    (input, next-token target) pairs, forever (for truncated back-propagation through time)."""
    if batch < 1 or length < 1:
        raise ValueError(f"batch and length must be >= 1, got {batch} and {length}")
    ids = torch.as_tensor(np.asarray(ids, dtype=np.int64))
    n = (len(ids) - 1) // batch
    if n < 2:
        raise ValueError(f"a stream of {len(ids)} tokens is too short for {batch} parallel streams")
    x = ids[: n * batch].view(batch, n).to(device)
    y = ids[1: n * batch + 1].view(batch, n).to(device)
    while True:
        for i in range(0, n - 1, length):
            yield x[:, i:i + length], y[:, i:i + length]


def ngram_batches(ids: np.ndarray, context: int, batch: int, seed: int = 0,
                  device=None) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Random (context words, next word) pairs of an id stream, ``batch`` at a time, forever:
    the training data of the feed-forward models."""
    ids = torch.as_tensor(np.asarray(ids, dtype=np.int64))
    if len(ids) <= context:
        raise ValueError(f"a stream of {len(ids)} tokens has no window of {context} + 1 words")
    windows = ids.unfold(0, context + 1, 1)
    gen = torch.Generator().manual_seed(seed)
    while True:
        for idx in torch.randperm(len(windows), generator=gen).split(batch):
            w = windows[idx].to(device)
            yield w[:, :-1], w[:, -1]


class LivePlot:
    """Training and validation perplexity against steps, redrawn in place in a notebook."""

    def __init__(self, title: str = "") -> None:
        import matplotlib.pyplot as plt

        self.plt, self.title = plt, title
        self.handle = None

    def update(self, history: dict, final: bool = False) -> None:
        fig, ax = self.plt.subplots(figsize=(6, 3.2))
        if history["train_loss"]:
            s, l = zip(*history["train_loss"])
            ax.semilogy(s, np.exp(np.array(l)), alpha=0.6, label="exp(training loss), running")
        if history["valid_loss"]:
            s, l = zip(*history["valid_loss"])
            ax.semilogy(s, np.exp(np.array(l)), "o-", label="validation")
        ax.set_xlabel("step"); ax.set_ylabel("perplexity"); ax.set_title(self.title)
        ax.legend(); fig.tight_layout()
        try:
            from IPython.display import display
        except ImportError:  # pragma: no cover - outside IPython there is nothing to redraw
            self.plt.close(fig)
            return
        if self.handle is None:
            self.handle = display(fig, display_id=True)
        else:
            self.handle.update(fig)
        self.plt.close(fig)


def train(model: torch.nn.Module, batches: Iterator, *, steps: int | None = None,
          seconds: float | None = None, lr: float = 1e-3, warmup: int = 100, clip: float = 1.0,
          weight_decay: float = 0.0, evaluate: Callable[[], float] | None = None,
          eval_every: int = 200, seed: int = 0, progress: bool = True, plot: bool = False,
          title: str = "", on_step: Callable[[int], None] | None = None) -> dict:
    """Train ``model`` on ``batches`` (an iterator of (x, y)) for ``steps`` or ``seconds``.

    The learning rate rises linearly over ``warmup`` steps, then follows a cosine to zero at
    the last step (for a time budget, the cosine follows the elapsed fraction of ``seconds``).
    ``evaluate()`` returns a validation loss (nats per token).  Returns a history dict with
    the running training loss, the validation losses, the tokens seen and the elapsed time.
    """
    from tqdm.auto import tqdm

    if steps is None and seconds is None:
        raise ValueError("give a budget: steps, seconds, or both")
    if lr <= 0 or clip <= 0:
        raise ValueError(f"lr and clip must be > 0, got {lr} and {clip}")
    torch.manual_seed(seed)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    history = {"train_loss": [], "valid_loss": [], "tokens": 0, "seconds": 0.0, "steps": 0}
    live = LivePlot(title) if plot else None
    bar = tqdm(total=steps, desc=title or "training", disable=not progress)
    start, step, running = time.perf_counter(), 0, None
    model.train()
    while True:
        elapsed = time.perf_counter() - start
        done = (steps is not None and step >= steps) or (seconds is not None and elapsed >= seconds)
        if done:
            break
        frac = max(step / steps if steps else 0.0, elapsed / seconds if seconds else 0.0)
        scale = min(1.0, (step + 1) / max(warmup, 1)) * 0.5 * (1 + math.cos(math.pi * min(frac, 1.0)))
        for g in opt.param_groups:
            g["lr"] = lr * scale
        x, y = next(batches)
        _, loss = model(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
        step += 1
        history["tokens"] += y.numel()
        value = loss.item()
        running = value if running is None else 0.98 * running + 0.02 * value
        if step % 10 == 0:
            history["train_loss"].append((step, running))
            bar.set_postfix(loss=f"{running:.3f}")
        bar.update()
        if on_step is not None:
            on_step(step)
        if evaluate is not None and step % eval_every == 0:
            model.eval()
            history["valid_loss"].append((step, float(evaluate())))
            model.train()
            if live:
                live.update(history)
    bar.close()
    if evaluate is not None and (not history["valid_loss"] or history["valid_loss"][-1][0] != step):
        model.eval()
        history["valid_loss"].append((step, float(evaluate())))
    model.eval()
    history["seconds"], history["steps"] = time.perf_counter() - start, step
    if live:
        live.update(history, final=True)
    return history
