r"""The one training loop of the book.

``train(model, batches, steps=...)`` trains any ``torch.nn.Module`` whose forward returns a
pair ``(logits, loss)`` (an ``LMOutput`` or any 2-tuple), step by step:

1. the learning rate of step t is :math:`\eta \cdot m(t)` with :math:`m` the schedule
   (``lmkit.train.schedules``; warm-up then cosine by default);
2. ``accumulate`` batches are drawn; each is ``(x, y)``, called as ``model(x, y)``, or a dict
   holding ``"targets"``, called as ``model(**batch)``; each loss, scaled by 1/``accumulate``,
   is back-propagated (the gradient of their mean);
3. the gradient is clipped to norm ``clip`` and the optimiser takes a step: AdamW by default,
   its weight decay applied to weight matrices only (``param_groups``), or another one
   (``optimizer="adagrad"`` or a factory, ``lmkit.train.optim.make_optimizer``).

Recurrent models (``model.recurrent = True``) get ``model(x, y, state=state)`` and the loop
carries ``out.state``, detached, to the next batch (truncated back-propagation through
time); it restarts from ``None`` at the first batch, when the batch size changes and after
each evaluation.  Everything is seeded (``torch.manual_seed(seed)`` first), so a run is
repeatable; a checkpoint lets an interrupted run continue to the same weights; under
``torchrun`` the same call trains on several processes (``lmkit.train.distributed``).
"""

from __future__ import annotations

import contextlib
import math
import os
import time
from pathlib import Path
from typing import Callable, Iterable, Union

import torch

from ..checks import check_int, check_real
from ..runtime import keep_freed_memory
from . import distributed
from .batches import check_seed
from .checkpoint import brief, capture_rng, load_checkpoint, restore_rng, save_checkpoint
from .liveplot import LivePlot
from .optim import make_optimizer, optimizer_name
from .precision import autocast_context, check_autocast
from .schedules import Schedule, get_schedule

__all__ = ["train"]


def _or_none(check, name: str, value, *args, what: str, **kwargs):
    """``check(name, value, ...)``, or None when ``value`` is None (its message says so)."""
    if value is None:
        return None
    try:
        return check(name, value, *args, **kwargs)
    except (TypeError, ValueError) as err:
        raise type(err)(f"{err} (or None: {what})") from None


def _detach(state):
    if state is None:
        return None
    if isinstance(state, torch.Tensor):
        return state.detach()
    if isinstance(state, (tuple, list)):
        return type(state)(_detach(s) for s in state)
    if isinstance(state, dict):
        return {k: _detach(v) for k, v in state.items()}
    raise TypeError(f"cannot carry a recurrent state of type {type(state).__name__}: return "
                    f"tensors (or tuples, lists or dicts of them) as out.state")


def _to(state, device):
    if state is None:
        return None
    if isinstance(state, torch.Tensor):
        return state.to(device)
    if isinstance(state, (tuple, list)):
        return type(state)(_to(s, device) for s in state)
    return {k: _to(v, device) for k, v in state.items()}


def _targets(batch):
    if isinstance(batch, dict):
        if "targets" not in batch:
            raise ValueError(f"a dict batch must hold the tokens to predict under 'targets' "
                             f"(it is called as model(**batch)); got keys {sorted(batch)}")
        y = batch["targets"]
        if not isinstance(y, torch.Tensor):
            raise TypeError(f"a batch must hold torch tensors: its 'targets' is a "
                            f"{type(y).__name__}; convert it with torch.as_tensor(...)")
        return y
    if isinstance(batch, (tuple, list)) and len(batch) == 2:
        for name, part in zip(("inputs x", "targets y"), batch):
            if not isinstance(part, torch.Tensor):
                raise TypeError(f"a batch must hold torch tensors: its {name} is a "
                                f"{type(part).__name__}; convert it with torch.as_tensor(...) "
                                f"(lmkit.train's batch iterators yield tensors)")
        return batch[1]
    raise ValueError(f"a batch must be an (inputs, targets) pair or a dict with 'targets', got "
                     f"{type(batch).__name__}")


def train(model: torch.nn.Module, batches: Iterable, *, steps: int | None = None, lr: float = 1e-3,
          warmup: int = 100, schedule: Union[str, Schedule] = "cosine", clip: float | None = 1.0,
          weight_decay: float = 0.0, accumulate: int = 1, autocast: str | None = None,
          evaluate: Callable[[], float] | None = None, eval_every: int = 200, seed: int = 0,
          progress: bool = True, plot: bool = False, title: str = "",
          on_step: Callable[[int], None] | None = None, checkpoint: str | Path | None = None,
          checkpoint_every: int | None = None, resume: bool = False,
          optimizer: Union[str, Callable] = "adamw") -> dict:
    """Train ``model`` for ``steps`` optimiser steps on ``batches``; return its history.

    ``batches``: an iterable of ``(x, y)`` pairs or of dicts with ``"targets"`` (for
    ``model(**batch)``); it must last ``steps * accumulate`` batches (the book's are endless).
    ``lr`` is the peak learning rate, shaped by ``schedule`` (a name of
    ``lmkit.train.schedules.SCHEDULES`` or a function ``(step, steps, warmup) -> multiplier``)
    with ``warmup`` warm-up steps.  ``clip``: the gradient-norm limit (``None``: no clipping).
    ``weight_decay``: AdamW's decoupled decay, on weight matrices only (``param_groups``).
    ``accumulate``: micro-batches per step, each loss scaled by 1/``accumulate``.
    ``autocast``: ``None`` (float32), ``"bf16"`` or ``"fp16"`` for the forward pass, where the
    hardware supports it (``lmkit.train.precision``).
    ``evaluate()`` returns a validation loss in nats per token; it runs, in eval mode, every
    ``eval_every`` steps and after the last.  ``on_step(step)`` is called after every step.
    ``checkpoint``: a file saved every ``checkpoint_every`` steps (if given) and at the end;
    with ``resume=True`` an existing one is loaded and the run continues from its step,
    drawing and discarding the batches already used (so a deterministic iterator, like
    ``bptt_batches`` or ``ngram_batches``, continues where it was) to the same final weights
    as an uninterrupted run; without the file it starts afresh.
    ``optimizer``: ``"adamw"`` (the default), ``"adagrad"``, or a factory
    ``(param_groups, lr=...) -> torch.optim.Optimizer`` (``make_optimizer``).

    The history holds ``train_loss`` ((step, running loss) every 10 steps, a 0.98 moving
    average), ``valid_loss`` ((step, evaluate())), ``valid_seconds`` (the wall time spent
    training, evaluations left out, at each of those evaluations: time-to-loss curves),
    ``eval_seconds`` (the time the evaluations took), ``tokens`` (targets seen), ``seconds``
    (all of the run's wall time) and ``steps``.

    Every argument is checked before anything runs (``lmkit.checks``): the counts are integers
    in range, the rates finite numbers in range (numpy scalars welcome, ``True``/``False`` and
    NaN refused); a bad one is a ``TypeError`` or ``ValueError`` naming it and what it must be.
    """
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"train takes a torch.nn.Module whose forward returns (logits, loss), "
                        f"got {type(model).__name__}")
    if steps is None:
        raise ValueError("give a budget: steps=N, the number of optimiser steps")
    steps = check_int("steps", steps, 1)
    lr = check_real("lr", lr, 0, low_open=True)
    warmup = check_int("warmup", warmup, 0)
    clip = _or_none(check_real, "clip", clip, 0, low_open=True, what="no clipping")
    weight_decay = check_real("weight_decay", weight_decay, 0)
    accumulate = check_int("accumulate", accumulate, 1)
    eval_every = check_int("eval_every", eval_every, 1)
    seed = check_seed(seed)
    checkpoint_every = _or_none(check_int, "checkpoint_every", checkpoint_every, 1,
                                what="only at the end")
    for name, flag in (("progress", progress), ("plot", plot), ("resume", resume)):
        if not isinstance(flag, bool):
            raise TypeError(f"{name} must be True or False, got {type(flag).__name__} {flag!r}")
    for name, fn in (("evaluate", evaluate), ("on_step", on_step)):
        if fn is not None and not callable(fn):
            raise TypeError(f"{name} must be a function (or None), got {type(fn).__name__}")
    if not isinstance(title, str):
        raise TypeError(f"title must be a string, got {type(title).__name__}")
    if checkpoint is not None and not isinstance(checkpoint, (str, os.PathLike)):
        raise TypeError(f"checkpoint must be a file path (or None), got "
                        f"{type(checkpoint).__name__}")
    if checkpoint is not None and Path(checkpoint).is_dir():
        raise IsADirectoryError(f"checkpoint={str(checkpoint)!r} is a folder: give the file to "
                                f"write, e.g. {Path(checkpoint) / 'checkpoint.pt'}")
    sched = get_schedule(schedule)
    if resume and checkpoint is None:
        raise ValueError("resume=True needs checkpoint=path, the file to resume from")
    if checkpoint_every is not None and checkpoint is None:
        raise ValueError("checkpoint_every needs checkpoint=path, the file to write")
    params = list(model.parameters())
    if not params:
        raise ValueError(f"{type(model).__name__} has no parameters to train")
    device = params[0].device
    check_autocast(autocast, device)
    if device.type == "cpu":
        keep_freed_memory()  # no page faults for the activations freed every step
    try:
        it = iter(batches)
    except TypeError:
        raise TypeError(f"batches must be an iterable of (x, y) pairs or of dicts with "
                        f"'targets' (e.g. lmkit.train.bptt_batches), got "
                        f"{type(batches).__name__}") from None
    from tqdm.auto import tqdm

    ctx = distributed.init()
    torch.manual_seed(seed + ctx.rank)
    opt = make_optimizer(optimizer, model, lr, weight_decay)
    scaler = torch.amp.GradScaler("cuda") if autocast == "fp16" else None
    recurrent = getattr(model, "recurrent", False) is True
    name = schedule if isinstance(schedule, str) else getattr(schedule, "__qualname__", "?")
    settings = {"steps": steps, "lr": lr, "warmup": warmup, "accumulate": accumulate,
                "schedule": name, "clip": clip, "weight_decay": weight_decay, "seed": seed,
                "autocast": autocast, "world_size": ctx.world_size}
    if optimizer != "adamw":  # (so that checkpoints written before this setting still resume)
        settings["optimizer"] = optimizer_name(optimizer)
    history = {"train_loss": [], "valid_loss": [], "valid_seconds": [], "eval_seconds": 0.0,
               "tokens": 0, "seconds": 0.0, "steps": 0}
    step, running, state, state_batch, rng = 0, None, None, None, None
    if resume and Path(checkpoint).exists():
        ck = load_checkpoint(checkpoint)
        missing = ([] if not isinstance(ck, dict) else
                   sorted({"settings", "step", "running", "history", "model", "optimizer", "ranks",
                           "scaler"} - set(ck)))
        if not isinstance(ck, dict) or missing or not isinstance(ck["settings"], dict):
            raise ValueError(f"{checkpoint} is a torch file but not a checkpoint of "
                             f"lmkit.train.train (it lacks {missing or 'the settings'}): give "
                             f"another path, or delete it to start afresh")
        saved = ck["settings"]
        diff = {k: (saved.get(k), v) for k, v in settings.items() if saved.get(k) != v}
        if diff:
            raise ValueError(f"{checkpoint} was written by a run with other settings "
                             f"(saved, now): {diff}; resume with the same ones or use a new path")
        mine_sd = model.state_dict()
        saved_sd = ck["model"] if isinstance(ck["model"], dict) else {}
        odd = sorted(set(mine_sd) ^ set(saved_sd)) or [
            k for k in mine_sd if tuple(mine_sd[k].shape) != tuple(saved_sd[k].shape)]
        if odd:  # checked before loading anything, so that the model is left as it was
            raise ValueError(f"{checkpoint} holds the weights of another model than this "
                             f"{type(model).__name__} (e.g. {odd[0]!r} differs): resume with the "
                             f"model that wrote it, or use a new path")
        try:
            model.load_state_dict(ck["model"])
            opt.load_state_dict(ck["optimizer"])
            if scaler is not None:
                scaler.load_state_dict(ck["scaler"])
        except (RuntimeError, ValueError, KeyError) as err:
            raise ValueError(f"{checkpoint} holds the weights of another model than this "
                             f"{type(model).__name__} ({brief(err)}): resume with the model that "
                             f"wrote it, or use a new path") from err
        step, running, history = ck["step"], ck["running"], ck["history"]
        for key, empty in (("valid_seconds", []), ("eval_seconds", 0.0)):
            history.setdefault(key, empty)  # (a checkpoint written before they existed)
        mine = ck["ranks"][ctx.rank]
        state, state_batch, rng = _to(mine["state"], device), mine["state_batch"], mine["rng"]
    net = distributed.wrap(model, ctx)

    def save() -> None:
        mine = {"rng": capture_rng(), "state": _to(state, "cpu"), "state_batch": state_batch}
        ranks = distributed.gather(mine, ctx)
        if ctx.main:
            save_checkpoint(checkpoint, {
                "settings": settings, "step": step, "running": running, "history": history,
                "model": model.state_dict(), "optimizer": opt.state_dict(), "ranks": ranks,
                "scaler": scaler.state_dict() if scaler is not None else None})

    drawn = 0

    def draw():
        nonlocal drawn
        try:
            batch = next(it)
        except StopIteration:
            raise ValueError(f"the batches ran out after {drawn} batches, at step {step} of "
                             f"{steps} ({accumulate} per step): give an endless iterator "
                             f"(bptt_batches, ngram_batches, shuffled_batches(epochs=None)) or "
                             f"fewer steps") from None
        drawn += 1
        return batch

    def local(batch):
        """This rank's share of a (global) batch, and the number of targets in the whole batch."""
        n = _targets(batch).numel()
        return (distributed.split_batch(batch, ctx.rank, ctx.world_size) if ctx.active else batch), n

    for _ in range(step * accumulate):  # resuming: the batches the interrupted run used
        draw()
    if rng is not None:
        restore_rng(rng)

    def evaluation() -> None:
        nonlocal state
        if ctx.main:
            began = time.perf_counter()
            model.eval()
            loss = evaluate()
            try:
                loss = float(loss)
            except (TypeError, ValueError):
                raise TypeError(f"evaluate() must return a number (the validation loss in nats "
                                f"per token), got {type(loss).__name__}") from None
            if math.isnan(loss):
                raise FloatingPointError(f"evaluate() returned NaN at step {step}: the model's "
                                         f"parameters or its evaluation went wrong")
            history["valid_loss"].append((step, loss))
            history["valid_seconds"].append(began - start - history["eval_seconds"])
            history["eval_seconds"] += time.perf_counter() - began
        state = None

    live = LivePlot(title) if plot and ctx.main else None
    bar = tqdm(total=steps, initial=step, desc=title or "training", disable=not (progress and ctx.main))
    start = time.perf_counter() - history["seconds"]
    model.train()
    while step < steps:
        scale = float(sched(step, steps, warmup))
        if not math.isfinite(scale) or scale < 0:
            raise ValueError(f"the schedule gave the multiplier {scale} at step {step}: it must be "
                             f"finite and >= 0")
        for g in opt.param_groups:
            g["lr"] = lr * scale
        opt.zero_grad(set_to_none=True)
        value = 0.0
        for micro in range(accumulate):
            batch, n_targets = local(draw())
            targets = _targets(batch)
            sync = not (ctx.active and micro < accumulate - 1)  # DDP averages on the last one
            with net.no_sync() if not sync else contextlib.nullcontext():
                with autocast_context(autocast, device):
                    extra = {}
                    if recurrent:
                        if targets.shape[0] != state_batch:  # another batch size: other texts
                            state, state_batch = None, targets.shape[0]
                        extra = {"state": state}
                    out = net(**batch, **extra) if isinstance(batch, dict) else net(*batch, **extra)
                    if recurrent:
                        state = _detach(getattr(out, "state", None))
                loss = out[1]
                if loss is None:
                    raise ValueError(f"{type(model).__name__} returned no loss: its forward must "
                                     f"take the targets and return (logits, loss)")
                loss = loss if accumulate == 1 else loss / accumulate
                (scaler.scale(loss) if scaler is not None else loss).backward()
            value += loss.item()
            history["tokens"] += n_targets
        if scaler is None and not math.isfinite(value):
            raise FloatingPointError(
                f"the training loss is {value} at step {step + 1}: training diverged. Lower the "
                f"learning rate (lr={lr:g}), clip the gradients (clip={clip}), or check the batches "
                f"for bad targets")
        if scaler is not None:
            scaler.unscale_(opt)
        if clip is not None:
            torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        if scaler is not None:
            scaler.step(opt)
            scaler.update()
        else:
            opt.step()
        step += 1
        running = value if running is None else 0.98 * running + 0.02 * value
        if step % 10 == 0:
            history["train_loss"].append((step, running))
            bar.set_postfix(loss=f"{running:.3f}")
        bar.update()
        if on_step is not None:
            on_step(step)
        if evaluate is not None and step % eval_every == 0:
            evaluation()
            model.train()
            if live:
                live.update(history)
        if checkpoint_every is not None and step % checkpoint_every == 0 and step < steps:
            history["seconds"] = time.perf_counter() - start
            save()
    bar.close()
    if evaluate is not None and (not history["valid_loss"] or history["valid_loss"][-1][0] != step):
        evaluation()
    model.eval()
    history["seconds"], history["steps"] = time.perf_counter() - start, step
    if checkpoint is not None:
        save()
    if live:
        live.update(history, final=True)
    return history
