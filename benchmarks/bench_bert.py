"""BERT's encoder with real weights: lmkit against transformers' BertModel, sentences per second.

    LMKIT_DATA=../shared/data .venv/bin/python benchmarks/bench_bert.py [--batch 32]
        [--sentences 512] [--threads 1 2] [--table out.md]

Both load all-MiniLM-L6-v2 (``minilm-l6``: 6 layers, width 384, 12 heads) from the same
safetensors file, in float32, evaluation mode, ``torch.no_grad``; transformers with
``attn_implementation="sdpa"``, lmkit with its default SDPA path.  The inputs are the first
``--sentences`` non-empty lines of WikiText-2's validation split, tokenised once by lmkit's
``WordPiece`` (equal to the ``tokenizers`` package's output, tested) and cut to 128 pieces,
in batches of ``--batch`` padded to their longest line: the same tensors for both.  Each
library embeds all of them once per repetition; the two take turns and the fastest of 5 is
kept (``lmkit.runtime.fastest``).  The outputs are compared on the real tokens.
Goal: lmkit at ≥ 1.0× transformers' sentences per second.
"""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchutil import write_table  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--sentences", type=int, default=512)
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--table", default=None)
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    import torch
    import transformers

    from lmkit import data
    from lmkit.models.bert import load_bert
    from lmkit.runtime import fastest

    device = torch.device(args.device)
    folder = next(iter(data.store.fetch("minilm-l6").values())).parent
    ours, wp = load_bert(folder, device=device)
    ref = transformers.BertModel.from_pretrained(str(folder), attn_implementation="sdpa")
    ref = ref.to(device).eval()
    lines = [" ".join(s) for s in data.load_wikitext2(keep_blank=False)["valid"]]
    lines = lines[:args.sentences]
    batches = []
    for i in range(0, len(lines), args.batch):
        ids, seg, mask = wp.batch(lines[i:i + args.batch], max_len=128)
        batches.append(tuple(torch.as_tensor(a, device=device) for a in (ids, seg, mask)))
    tokens = sum(int(m.sum()) for _, _, m in batches)

    @torch.no_grad()
    def run_ours():
        for ids, seg, mask in batches:
            ours(ids, seg, mask)
        if device.type == "cuda":
            torch.cuda.synchronize()

    @torch.no_grad()
    def run_ref():
        for ids, seg, mask in batches:
            ref(input_ids=ids, token_type_ids=seg, attention_mask=mask)
        if device.type == "cuda":
            torch.cuda.synchronize()

    with torch.no_grad():
        ids, seg, mask = batches[0]
        diff = (ours(ids, seg, mask) - ref(input_ids=ids, token_type_ids=seg,
                                           attention_mask=mask).last_hidden_state)
        worst = float(diff[mask.bool()].abs().max())
    print(f"{len(lines)} sentences, {tokens:,} real tokens, batches of {args.batch}; "
          f"largest difference on real tokens {worst:.1e}; torch {torch.__version__}, "
          f"transformers {transformers.__version__}", flush=True)
    rows = ["| device, threads | lmkit (sentences/s) | transformers (sentences/s) | ratio |",
            "|---|---|---|---|"]
    for threads in (args.threads if device.type == "cpu" else [0]):
        if threads:
            torch.set_num_threads(threads)
        sec = fastest({"lmkit": run_ours, "transformers": run_ref}, reps=args.reps)
        ratio = sec["transformers"] / sec["lmkit"]
        where = f"{device.type}, {threads}" if threads else device.type
        rows.append(f"| {where} | {len(lines) / sec['lmkit']:,.1f} | "
                    f"{len(lines) / sec['transformers']:,.1f} | {ratio:.2f} |")
        print(rows[-1], f"(goal >= 1.0: {'met' if ratio >= 1.0 else 'NOT met'})", flush=True)
    text = "\n".join(rows) + "\n"
    print(text)
    write_table(text, args.table)


if __name__ == "__main__":
    main()
