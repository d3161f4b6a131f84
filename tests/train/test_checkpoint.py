"""Checkpoints: a run interrupted and resumed ends with the same weights as one never stopped."""

import random

import numpy as np
import pytest
import torch
from tinylm import STREAM, TinyFF, TinyRNN, same_weights

from lmkit.train import bptt_batches, load_checkpoint, ngram_batches, save_checkpoint, train
from lmkit.train.checkpoint import capture_rng, restore_rng


class Interrupt(Exception):
    pass


def stop_at(n):
    def on_step(step):
        if step == n:
            raise Interrupt
    return on_step


def made(cls, *args, **kwargs):
    torch.manual_seed(0)
    return cls(*args, **kwargs)


@pytest.mark.parametrize("cls, batches, accumulate", [
    (TinyRNN, lambda: bptt_batches(STREAM, 4, 10), 1),       # dropout, a carried state
    (TinyFF, lambda: ngram_batches(STREAM, 3, 8, seed=2), 2),
], ids=["recurrent", "feed-forward-accumulate"])
def test_resume_equals_an_uninterrupted_run(tmp_path, cls, batches, accumulate):
    valid = next(bptt_batches(STREAM, 2, 10)) if cls is TinyRNN else next(ngram_batches(STREAM, 3, 32))
    kw = dict(steps=20, lr=0.01, warmup=4, eval_every=5, accumulate=accumulate, progress=False)
    whole = made(cls, dropout=0.3)
    h_whole = train(whole, batches(), evaluate=lambda: whole(*valid)[1].item(), **kw)

    path = tmp_path / "run" / "ck.pt"
    first = made(cls, dropout=0.3)
    with pytest.raises(Interrupt):
        train(first, batches(), evaluate=lambda: first(*valid)[1].item(), checkpoint=path,
              checkpoint_every=3, on_step=stop_at(8), **kw)
    assert load_checkpoint(path)["step"] == 6
    torch.manual_seed(123)  # the resumed run restores the generators itself
    np.random.seed(5)
    second = made(cls, dropout=0.3)
    h_second = train(second, batches(), evaluate=lambda: second(*valid)[1].item(),
                     checkpoint=path, checkpoint_every=3, resume=True, **kw)
    assert same_weights(whole, second)
    for key in ("train_loss", "valid_loss", "tokens", "steps"):
        assert h_whole[key] == h_second[key]
    assert load_checkpoint(path)["step"] == 20
    assert sorted(p.name for p in path.parent.iterdir()) == ["ck.pt"]  # no temporary file left


def test_resume_without_a_file_starts_afresh_and_a_finished_run_stays_finished(tmp_path):
    path = tmp_path / "ck.pt"
    a = made(TinyFF)
    h = train(a, ngram_batches(STREAM, 3, 8), steps=10, checkpoint=path, resume=True, progress=False)
    b = made(TinyFF)
    h2 = train(b, ngram_batches(STREAM, 3, 8), steps=10, checkpoint=path, resume=True, progress=False)
    assert same_weights(a, b) and h2["train_loss"] == h["train_loss"] and h2["steps"] == 10


def test_resume_refuses_other_settings_and_unreadable_files(tmp_path):
    path = tmp_path / "ck.pt"
    train(made(TinyFF), ngram_batches(STREAM, 3, 8), steps=10, lr=0.01, checkpoint=path,
          progress=False)
    with pytest.raises(ValueError, match=r"other settings .*'lr': \(0.01, 0.02\)"):
        train(made(TinyFF), ngram_batches(STREAM, 3, 8), steps=10, lr=0.02, checkpoint=path,
              resume=True, progress=False)
    path.write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match="not a readable training checkpoint"):
        train(made(TinyFF), ngram_batches(STREAM, 3, 8), steps=10, lr=0.01, checkpoint=path,
              resume=True, progress=False)


def test_save_is_atomic_and_generators_round_trip(tmp_path, monkeypatch):
    path = tmp_path / "ck.pt"
    save_checkpoint(path, {"step": 1})

    def broken(obj, f):
        with open(f, "wb") as fh:
            fh.write(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(torch, "save", broken)
    with pytest.raises(OSError, match="disk full"):
        save_checkpoint(path, {"step": 2})
    monkeypatch.undo()
    assert load_checkpoint(path) == {"step": 1}          # the old checkpoint is intact
    assert [p.name for p in tmp_path.iterdir()] == ["ck.pt"]

    state = capture_rng()
    draws = (torch.rand(3), np.random.rand(3), random.random())
    restore_rng(state)
    again = (torch.rand(3), np.random.rand(3), random.random())
    assert torch.equal(draws[0], again[0]) and np.array_equal(draws[1], again[1])
    assert draws[2] == again[2]


def test_resuming_from_another_models_checkpoint_leaves_the_model_untouched(tmp_path):
    path = tmp_path / "ff.pt"
    train(TinyFF(), ngram_batches(STREAM, 2, 8), steps=6, checkpoint=path, checkpoint_every=3,
          progress=False)
    torch.manual_seed(1)
    other = TinyFF(dim=16)  # same names, other shapes
    before = {k: v.clone() for k, v in other.state_dict().items()}
    with pytest.raises(ValueError, match="another model"):
        train(other, ngram_batches(STREAM, 2, 8), steps=6, checkpoint=path, resume=True,
              progress=False)
    assert all(torch.equal(before[k], v) for k, v in other.state_dict().items())
