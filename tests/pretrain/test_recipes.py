"""Pre-training recipes: trained once, then loaded from the cache; an unwritable cache."""

import dataclasses

import numpy as np
import pytest
import torch

from lmkit.pretrain import GPT_SMALL, PretrainCorpus, PretrainRecipe
from lmkit.text import Vocab

SPECIALS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")


def tiny_corpus():
    words = [f"w{i}" for i in range(20)]
    vocab = Vocab([words], specials=SPECIALS, unk="[UNK]")
    rng = np.random.default_rng(0)
    ids = {s: np.asarray(vocab.encode([words[i] for i in rng.integers(0, 20, n)]),
                         dtype=np.int64) for s, n in (("train", 3000), ("valid", 2000))}
    return PretrainCorpus(vocab, ids)


TINY = dataclasses.replace(GPT_SMALL, name="tiny", vocab_size=25, d=16, layers=1, heads=2,
                           block=8, batch=4, steps=6, warmup=2, eval_every=3)


@pytest.mark.parametrize("kind", ["lm", "mlm"])
def test_fit_caches_and_reloads(tmp_path, monkeypatch, kind):
    monkeypatch.setenv("LMKIT_CACHE", str(tmp_path))
    recipe = dataclasses.replace(TINY, kind=kind)
    c = tiny_corpus()
    m1, h1 = recipe.fit(c, progress=False)
    assert h1["cached"] is None and len(h1["valid_loss"]) == 2
    m2, h2 = recipe.fit(c, progress=False)
    assert h2["cached"] and h2["valid_loss"] == [list(v) for v in h1["valid_loss"]]
    for (k, a), b in zip(m1.state_dict().items(), m2.state_dict().values()):
        assert torch.equal(a, b), k
    assert not m2.training
    # another recipe is another entry
    other = dataclasses.replace(recipe, steps=7)
    assert other.key("cpu") != recipe.key("cpu") and recipe.key("cpu") != recipe.key("cuda")


def test_an_unwritable_cache_only_costs_a_retrain(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("LMKIT_CACHE", str(blocker))
    m, h = TINY.fit(tiny_corpus(), progress=False)
    assert h["cached"] is None
    assert "not caching" in capsys.readouterr().err


def test_probe_windows_end_on_a_word():
    c = tiny_corpus()
    p = TINY.probe(c)
    assert p.shape[1] == TINY.block
    assert not torch.isin(p[:, -1], torch.tensor(c.specials)).any()


def test_bad_kind():
    with pytest.raises(ValueError, match="kind"):
        PretrainRecipe("x", "gru", 10, d=4, layers=1, block=4, batch=2, steps=1, lr=1e-3)
