"""The training loop: the old loop bit for bit, recurrent state, dict batches, accumulation,
autocast, bad arguments."""

import math

import numpy as np
import pytest
import torch
from tinylm import STREAM, V, Out, StatefulTinyRNN, TinyFF, TinyRNN, old_train, same_weights

from lmkit.train import bf16_supported, bptt_batches, ngram_batches, train

KW = dict(steps=60, lr=3e-3, warmup=20, clip=0.5, eval_every=25, progress=False)


def targets_in(batches, n):
    """How many targets the first ``n`` batches hold (the last batch of an epoch is smaller)."""
    return sum(next(batches)[1].numel() for _ in range(n))


def made(cls, *args, **kwargs):
    torch.manual_seed(0)
    return cls(*args, **kwargs)


def test_defaults_reproduce_the_old_loop_bit_for_bit():
    valid = next(ngram_batches(STREAM, 3, 64, seed=1))
    models, hists = [], []
    for loop in (old_train, train):
        m = made(TinyFF, dropout=0.2)
        hists.append(loop(m, ngram_batches(STREAM, 3, 16), evaluate=lambda m=m: m(*valid)[1].item(),
                          **{k: v for k, v in KW.items() if k != "progress"},
                          **({"progress": False} if loop is train else {})))
        models.append(m)
    assert same_weights(*models)
    old, new = hists
    assert old["train_loss"] == new["train_loss"] and old["valid_loss"] == new["valid_loss"]
    assert old["tokens"] == new["tokens"] == targets_in(ngram_batches(STREAM, 3, 16), 60) < 60 * 16
    assert new["steps"] == 60
    assert len(new["valid_loss"]) == 3 and new["valid_loss"][-1][0] == 60
    seconds = new["valid_seconds"]             # training time at each evaluation, evals left out
    assert len(seconds) == 3 and 0 < seconds[0] < seconds[1] < seconds[2]
    assert seconds[2] + new["eval_seconds"] <= new["seconds"]


def test_recurrent_state_carried_by_the_loop_equals_the_old_stateful_model():
    """The old RNNs kept their state and forgot it when evaluated; the loop now carries it,
    detached, and restarts it after each evaluation: the same training, bit for bit."""
    valid = next(bptt_batches(STREAM, 4, 10))
    old = made(StatefulTinyRNN)

    def old_eval():
        old.reset()
        loss = old(*valid)[1].item()
        old.reset()
        return loss

    h_old = old_train(old, bptt_batches(STREAM, 4, 10), evaluate=old_eval,
                      **{k: v for k, v in KW.items() if k != "progress"})
    new = made(TinyRNN)
    h_new = train(new, bptt_batches(STREAM, 4, 10), evaluate=lambda: new(*valid)[1].item(), **KW)
    assert same_weights(old, new)
    assert h_old["train_loss"] == h_new["train_loss"] and h_old["valid_loss"] == h_new["valid_loss"]
    assert h_new["valid_loss"][-1][1] < h_new["valid_loss"][0][1]


def test_state_restarts_when_the_batch_size_changes():
    seen = []

    class Probe(TinyRNN):
        def forward(self, x, targets=None, state=None):
            seen.append(state is None)
            return super().forward(x, targets, state)

    sizes = [4, 4, 2, 2, 4, 4]
    batches = iter([(torch.zeros(b, 3, dtype=torch.long), torch.ones(b, 3, dtype=torch.long))
                    for b in sizes])
    train(made(Probe), batches, steps=6, progress=False)
    assert seen == [True, False, True, False, True, False]


def test_a_two_tuple_without_state_is_fine_for_a_recurrent_model():
    class NoState(TinyFF):
        recurrent = True

        def forward(self, x, targets=None, state=None):
            assert state is None  # nothing to carry: out has no .state
            return super().forward(x, targets)

    h = train(made(NoState), ngram_batches(STREAM, 2, 8), steps=5, progress=False)
    assert h["steps"] == 5


class DictFF(TinyFF):
    """The same model, called with named inputs: ``model(context=..., targets=...)``."""

    def forward(self, context, targets=None):
        return super().forward(context, targets)


def test_dict_batches_train_like_pairs_and_count_tokens_from_the_targets():
    a, b = made(TinyFF), made(DictFF)
    ha = train(a, ngram_batches(STREAM, 3, 16), **KW)
    hb = train(b, ({"context": x, "targets": y} for x, y in ngram_batches(STREAM, 3, 16)), **KW)
    assert same_weights(a, b) and ha["train_loss"] == hb["train_loss"]
    assert hb["tokens"] == ha["tokens"] == targets_in(ngram_batches(STREAM, 3, 16), 60)
    with pytest.raises(ValueError, match="under 'targets'"):
        train(made(DictFF), iter([{"context": torch.zeros(2, 3, dtype=torch.long)}]), steps=1,
              progress=False)


def test_accumulation_equals_one_big_batch():
    """Two micro-batches of 8, each loss halved, give the gradient of the batch of 16 (the
    stream has 416 = 52 x 8 windows of 4 + 1 words: every micro-batch is full)."""
    small = made(TinyFF)
    h_small = train(small, ngram_batches(STREAM, 4, 8), accumulate=2, **KW)

    def pairs():
        it = ngram_batches(STREAM, 4, 8)
        while True:
            (x1, y1), (x2, y2) = next(it), next(it)
            yield torch.cat([x1, x2]), torch.cat([y1, y2])

    big = made(TinyFF)
    h_big = train(big, pairs(), **KW)
    for p, q in zip(small.parameters(), big.parameters()):
        torch.testing.assert_close(p, q, rtol=1e-5, atol=1e-6)
    assert h_small["tokens"] == h_big["tokens"] == 60 * 16
    np.testing.assert_allclose([l for _, l in h_small["train_loss"]],
                               [l for _, l in h_big["train_loss"]], rtol=1e-5)
    assert not same_weights(small, made(TinyFF))  # it did train


def test_the_schedule_sets_the_learning_rate():
    frozen = made(TinyFF)
    train(frozen, ngram_batches(STREAM, 3, 8), steps=5, schedule=lambda t, T, W: 0.0, progress=False)
    assert same_weights(frozen, made(TinyFF))
    for name in ("linear", "noam", "constant"):
        m = made(TinyFF)
        h = train(m, ngram_batches(STREAM, 3, 8), steps=30, schedule=name, warmup=5, lr=0.05,
                  progress=False)
        assert h["train_loss"][-1][1] < h["train_loss"][0][1]
    with pytest.raises(ValueError, match="gave the multiplier -1.0 at step 0"):
        train(made(TinyFF), ngram_batches(STREAM, 3, 8), steps=2, schedule=lambda t, T, W: -1.0,
              progress=False)


def test_seeded_runs_repeat_and_seeds_differ():
    def run(seed):
        m = made(TinyFF, dropout=0.5)
        return train(m, ngram_batches(STREAM, 3, 8), steps=20, seed=seed, progress=False)["train_loss"]

    assert run(3) == run(3) != run(4)


def test_autocast_bf16_runs_only_where_the_hardware_has_it():
    m = made(TinyFF)
    if bf16_supported("cpu"):
        h = train(m, ngram_batches(STREAM, 3, 8), steps=10, autocast="bf16", progress=False)
        assert math.isfinite(h["train_loss"][-1][1])
    else:
        with pytest.raises(ValueError, match="needs hardware bfloat16"):
            train(m, ngram_batches(STREAM, 3, 8), steps=10, autocast="bf16", progress=False)
    with pytest.raises(ValueError, match="'fp16' needs a CUDA GPU"):
        train(m, ngram_batches(STREAM, 3, 8), steps=10, autocast="fp16", progress=False)


def test_an_iterator_that_runs_out_and_a_model_without_loss():
    few = [next(ngram_batches(STREAM, 3, 8))] * 5
    with pytest.raises(ValueError, match="ran out after 5 batches, at step 2 of 4 .2 per step"):
        train(made(TinyFF), few, steps=4, accumulate=2, progress=False)

    class NoLoss(TinyFF):
        def forward(self, x, targets=None):
            return Out(super().forward(x)[0], None)

    with pytest.raises(ValueError, match="returned no loss"):
        train(made(NoLoss), few, steps=1, progress=False)


def test_the_fp16_path_with_its_gradient_scaler_runs_and_resumes(monkeypatch, tmp_path):
    """On this CPU machine: fp16 autocast is allowed by hand, and the CUDA gradient scaler
    disables itself (scale 1); the control flow (scale, unscale, clip, step, update, and the
    scaler's state in the checkpoint) is the one a GPU runs."""
    import warnings

    from lmkit.train import loop

    monkeypatch.setattr(loop, "check_autocast", lambda autocast, device: None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "CUDA is not available. Disabling"
        m = made(TinyFF)
        h = train(m, ngram_batches(STREAM, 3, 16), steps=40, lr=0.02, warmup=5, autocast="fp16",
                  checkpoint=tmp_path / "ck.pt", progress=False)
        again = made(TinyFF)
        train(again, ngram_batches(STREAM, 3, 16), steps=40, lr=0.02, warmup=5, autocast="fp16",
              checkpoint=tmp_path / "ck.pt", resume=True, progress=False)
    assert h["train_loss"][-1][1] < h["train_loss"][0][1] - 0.3
    assert same_weights(m, again)
    assert m(torch.zeros(1, 3, dtype=torch.long))[0].dtype == torch.float32  # outside autocast


def test_batches_must_hold_torch_tensors():
    x, y = next(ngram_batches(STREAM, 3, 8))
    with pytest.raises(TypeError, match=r"must hold torch tensors: its targets y is a ndarray; "
                                        r"convert it with torch.as_tensor"):
        train(made(TinyFF), [(x, y.numpy())] * 2, steps=1, progress=False)
    with pytest.raises(TypeError, match="must hold torch tensors: its inputs x is a ndarray"):
        train(made(TinyFF), [(x.numpy(), y.numpy())] * 2, steps=1, progress=False)
    with pytest.raises(TypeError, match="its 'targets' is a list"):
        train(made(TinyFF), [{"x": x, "targets": y.tolist()}] * 2, steps=1, progress=False)


def test_a_diverging_run_stops_with_a_clear_error():
    from tinylm import STREAM, TinyFF

    from lmkit.train import ngram_batches, train
    with pytest.raises(FloatingPointError, match="training loss is .* at step .*Lower the learning"):
        train(TinyFF(), ngram_batches(STREAM, 2, 8), steps=40, lr=1e30, clip=None,
              progress=False)
    with pytest.raises(FloatingPointError, match="evaluate\\(\\) returned NaN"):
        train(TinyFF(), ngram_batches(STREAM, 2, 8), steps=2, evaluate=lambda: float("nan"),
              eval_every=1, progress=False)
