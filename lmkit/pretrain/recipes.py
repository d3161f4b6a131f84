r"""Chapter 8's small pre-trained models, by name, trained once and cached.

A ``PretrainRecipe`` names a model and its training on WikiText-2: ``kind`` ``"elmo"`` (the
biLM of ``lmkit.models.elmo`` on ``lmkit.data.wikitext2_lm``'s words, importance-sampled
softmax), ``"lm"`` (``BertCausalLM``, a left-to-right Transformer LM: the small GPT) or
``"mlm"`` (``BertForPreTraining``'s masked LM: the small BERT), the last two on
``wikitext2_pretrain``'s words.  ``recipe.fit()`` trains it with ``lmkit.train.train`` and
returns ``(model, history)``; the history's ``valid_loss`` is ``last_word_loss`` on 512
held-out windows (for ``lm`` and ``mlm``: a metric both share) or the biLM's mean loss.

Several notebooks use the same models (chapter 8's pre-training notebooks train them, the
fine-tuning ones start from them), so ``fit`` keeps the weights and the history in the cache
(``lmkit.data.cache_dir()/models``, safetensors and JSON, no pickle), keyed by the recipe,
the device type and ``VERSION``, and loads them instead of training again; training is
seeded, so a cached model is the one a fresh run would give on that machine.
``python -m lmkit.pretrain.recipes NAME ...`` fills the cache (``make test`` does, first).

==============  ============================================================================
``ELMO_SMALL``  2 LSTM layers of 128 per direction, 20,000 words, 800 steps of 32 x 35
``GPT_SMALL``   2 causal layers, 128 wide, 4 heads, 5,000 words, 250 steps of 64 x 32
``BERT_SMALL``  the same body, bidirectional, masked LM, the same 250 steps of 64 x 32
``*_FULL``      the full profile's: wider, deeper, longer (for a GPU)
==============  ============================================================================
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import torch

__all__ = ["PretrainRecipe", "RECIPES", "ELMO_SMALL", "GPT_SMALL", "BERT_SMALL",
           "ELMO_FULL", "GPT_FULL", "BERT_FULL", "VERSION"]

#: bumped whenever the code a recipe runs changes what it trains (invalidates the cache)
VERSION = 1


@dataclass(frozen=True)
class PretrainRecipe:
    """``kind`` (``"elmo"``, ``"lm"`` or ``"mlm"``), ``vocab_size`` words, width ``d``,
    ``layers``, ``heads`` (Transformers), windows of ``block`` ids, ``batch`` windows a step,
    ``steps`` AdamW steps at peak ``lr`` after ``warmup``, an evaluation every ``eval_every``
    steps, ``dropout``."""

    name: str
    kind: str
    vocab_size: int
    d: int
    layers: int
    block: int
    batch: int
    steps: int
    lr: float
    heads: int = 4
    hidden: int | None = None
    warmup: int = 50
    eval_every: int = 25
    dropout: float = 0.1

    def __post_init__(self) -> None:
        if self.kind not in ("elmo", "lm", "mlm"):
            raise ValueError(f"kind must be 'elmo', 'lm' or 'mlm', got {self.kind!r}")

    def corpus(self):
        """The recipe's data: ``wikitext2_lm`` (ELMo) or ``wikitext2_pretrain``."""
        if self.kind == "elmo":
            from ..data import wikitext2_lm

            return wikitext2_lm(vocab_size=self.vocab_size)
        from .corpus import wikitext2_pretrain

        return wikitext2_pretrain(self.vocab_size)

    def build(self, corpus) -> torch.nn.Module:
        """A fresh, seeded model of the recipe's size for ``corpus``."""
        torch.manual_seed(0)
        if self.kind == "elmo":
            from ..models.elmo import BiLM, ElmoConfig

            cfg = ElmoConfig(len(corpus.vocab), dim=self.d, hidden=self.hidden or self.d,
                             layers=self.layers, dropout=self.dropout, output="importance",
                             k=256)
            return BiLM(cfg, counts=corpus.counts, vocab=corpus.vocab)
        from ..models.bert import BertConfig
        from ..models.bert_pretrain import BertCausalLM, BertForPreTraining

        cfg = BertConfig(vocab_size=len(corpus.vocab), hidden_size=self.d,
                         num_hidden_layers=self.layers, num_attention_heads=self.heads,
                         intermediate_size=4 * self.d, max_position_embeddings=self.block,
                         hidden_dropout_prob=self.dropout,
                         attention_probs_dropout_prob=self.dropout)
        return (BertCausalLM if self.kind == "lm" else BertForPreTraining)(cfg)

    def probe(self, corpus, device=None) -> torch.Tensor:
        """512 held-out windows of the validation text (seeded): for ``lm``/``mlm`` windows
        of ``block`` ids ending on a word (the last id is what ``last_word_loss`` scores);
        for ELMo the (x, y) pairs of ``random_windows``, stacked."""
        from ..train.batches import random_windows

        if self.kind == "elmo":
            x, y = next(random_windows(corpus.ids["valid"], self.block, 256, seed=1))
            return torch.stack([x, y]).to(device)
        x, y = next(random_windows(corpus.ids["valid"], self.block - 1, 512, seed=5))
        w = torch.cat([x, y[:, -1:]], 1)
        w = w[~torch.isin(w[:, -1], torch.tensor(corpus.specials))]
        return w.to(device)

    def _batches(self, corpus, device):
        from ..train.batches import random_windows
        from .corpus import lm_batches, mlm_batches

        ids = corpus.ids["train"]
        if self.kind == "elmo":
            return random_windows(ids, self.block, self.batch, device=device)
        if self.kind == "lm":
            return lm_batches(ids, self.block, self.batch, device=device)
        return mlm_batches(corpus, ids, self.block, self.batch, device=device)

    def _evaluate(self, model, corpus, probe):
        from .corpus import last_word_loss

        if self.kind == "elmo":
            return lambda: sum(model.losses(probe[0], probe[1])) / 2
        mask_id = corpus.mask_id if self.kind == "mlm" else None
        return lambda: last_word_loss(model, probe, mask_id)

    def key(self, device) -> str:
        """The cache key: the recipe, the device type and ``VERSION``."""
        blob = json.dumps([dataclasses.asdict(self), torch.device(device).type, VERSION],
                          sort_keys=True)
        return f"{self.name}-{hashlib.sha256(blob.encode()).hexdigest()[:12]}"

    def fit(self, corpus=None, device=None, cache: bool = True, progress: bool = True
            ) -> tuple[torch.nn.Module, dict]:
        """``(model, history)``: from the cache if it holds this recipe's run, else trained
        (and cached, when ``cache`` and the cache is writable).  The model is in evaluation
        mode, on ``device`` (default: the CPU)."""
        from safetensors.torch import load_file

        from ..train import train

        device = torch.device(device or "cpu")
        corpus = corpus if corpus is not None else self.corpus()
        model = self.build(corpus)
        folder = _models_dir() / self.key(device)
        if cache and (folder / "history.json").is_file():
            model.load_state_dict(load_file(str(folder / "weights.safetensors")))
            history = json.loads((folder / "history.json").read_text("utf-8"))
            history["cached"] = str(folder)
            return model.to(device).eval(), history
        model.to(device)
        probe = self.probe(corpus, device)
        history = train(model, self._batches(corpus, device), steps=self.steps, lr=self.lr,
                        warmup=self.warmup, evaluate=self._evaluate(model, corpus, probe),
                        eval_every=self.eval_every, progress=progress, title=self.name)
        history["cached"] = None
        if cache:
            _save(folder, model, history)
        return model.eval(), history


def _models_dir() -> Path:
    from ..data.store import cache_dir

    return cache_dir() / "models"


def _save(folder: Path, model: torch.nn.Module, history: dict) -> None:
    """Weights and history into ``folder``, atomically (a temporary folder renamed); a cache
    that cannot be written is skipped with a message, not an error."""
    from safetensors.torch import save_file

    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".tmp-"))
        state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
        save_file(state, str(tmp / "weights.safetensors"))
        plain = {k: v for k, v in history.items() if k != "cached"}
        (tmp / "history.json").write_text(json.dumps(plain, default=float), "utf-8")
        try:
            os.replace(tmp, folder)
        except OSError:                          # another process cached it first
            for f in tmp.iterdir():
                f.unlink()
            tmp.rmdir()
    except OSError as err:
        print(f"lmkit: not caching the model ({err}); it will be trained again next time",
              file=sys.stderr)


ELMO_SMALL = PretrainRecipe("elmo-small", "elmo", 20_000, d=128, layers=2, block=35,
                            batch=32, steps=800, lr=5e-3, eval_every=200)
GPT_SMALL = PretrainRecipe("gpt-small", "lm", 5000, d=128, layers=2, block=32, batch=64,
                           steps=250, lr=3e-3)
BERT_SMALL = dataclasses.replace(GPT_SMALL, name="bert-small", kind="mlm")
ELMO_FULL = PretrainRecipe("elmo-full", "elmo", 20_000, d=512, hidden=2048, layers=2,
                           block=35, batch=64, steps=8000, lr=5e-3, eval_every=500)
GPT_FULL = PretrainRecipe("gpt-full", "lm", 20_000, d=256, layers=4, block=64, batch=64,
                          steps=4000, lr=1e-3, warmup=200, eval_every=200)
BERT_FULL = dataclasses.replace(GPT_FULL, name="bert-full", kind="mlm")
RECIPES = {r.name: r for r in (ELMO_SMALL, GPT_SMALL, BERT_SMALL, ELMO_FULL, GPT_FULL,
                               BERT_FULL)}


def main(names: list[str]) -> None:
    """Fill the cache with the named recipes (default: the three small ones)."""
    from ..runtime import get_device

    for name in names or ["elmo-small", "gpt-small", "bert-small"]:
        if name not in RECIPES:
            raise SystemExit(f"no recipe {name!r}; known: {sorted(RECIPES)}")
        _, h = RECIPES[name].fit(device=get_device(), progress=False)
        where = h["cached"] or "trained"
        print(f"{name}: {where}, final valid loss {h['valid_loss'][-1][1]:.3f}")


if __name__ == "__main__":
    main(sys.argv[1:])
