"""Tiny models and the old training loop, shared by the tests of ``lmkit.train``."""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

STREAM = np.tile(np.array([3, 4, 5, 6, 7, 8, 2]), 60)  # a deterministic "language" of 10 ids
V = 10


class Out(tuple):
    """(logits, loss) with a ``.state``, like ``lmkit.models``' ``LMOutput``."""

    def __new__(cls, logits, loss, state=None):
        out = super().__new__(cls, (logits, loss))
        out.state = state
        return out


class TinyFF(nn.Module):
    """Embedding of the previous word(s), dropout, a linear layer: ``model(x, targets)``."""

    def __init__(self, dim: int = 8, dropout: float = 0.0) -> None:
        super().__init__()
        self.emb, self.drop, self.out = nn.Embedding(V, dim), nn.Dropout(dropout), nn.Linear(dim, V)

    def forward(self, x, targets=None):
        h = self.drop(self.emb(x))
        if h.dim() == 3:
            h = h.mean(1)
        logits = self.out(h)
        loss = None if targets is None else nn.functional.cross_entropy(logits, targets)
        return logits, loss


class TinyRNN(nn.Module):
    """A stateless recurrent LM (the new contract): ``model(x, targets, state=state)``."""

    recurrent = True

    def __init__(self, dim: int = 8, dropout: float = 0.1) -> None:
        super().__init__()
        self.emb, self.rnn = nn.Embedding(V, dim), nn.RNN(dim, dim, batch_first=True)
        self.drop, self.out = nn.Dropout(dropout), nn.Linear(dim, V)

    def step(self, x, targets, state):
        h, state = self.rnn(self.drop(self.emb(x)), state)
        logits = self.out(self.drop(h)).reshape(-1, V)
        loss = None if targets is None else nn.functional.cross_entropy(logits, targets.reshape(-1))
        return logits, loss, state

    def forward(self, x, targets=None, state=None):
        return Out(*self.step(x, targets, state))


class StatefulTinyRNN(TinyRNN):
    """The same RNN under the old contract: it carries its own state, detached, and forgets it
    when the batch size changes or on ``reset()``."""

    recurrent = False

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.state = None

    def forward(self, x, targets=None):
        if self.state is not None and self.state.shape[1] != x.shape[0]:
            self.state = None
        logits, loss, state = self.step(x, targets, self.state)
        self.state = state.detach()
        return logits, loss

    def reset(self) -> None:
        self.state = None


def old_train(model, batches, *, steps, lr=1e-3, warmup=100, clip=1.0, weight_decay=0.0,
              evaluate=None, eval_every=200, seed=0):
    """The loop of the old ``lmkit/train.py`` (steps budget, no bar and no plot): the reference
    that ``train`` with its defaults must reproduce bit for bit."""
    torch.manual_seed(seed)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    history = {"train_loss": [], "valid_loss": [], "tokens": 0}
    step, running = 0, None
    model.train()
    while step < steps:
        frac = min(step / steps, 1.0)
        scale = min(1.0, (step + 1) / max(warmup, 1)) * 0.5 * (1 + math.cos(math.pi * frac))
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
        if evaluate is not None and step % eval_every == 0:
            model.eval()
            history["valid_loss"].append((step, float(evaluate())))
            model.train()
    if evaluate is not None and (not history["valid_loss"] or history["valid_loss"][-1][0] != step):
        model.eval()
        history["valid_loss"].append((step, float(evaluate())))
    model.eval()
    return history


def same_weights(a: nn.Module, b: nn.Module) -> bool:
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


def ddp_worker(rank: int, world: int, port: int, out: str, recurrent: bool) -> None:
    """One process of a two-process run (what ``torchrun`` would start): the environment that
    torchrun sets, then the same ``train`` call as a single process would make."""
    import os

    from lmkit.train import train
    from lmkit.train.distributed import cleanup

    os.environ.update(RANK=str(rank), WORLD_SIZE=str(world), LOCAL_RANK=str(rank),
                      MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    torch.set_num_threads(1)
    torch.manual_seed(rank)  # different starting weights: DDP must start every rank from rank 0's
    model, batches = ddp_setup(recurrent)
    hist = train(model, batches, steps=30, lr=0.01, warmup=5, progress=False,
                 checkpoint=f"{out}/ck.pt", checkpoint_every=10)
    torch.save({"model": model.state_dict(), "tokens": hist["tokens"]}, f"{out}/rank{rank}.pt")
    cleanup()


def ddp_setup(recurrent: bool):
    """The model (from the current torch seed) and its global batches: 8 parallel streams for
    the RNN, 16 random windows for the feed-forward model."""
    from lmkit.train import bptt_batches, ngram_batches

    if recurrent:
        return TinyRNN(dropout=0.0), bptt_batches(STREAM, 8, 10)
    return TinyFF(), ngram_batches(STREAM, 4, 16)
