"""A character GPT on Tiny Shakespeare: nanoGPT's CPU run against lmkit's CPU default, attention
written out against torch's SDPA, and generation with and without the KV cache.

    LMKIT_DATA=../shared/data .venv/bin/python benchmarks/bench_gpt.py [--threads 2]
        [--device cpu] [--table out.md]

**The race.**  ``NANOGPT_CPU`` (``lmkit.models.gpt_recipes``) is nanoGPT's published CPU
configuration, trained as nanoGPT trains it: 4 layers, 4 heads, width 128, block 64, batch 12,
no dropout, AdamW at 1e-3 for 2,000 iterations (warm-up 100, cosine to 1e-4, β2 0.99, weight
decay 0.1, clip 1, unfused AdamW off the GPU).  ``FAST_CPU`` is lmkit's default: 1 layer,
batch 32, lr 1e-2 (30 warm-up steps, cosine to 0), fused AdamW.  Both read random windows
of the first 90% of the text and are scored on the same validation loss: the mean
cross-entropy (nats per character) over every non-overlapping block of 64 characters of the
last 10% (``block_loss``; nanoGPT estimates it from 20 random batches).  Evaluations are not
training time: each run's clock (``history["valid_seconds"]``) stops while it is scored.

Two runs of ``FAST_CPU``:

- **to the baseline's loss**: the recipe's 600 steps (``--short``; a whole schedule), scored
  every 25 steps; its time is the training time at the first evaluation whose loss is at or
  below the baseline's final one.  Goal: at least 5 times sooner than the baseline's time.
- **in the baseline's time**: ``--long`` steps (3,000), scored every 100; its loss is the last one
  scored within the baseline's training time.  Goal: at least 0.2 nats lower.

**Attention.**  ``attention(use_sdpa=False)`` (softmax(QKᵀ/√d_k)V written out) against torch's
``scaled_dot_product_attention`` on random (12, 4, 64, 32) inputs without a mask, causal, with
a padding mask and with both: the largest difference (goal ≤ 1e-5); then the tokens per second
of a training step (forward and backward) of the baseline model with each, taking turns, the
fastest of 5.

**Generation.**  500 characters sampled from a one-character prompt with and without the
cache (``GPT.generate(use_cache=...)``), taking turns, the fastest of 3: the baseline model
(trained) and a model of nanoGPT's GPU size (6 layers, 384 wide, block 256; untrained, which
does not change the time).  Goal: at least 5 times faster with the cache.
"""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchutil import write_table  # noqa: E402


def first_below(history: dict, target: float) -> tuple[float, int, float] | None:
    """(training seconds, step, loss) at the first evaluation at or below ``target``."""
    for (step, loss), sec in zip(history["valid_loss"], history["valid_seconds"]):
        if loss <= target:
            return sec, step, loss
    return None


def last_within(history: dict, seconds: float) -> tuple[float, int, float]:
    """(training seconds, step, loss) at the last evaluation within ``seconds`` of training."""
    best = None
    for (step, loss), sec in zip(history["valid_loss"], history["valid_seconds"]):
        if sec <= seconds:
            best = (sec, step, loss)
    if best is None:
        raise RuntimeError(f"no evaluation within {seconds:.1f} s: score the run more often")
    return best


def attention_rows(data, device, reps: int) -> list[str]:
    import dataclasses

    import torch

    from lmkit.models import GPT
    from lmkit.models.gpt_recipes import NANOGPT_CPU
    from lmkit.nn.attention import attention, padding_mask
    from lmkit.runtime import fastest
    from lmkit.train import random_windows

    g = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(12, 4, 64, 32, generator=g).to(device) for _ in range(3))
    pad = padding_mask(torch.randint(1, 65, (12,), generator=g).to(device), 64)
    masks = {"none": (None, False), "causal": (None, True), "padding": (pad, False),
             "causal + padding": (pad, True)}
    diff = {name: float((attention(q, k, v, m, causal=c) -
                         attention(q, k, v, m, causal=c, use_sdpa=True)).abs().max())
            for name, (m, c) in masks.items()}
    rows = ["| mask | max abs difference, own - SDPA |", "|---|---|"]
    rows += [f"| {name} | {d:.1e} |" for name, d in diff.items()]
    worst = max(diff.values())
    print(f"attention: own vs SDPA, largest difference {worst:.1e} (goal <= 1e-5: "
          f"{'met' if worst <= 1e-5 else 'NOT met'})", flush=True)

    config = NANOGPT_CPU.config(len(data.vocab))
    x, y = next(random_windows(data.train, config.block_size, NANOGPT_CPU.batch, device=device))
    models = {}
    for sdpa in (False, True):
        torch.manual_seed(0)
        models[sdpa] = GPT(dataclasses.replace(config, use_sdpa=sdpa)).to(device)

    def step(m):
        def run():
            m.zero_grad(set_to_none=True)
            m(x, y).loss.backward()
            if device.type == "cuda":
                torch.cuda.synchronize()
        return run

    sec = fastest({"own": step(models[False]), "SDPA": step(models[True])}, reps=reps)
    tok = x.numel()
    rows += ["", "| attention | training step (ms) | tokens/s |", "|---|---|---|"]
    for name in ("own", "SDPA"):
        rows.append(f"| {name} | {1e3 * sec[name]:.1f} | {tok / sec[name]:,.0f} |")
        print(f"  {name}: {1e3 * sec[name]:.1f} ms a step of the baseline, "
              f"{tok / sec[name]:,.0f} tokens/s", flush=True)
    return rows


def generation_rows(trained, device, reps: int) -> list[str]:
    import torch

    from lmkit.models import GPT
    from lmkit.models.gpt_recipes import NANOGPT_GPU
    from lmkit.runtime import fastest

    torch.manual_seed(0)
    big = GPT(NANOGPT_GPU.config(trained.config.vocab_size)).to(device)
    start = torch.zeros(1, 1, dtype=torch.long, device=device)
    rows = ["| model | block | cache (chars/s) | no cache (chars/s) | speed-up |",
            "|---|---|---|---|---|"]
    for name, m in (("nanoGPT CPU (4 x 128)", trained), ("nanoGPT GPU size (6 x 384)", big)):
        def sample(cache, m=m):
            def run():
                m.generate(start, 500, use_cache=cache,
                           generator=torch.Generator(device=device).manual_seed(0))
                if device.type == "cuda":
                    torch.cuda.synchronize()
            return run
        sec = fastest({"cache": sample(True), "none": sample(False)}, reps=reps)
        up = sec["none"] / sec["cache"]
        rows.append(f"| {name} | {m.config.block_size} | {500 / sec['cache']:,.0f} | "
                    f"{500 / sec['none']:,.0f} | {up:.1f}x |")
        print(f"generation, {name}: {500 / sec['cache']:,.0f} chars/s with the cache, "
              f"{500 / sec['none']:,.0f} without: {up:.1f}x (goal >= 5x: "
              f"{'met' if up >= 5 else 'NOT met'})", flush=True)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2, help="torch threads on the CPU")
    ap.add_argument("--device", default=None, help="cpu or cuda (default: the best there is)")
    ap.add_argument("--short", type=int, default=None,
                    help="steps of the run to the baseline's loss (default: the recipe's)")
    ap.add_argument("--long", type=int, default=3000, help="steps of the run in its time")
    ap.add_argument("--baseline-steps", type=int, default=None,
                    help="fewer baseline iterations (a quick look; the goals need 2,000)")
    ap.add_argument("--table", default=None, help="write the Markdown tables here")
    args = ap.parse_args()

    import torch

    from lmkit.data import tiny_shakespeare
    from lmkit.models.gpt_recipes import FAST_CPU, NANOGPT_CPU
    from lmkit.reference import published
    from lmkit.runtime import get_device

    torch.set_num_threads(args.threads)
    device = get_device(args.device)
    data = tiny_shakespeare()
    where = (torch.cuda.get_device_name(device) if device.type == "cuda"
             else f"CPU, {args.threads} thread(s)")
    print(f"Tiny Shakespeare: {len(data.train):,} training and {len(data.valid):,} validation "
          f"characters, {len(data.vocab)} symbols; {where}", flush=True)

    rows = [f"Device: {where}.", ""]
    rows += attention_rows(data, device, reps=5)

    base, hb = NANOGPT_CPU.fit(data, steps=args.baseline_steps, eval_every=250, device=device,
                               progress=True)
    t_base = hb["valid_seconds"][-1]
    loss_base = hb["valid_loss"][-1][1]
    readme = published("nanogpt/shakespeare-char-cpu")
    print(f"baseline {NANOGPT_CPU.name}: {hb['steps']} steps in {t_base:.1f} s, validation loss "
          f"{loss_base:.4f} (nanoGPT's README: about {readme})", flush=True)

    short = args.short or FAST_CPU.steps
    _, hs = FAST_CPU.fit(data, steps=short, eval_every=25, device=device, progress=True)
    reach = first_below(hs, loss_base)
    _, hl = FAST_CPU.fit(data, steps=args.long, eval_every=100, device=device, progress=True)
    within = last_within(hl, t_base)

    rows += ["", "| run | steps | training time (s) | validation loss |", "|---|---|---|---|",
             f"| {NANOGPT_CPU.name} (baseline) | {hb['steps']} | {t_base:.1f} | {loss_base:.4f} |"]
    if reach is None:
        print(f"{FAST_CPU.name}, {short} steps: did not reach {loss_base:.4f} (best "
              f"{min(l for _, l in hs['valid_loss']):.4f}): goal NOT met", flush=True)
        rows.append(f"| {FAST_CPU.name}, to the baseline's loss | {short} | not reached | "
                    f"{min(l for _, l in hs['valid_loss']):.4f} |")
    else:
        ratio = t_base / reach[0]
        print(f"{FAST_CPU.name}: the baseline's loss at step {reach[1]} after {reach[0]:.1f} s: "
              f"{ratio:.1f}x sooner (goal >= 5x: {'met' if ratio >= 5 else 'NOT met'})",
              flush=True)
        rows.append(f"| {FAST_CPU.name}, to the baseline's loss | {reach[1]} of {short} | "
                    f"{reach[0]:.1f} ({ratio:.1f}x sooner) | {reach[2]:.4f} |")
    gain = loss_base - within[2]
    print(f"{FAST_CPU.name}: within the baseline's {t_base:.1f} s, step {within[1]} "
          f"({within[0]:.1f} s), loss {within[2]:.4f}: {gain:.3f} lower (goal >= 0.2: "
          f"{'met' if gain >= 0.2 else 'NOT met'})", flush=True)
    rows.append(f"| {FAST_CPU.name}, in the baseline's time | {within[1]} of {args.long} | "
                f"{within[0]:.1f} | {within[2]:.4f} ({gain:.3f} lower) |")
    rows += [""] + generation_rows(base, device, reps=3)
    text = "\n".join(rows) + "\n"
    print(text)
    write_table(text, args.table)


if __name__ == "__main__":
    main()
