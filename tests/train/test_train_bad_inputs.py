"""Bad input to lmkit.train (the loop, schedules, optimiser groups, batch iterators,
checkpoints, precision, distributed helpers, live plot), the maximum-entropy model
(lmkit.adapt.maxent) and lmkit.runtime: a clear error naming the problem, and the numpy scalars
(and zeros) that must be accepted.  Every case builds on tiny objects and runs in milliseconds."""

import atexit
import contextlib
import os
import re
import shutil
import tempfile
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from badinputs import int_cases, real_cases
import torch
from matplotlib.figure import Figure
from tinylm import STREAM, TinyFF, TinyRNN

from lmkit import Vocab, runtime
from lmkit.adapt.maxent import MaxEntConfig, MaxEntLM, maxent_features, select_triggers
from lmkit.train import (LivePlot, bf16_supported, bptt_batches, constant, cosine, get_schedule,
                         linear, load_checkpoint, ngram_batches, noam, noam_peak_lr, param_groups,
                         plot_schedule, save_checkpoint, schedule_values, shuffled_batches, train)
from lmkit.train.checkpoint import restore_rng
from lmkit.train.distributed import shard, split_batch
from lmkit.train.precision import autocast_context, check_autocast

matplotlib.use("Agg")
NAN, INF = float("nan"), float("inf")

# -- tiny objects, built once ------------------------------------------------------------------
DIR = Path(tempfile.mkdtemp(prefix="lmkit-train-bad-"))
atexit.register(shutil.rmtree, DIR, ignore_errors=True)
FF_CK = DIR / "ff.pt"            # a real checkpoint of TinyFF
torch.manual_seed(0)
train(TinyFF(), ngram_batches(STREAM, 3, 8), steps=2, progress=False, checkpoint=FF_CK)
GARBAGE = DIR / "garbage.pt"     # not a torch file
GARBAGE.write_bytes(b"not a checkpoint")
WEIGHTS = DIR / "weights.pt"     # a torch file, but a bare state dict
torch.save(TinyFF().state_dict(), WEIGHTS)
SENTS = [s.split() for s in ["the cat sat on the mat", "the dog sat", "a cat and a dog"]] * 4
VOCAB = Vocab(SENTS)
V = len(VOCAB)
ME = MaxEntLM(MaxEntConfig(V, window=2), [(4, 5, 0.1)], vocab=VOCAB)
ME_IDS = np.arange(V).repeat(3)
ARRAYS = {"a": np.arange(6) * 2, "targets": np.arange(6)}
PAIR = (torch.arange(10).view(5, 2), torch.arange(5))
AX = Figure().add_subplot()  # drawn on, never shown


def tr(model=None, batches=None, **kw):
    """``train`` of a fresh TinyFF on ngram batches for 2 quiet steps, ``kw`` overriding."""
    torch.manual_seed(0)
    return train(TinyFF() if model is None else model,
                 ngram_batches(STREAM, 3, 8) if batches is None else batches,
                 **({"steps": 2, "progress": False} | kw))


@contextlib.contextmanager
def environ(name, value):
    old = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if old is None:
            del os.environ[name]
        else:
            os.environ[name] = old


def with_env(name, value, fn):
    def call():
        with environ(name, value):
            return fn()
    return call


class NoLoss(TinyFF):
    def forward(self, x, targets=None):
        return super().forward(x)[0], None


def schedule_cases(fn):
    name = fn.__name__
    return [*int_cases(f"{name} step", lambda v: fn(v, 10, 2), "step", 0),
            *int_cases(f"{name} steps", lambda v: fn(0, v, 2), "steps", 1),
            *int_cases(f"{name} warmup", lambda v: fn(0, 10, v), "warmup", 0)]


MISSING_GPU = "no CUDA GPU" if not torch.cuda.is_available() else "there is no GPU 99"
MPS = getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()

CASES = [
    # -- train: every number of the loop --------------------------------------------------------
    ("train steps=None", lambda: tr(steps=None), ValueError, "give a budget: steps=N"),
    *int_cases("train steps", lambda v: tr(steps=v), "steps", 1),
    ("train steps=-5", lambda: tr(steps=-5), ValueError, r"steps must be an integer in \[1, .*got -5"),
    *real_cases("train lr", lambda v: tr(lr=v), "lr", zero_ok=False),
    *int_cases("train warmup", lambda v: tr(warmup=v), "warmup", 0),
    *real_cases("train clip", lambda v: tr(clip=v), "clip", zero_ok=False),
    ("train clip=nan says None", lambda: tr(clip=NAN), ValueError, r"got nan \(or None: no clipping\)"),
    *real_cases("train weight_decay", lambda v: tr(weight_decay=v), "weight_decay"),
    *int_cases("train accumulate", lambda v: tr(accumulate=v), "accumulate", 1),
    *int_cases("train eval_every", lambda v: tr(eval_every=v, evaluate=lambda: 1.0), "eval_every", 1),
    *int_cases("train seed", lambda v: tr(seed=v), "seed", 0),
    ("train seed=2**63", lambda: tr(seed=2**63), ValueError, r"seed must be an integer in \[0, "),
    *int_cases("train checkpoint_every",
               lambda v: tr(checkpoint_every=v, checkpoint=DIR / "never.pt"), "checkpoint_every", 1),
    ("train seconds=nan (no such argument)", lambda: tr(seconds=NAN), TypeError,
     "unexpected keyword argument 'seconds'"),
    # -- train: everything else -----------------------------------------------------------------
    ("train progress=1", lambda: tr(progress=1), TypeError, "progress must be True or False"),
    ("train plot='yes'", lambda: tr(plot="yes"), TypeError, "plot must be True or False"),
    ("train resume=1", lambda: tr(resume=1), TypeError, "resume must be True or False"),
    ("train evaluate=3", lambda: tr(evaluate=3), TypeError, "evaluate must be a function"),
    ("train on_step='x'", lambda: tr(on_step="x"), TypeError, "on_step must be a function"),
    ("train title=3", lambda: tr(title=3), TypeError, "title must be a string"),
    ("train checkpoint=3", lambda: tr(checkpoint=3), TypeError, "checkpoint must be a file path"),
    ("train checkpoint=a folder", lambda: tr(checkpoint=DIR),
     IsADirectoryError, "is a folder: give the file"),
    ("train model not a module", lambda: train("model", iter([]), steps=1), TypeError,
     "train takes a torch.nn.Module"),
    ("train model without parameters", lambda: tr(model=torch.nn.ReLU()), ValueError,
     "ReLU has no parameters to train"),
    ("train batches=5", lambda: tr(batches=5), TypeError, "batches must be an iterable of"),
    ("train a batch that is no pair", lambda: tr(batches=iter([torch.zeros(3)] * 2)), ValueError,
     r"a batch must be an \(inputs, targets\) pair or a dict"),
    ("train a dict batch without targets", lambda: tr(batches=iter([{"x": torch.zeros(2)}] * 2)),
     ValueError, "must hold the tokens to predict under 'targets'"),
    ("train finite batches run out", lambda: tr(batches=iter([next(ngram_batches(STREAM, 3, 8))]), steps=3),
     ValueError, r"the batches ran out after 1 batches, at step 1 of 3 .*give an endless iterator"),
    ("train unknown schedule", lambda: tr(schedule="warmup-cosine"),
     ValueError, "unknown schedule 'warmup-cosine'"),
    ("train schedule=3", lambda: tr(schedule=3), ValueError, "unknown schedule 3"),
    ("train schedule gives nan", lambda: tr(schedule=lambda t, T, W: NAN), ValueError,
     "the schedule gave the multiplier nan at step 0"),
    ("train autocast='int8'", lambda: tr(autocast="int8"), ValueError, "autocast must be one of"),
    ("train autocast='fp16' on the CPU", lambda: tr(autocast="fp16"), ValueError, "'fp16' needs a CUDA GPU"),
    ("train evaluate returns text", lambda: tr(evaluate=lambda: "low"), TypeError,
     "evaluate\\(\\) must return a number"),
    ("train model returns no loss", lambda: tr(model=NoLoss()), ValueError, "NoLoss returned no loss"),
    ("train resume without checkpoint", lambda: tr(resume=True),
     ValueError, "resume=True needs checkpoint=path"),
    ("train checkpoint_every without checkpoint", lambda: tr(checkpoint_every=5), ValueError,
     "checkpoint_every needs checkpoint=path"),
    # -- checkpoints --------------------------------------------------------------------------
    ("resume from a file that is not a checkpoint", lambda: tr(checkpoint=GARBAGE, resume=True),
     ValueError, "garbage.pt is not a readable training checkpoint"),
    ("resume from a bare state dict", lambda: tr(checkpoint=WEIGHTS, resume=True), ValueError,
     "weights.pt is a torch file but not a checkpoint of lmkit.train.train"),
    ("resume another model's checkpoint", lambda: tr(model=TinyRNN(), checkpoint=FF_CK, resume=True),
     ValueError, "ff.pt holds the weights of another model than this TinyRNN .*resume with the model"),
    ("resume with other settings", lambda: tr(checkpoint=FF_CK, resume=True, lr=0.5), ValueError,
     r"other settings .*'lr': \(0.001, 0.5\)"),
    ("load_checkpoint of a missing file", lambda: load_checkpoint(DIR / "absent.pt"), FileNotFoundError,
     "no checkpoint at .*absent.pt: check the path"),
    ("load_checkpoint of a garbage file", lambda: load_checkpoint(GARBAGE), ValueError,
     "not a readable training checkpoint .*delete it or give another path"),
    ("load_checkpoint of a folder", lambda: load_checkpoint(DIR),
     IsADirectoryError, "is a folder, not a checkpoint"),
    ("save_checkpoint of a list", lambda: save_checkpoint(DIR / "x.pt", [1]), TypeError,
     "a checkpoint is a dict"),
    ("save_checkpoint to a folder", lambda: save_checkpoint(DIR, {}), IsADirectoryError, "is a folder"),
    ("restore_rng of another dict", lambda: restore_rng({"step": 1}), ValueError,
     r"restore_rng takes the dict of capture_rng\(\) .*got dict with keys \['step'\]"),
    # -- schedules ----------------------------------------------------------------------------
    *schedule_cases(cosine), *schedule_cases(linear), *schedule_cases(noam), *schedule_cases(constant),
    ("get_schedule('cosin')", lambda: get_schedule("cosin"),
     ValueError, r"unknown schedule 'cosin': give one of"),
    *int_cases("schedule_values steps", lambda v: schedule_values("cosine", v, 2), "steps", 1),
    *int_cases("schedule_values warmup", lambda v: schedule_values("cosine", 10, v), "warmup", 0),
    ("schedule_values at=[0.5]", lambda: schedule_values("linear", 10, 2, at=[0, 0.5]), TypeError,
     r"at\[1\] must be an integer, got float"),
    ("schedule_values at=5", lambda: schedule_values("linear", 10, 2, at=5), TypeError,
     "at must be a sequence of steps"),
    ("schedule_values unknown name", lambda: schedule_values("nope", 10, 2),
     ValueError, "unknown schedule 'nope'"),
    *real_cases("plot_schedule lr", lambda v: plot_schedule("cosine", 10, 2, lr=v, ax=AX),
                "lr", zero_ok=False),
    ("plot_schedule of nothing", lambda: plot_schedule([], 10, 2, ax=AX), ValueError, "no schedule to plot"),
    ("plot_schedule of a bad name", lambda: plot_schedule(["cosine", "nope"], 10, 2, ax=AX), ValueError,
     "unknown schedule 'nope'"),
    ("plot_schedule steps=0", lambda: plot_schedule("cosine", 0, 2, ax=AX),
     ValueError, r"steps must be an integer in \[1, "),
    *int_cases("noam_peak_lr d_model", lambda v: noam_peak_lr(v, 10), "d_model", 1),
    *int_cases("noam_peak_lr warmup", lambda v: noam_peak_lr(512, v), "warmup (of the Noam schedule)", 1),
    # -- param_groups ------------------------------------------------------------------------
    *real_cases("param_groups weight_decay", lambda v: param_groups(TinyFF(), v), "weight_decay"),
    ("param_groups of a non-module", lambda: param_groups([torch.zeros(2)], 0.1), TypeError,
     "param_groups takes a torch.nn.Module, got list"),
    ("param_groups of a frozen model", lambda: param_groups(TinyFF().requires_grad_(False), 0.1),
     ValueError, "TinyFF has no trainable parameters"),
    # -- bptt_batches --------------------------------------------------------------------------
    *int_cases("bptt batch", lambda v: bptt_batches(STREAM, v, 5), "batch", 1),
    *int_cases("bptt length", lambda v: bptt_batches(STREAM, 2, v), "length", 1),
    ("bptt float ids", lambda: bptt_batches(STREAM + 0.5, 2, 5), TypeError,
     "ids must be integer ids, got dtype float64 .*encode tokens"),
    ("bptt words, not ids", lambda: bptt_batches(["the", "cat"], 2, 5),
     TypeError, "ids must be integer ids, got dtype"),
    ("bptt 2-d ids", lambda: bptt_batches(STREAM.reshape(2, -1), 2, 5),
     ValueError, "ids must be a 1-d sequence of integer ids, got shape"),
    ("bptt negative ids", lambda: bptt_batches(STREAM - 5, 2, 5), ValueError, "ids must be token ids >= 0, got -"),
    ("bptt empty ids", lambda: bptt_batches([], 2, 5), ValueError, "ids is empty"),
    ("bptt ragged ids", lambda: bptt_batches([[1, 2], [3]], 2, 5), ValueError,
     "ids must be a 1-d sequence of integer ids"),
    ("bptt too short", lambda: bptt_batches(np.arange(5), 4, 3), ValueError,
     "a stream of 5 tokens is too short for 4 parallel streams"),
    # -- ngram_batches --------------------------------------------------------------------------
    *int_cases("ngram context", lambda v: ngram_batches(STREAM, v, 8), "context", 1),
    *int_cases("ngram batch", lambda v: ngram_batches(STREAM, 3, v), "batch", 1),
    *int_cases("ngram seed", lambda v: ngram_batches(STREAM, 3, 8, seed=v), "seed", 0),
    ("ngram float ids", lambda: ngram_batches(STREAM * 1.0, 3, 8),
     TypeError, "ids must be integer ids, got dtype"),
    ("ngram no window", lambda: ngram_batches(STREAM[:3], 3, 8),
     ValueError, r"a stream of 3 tokens has no window of 3 \+ 1"),
    # -- shuffled_batches (moved from test_batches.py) -----------------------------------------
    ("shuffled no targets", lambda: shuffled_batches({"a": np.arange(3)}, 2), ValueError, "'targets' entry"),
    ("shuffled unequal lengths", lambda: shuffled_batches({"a": np.arange(3), "targets": np.arange(4)}, 2),
     ValueError, "equally long"),
    ("shuffled empty", lambda: shuffled_batches({"targets": np.arange(0)}, 2), ValueError, "non-empty"),
    ("shuffled a scalar entry", lambda: shuffled_batches({"targets": np.arange(3), "n": 3}, 2), ValueError,
     "must have rows"),
    ("shuffled arrays=list", lambda: shuffled_batches([np.arange(3)], 2), TypeError, "arrays must be a dict"),
    *int_cases("shuffled batch", lambda v: shuffled_batches(ARRAYS, v), "batch", 1),
    *int_cases("shuffled epochs", lambda v: shuffled_batches(ARRAYS, 2, epochs=v), "epochs", 1),
    ("shuffled epochs=0 says None", lambda: shuffled_batches(ARRAYS, 2, epochs=0), ValueError,
     r"got 0 \(or None: forever\)"),
    *int_cases("shuffled seed", lambda v: shuffled_batches(ARRAYS, 2, seed=v), "seed", 0),
    # -- MaxEntConfig (some moved from test_maxent.py) ----------------------------------------
    ("MaxEntConfig unknown feature", lambda: MaxEntConfig(10, features=("bigram", "fourgram")), ValueError,
     r"unknown features \['fourgram'\]"),
    ("MaxEntConfig features as one string", lambda: MaxEntConfig(10, features="bigram"), TypeError,
     "features must be a tuple of names"),
    ("MaxEntConfig no features", lambda: MaxEntConfig(10, features=()), ValueError, "features is empty"),
    *int_cases("MaxEntConfig vocab_size", lambda v: MaxEntConfig(v), "vocab_size", 2),
    ("MaxEntConfig vocab_size=1", lambda: MaxEntConfig(1),
     ValueError, r"vocab_size must be an integer in \[2, "),
    ("MaxEntConfig vocab_size too big", lambda: MaxEntConfig(100_000), ValueError,
     "makes the bigram and distance2 tables .* use a vocabulary of at most 65,536 words"),
    *int_cases("MaxEntConfig window", lambda v: MaxEntConfig(10, window=v), "window", 1),
    # -- MaxEntLM ----------------------------------------------------------------------------
    ("MaxEntLM of a number", lambda: MaxEntLM(10), TypeError, "MaxEntLM takes a MaxEntConfig"),
    ("MaxEntLM trigger id >= size", lambda: MaxEntLM(MaxEntConfig(10), [(3, 11, 0.1)]), ValueError,
     r"ids outside \[0, 10\)"),
    ("MaxEntLM negative trigger id", lambda: MaxEntLM(MaxEntConfig(10), [(-1, 3, 0.1)]), ValueError,
     r"triggers\[0\] A must be an integer in \[0, "),
    ("MaxEntLM float trigger id", lambda: MaxEntLM(MaxEntConfig(10), [(3.5, 4, 0.1)]), TypeError,
     r"triggers\[0\] A must be an integer, got float 3.5"),
    ("MaxEntLM malformed trigger", lambda: MaxEntLM(MaxEntConfig(10), [(3,)]), TypeError,
     r"triggers\[0\] must be an \(A, B, score\) triple"),
    ("MaxEntLM triggers=5", lambda: MaxEntLM(MaxEntConfig(10), 5), TypeError, "triggers must be a list of"),
    ("MaxEntLM triggers without the feature",
     lambda: MaxEntLM(MaxEntConfig(10, features=("unigram", "bigram")), [(3, 4, 0.1)]), ValueError,
     "leave out 'triggers': add it, or give no pairs"),
    ("MaxEntLM vocabulary of another size", lambda: MaxEntLM(MaxEntConfig(10), vocab=Vocab([["a", "b"]])),
     ValueError, "the config says vocab_size=10"),
    ("MaxEntLM vocab not a Vocab", lambda: MaxEntLM(MaxEntConfig(10), vocab=list("abcdefghij")), TypeError,
     "vocab must be a lmkit.text.Vocab"),
    ("MaxEntLM training_batches out-of-range ids", lambda: ME.training_batches(np.array([3, V]), 4),
     ValueError, rf"ids must lie in \[0, {V}\)"),
    ("MaxEntLM training_batches float ids", lambda: ME.training_batches(ME_IDS + 0.5, 4), TypeError,
     "ids must be integer ids, got dtype"),
    *int_cases("MaxEntLM training_batches batch", lambda v: ME.training_batches(ME_IDS, v), "batch", 1),
    ("MaxEntLM training_batches seed=-1", lambda: ME.training_batches(ME_IDS, 4, seed=-1), ValueError,
     r"seed must be an integer in \[0, "),
    ("MaxEntLM training_batches epochs=0", lambda: ME.training_batches(ME_IDS, 4, epochs=0), ValueError,
     r"epochs must be an integer in \[1, "),
    *int_cases("MaxEntLM stream_logprobs batch", lambda v: ME.stream_logprobs(ME_IDS, batch=v), "batch", 1),
    ("MaxEntLM stream_logprobs empty", lambda: ME.stream_logprobs([]), ValueError, "ids is empty"),
    ("MaxEntLM token_logprobs without vocab",
     lambda: MaxEntLM(MaxEntConfig(10)).token_logprobs([["a"]]), ValueError, "has no vocabulary"),
    ("MaxEntLM forward with a window of another width",
     lambda: ME(torch.tensor([1]), torch.tensor([1]), torch.full((1, 5), -1)), ValueError,
     r"window of shape \(N, 2\)\), got .*window \(1, 5\)"),
    # -- select_triggers / maxent_features ----------------------------------------------------
    *int_cases("select_triggers size", lambda v: select_triggers(ME_IDS, v), "size", 1),
    ("select_triggers ids >= size", lambda: select_triggers(ME_IDS, 5), ValueError,
     rf"ids must lie in \[0, 5\) .*got min 0 and max {V - 1}"),
    ("select_triggers float ids", lambda: select_triggers(ME_IDS * 1.0, V),
     TypeError, "ids must be integer ids, got dtype"),
    ("select_triggers empty", lambda: select_triggers([], V), ValueError, "ids is empty"),
    *int_cases("select_triggers window", lambda v: select_triggers(ME_IDS, V, window=v), "window", 1),
    *int_cases("select_triggers top", lambda v: select_triggers(ME_IDS, V, top=v), "top", 1),
    *int_cases("select_triggers min_count", lambda v: select_triggers(ME_IDS, V, min_count=v),
                "min_count", 1),
    *int_cases("select_triggers skip", lambda v: select_triggers(ME_IDS, V, skip=v), "skip", 0),
    *int_cases("maxent_features window", lambda v: maxent_features(ME_IDS, window=v), "window", 1),
    ("maxent_features negative ids", lambda: maxent_features(np.array([3, -1])), ValueError,
     "ids must be token ids >= 0, got -"),
    ("maxent_features float ids", lambda: maxent_features(np.array([3.7])),
     TypeError, "ids must be integer ids, got dtype"),
    # -- runtime -------------------------------------------------------------------------------
    ("get_device('gpu')", lambda: runtime.get_device("gpu"), ValueError,
     r"get_device\('gpu'\): 'gpu' is not a device name; use 'cpu', 'cuda'"),
    ("get_device('')", lambda: runtime.get_device(""), ValueError, "'' is not a device name"),
    ("get_device(3)", lambda: runtime.get_device(3), TypeError, "prefer must be a device name"),
    ("get_device('cuda:99')", lambda: runtime.get_device("cuda:99"), ValueError, MISSING_GPU),
    ("get_device('xla')", lambda: runtime.get_device("xla"), ValueError,
     "device type 'xla' is not available here; lmkit runs on 'cpu', 'cuda' or 'mps'"),
    ("LMKIT_DEVICE=gpu", with_env("LMKIT_DEVICE", "gpu", runtime.get_device), ValueError,
     r"LMKIT_DEVICE='gpu': 'gpu' is not a device name.*unset LMKIT_DEVICE"),
    ("LMKIT_DEVICE=cuda:99", with_env("LMKIT_DEVICE", "cuda:99", runtime.get_device), ValueError,
     "LMKIT_DEVICE='cuda:99': .*" + MISSING_GPU),
    *int_cases("set_seed", runtime.set_seed, "seed", 0),
    ("set_seed(2**64)", lambda: runtime.set_seed(2**64), ValueError, r"seed must be an integer in \[0, "),
    ("set_seed('0')", lambda: runtime.set_seed("0"), TypeError, "seed must be an integer, got str"),
    ("LMKIT_PROFILE=huge, profile", with_env("LMKIT_PROFILE", "huge", runtime.profile), ValueError,
     r"LMKIT_PROFILE='huge' is not a profile; use one of \('default', 'full'\)"),
    ("LMKIT_PROFILE=huge, by_profile", with_env("LMKIT_PROFILE", "huge", lambda: runtime.by_profile(1, 2)),
     ValueError, "LMKIT_PROFILE='huge' is not a profile"),
    # -- precision, distributed, live plot ------------------------------------------------------
    ("bf16_supported('gpu')", lambda: bf16_supported("gpu"), ValueError, "'gpu' is not a torch device"),
    ("check_autocast('fp8')", lambda: check_autocast("fp8", "cpu"), ValueError, "autocast must be one of"),
    ("check_autocast on a bad device", lambda: check_autocast(None, "gpu"), ValueError,
     "'gpu' is not a torch device"),
    ("autocast_context('fp8')", lambda: autocast_context("fp8", "cpu"),
     ValueError, "autocast must be one of"),
    *int_cases("split_batch world_size", lambda v: split_batch(PAIR, 0, v), "world_size", 1),
    ("split_batch rank=2 of 2", lambda: split_batch(PAIR, 2, 2), ValueError,
     r"rank \(of 2 processes\) must be an integer in \[0, 1\], got 2"),
    ("split_batch rank=0.5", lambda: split_batch(PAIR, 0.5, 2),
     TypeError, r"rank \(of 2 processes\) must be an integer"),
    ("split_batch too few rows", lambda: split_batch(PAIR[1][:1], 0, 2), ValueError,
     "a batch of 1 rows cannot be shared by 2 processes"),
    ("shard rank=-1", lambda: shard([PAIR], -1, 2),
     ValueError, r"rank \(of 2 processes\) must be an integer in \[0, 1\]"),
    ("LivePlot(title=3)", lambda: LivePlot(3), TypeError, "title must be a string"),
]
if not torch.cuda.is_available():
    CASES.append(("get_device('cuda') without a GPU", lambda: runtime.get_device("cuda"), ValueError,
                  r"get_device\('cuda'\): device 'cuda' was asked for, but torch sees no CUDA GPU"))
if not MPS:
    CASES += [("get_device('mps') without MPS", lambda: runtime.get_device("mps"), ValueError,
               r"Apple's MPS was asked for, but it is not available on this machine"),
              ("LMKIT_DEVICE=mps without MPS", with_env("LMKIT_DEVICE", "mps", runtime.get_device),
               ValueError, "LMKIT_DEVICE='mps': Apple's MPS was asked for")]


@pytest.mark.parametrize("call, exc, fragment", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_gets_a_clear_error(call, exc, fragment):
    with pytest.raises(exc, match=fragment):
        call()


def test_the_table_is_large_and_its_ids_unique():
    ids = [c[0] for c in CASES]
    assert len(ids) >= 50 and len(set(ids)) == len(ids)


# -- numpy scalars (and zeros where valid) that must be accepted -------------------------------
I, F = np.int64, np.float32
ACCEPTED = [
    ("train with numpy numbers", lambda: tr(steps=I(2), lr=F(1e-3), warmup=I(1), clip=F(1.0),
                                            weight_decay=F(0.01), accumulate=I(1), eval_every=I(1),
                                            evaluate=lambda: np.float32(1.5), seed=I(3),
                                            checkpoint=DIR / "np.pt", checkpoint_every=I(1))),
    ("train warmup=0, weight_decay=0, seed=0, clip=None",
     lambda: tr(warmup=0, weight_decay=0.0, seed=0, clip=None)),
    ("cosine with numpy ints", lambda: cosine(I(0), I(10), I(2))),
    ("linear with numpy ints", lambda: linear(I(3), I(10), I(0))),
    ("noam with numpy ints", lambda: noam(I(3), I(10), I(2))),
    ("constant with numpy ints", lambda: constant(I(3), I(10), I(0))),
    ("schedule_values with numpy ints", lambda: schedule_values("cosine", I(10), I(0), at=np.arange(3))),
    ("plot_schedule with numpy lr", lambda: plot_schedule("linear", I(10), I(2), lr=F(0.5), ax=AX)),
    ("noam_peak_lr with numpy ints", lambda: noam_peak_lr(I(512), I(400))),
    ("param_groups with numpy decay", lambda: param_groups(TinyFF(), F(0.01))),
    ("param_groups with decay 0", lambda: param_groups(TinyFF(), 0)),
    ("bptt_batches with numpy ints", lambda: next(bptt_batches(STREAM.astype(np.int32), I(2), I(5)))),
    ("bptt_batches of a list", lambda: next(bptt_batches(list(STREAM), 2, 5))),
    ("bptt_batches of a tensor", lambda: next(bptt_batches(torch.as_tensor(STREAM), 2, 5))),
    ("ngram_batches with numpy ints", lambda: next(ngram_batches(STREAM, I(3), I(8), seed=I(0)))),
    ("shuffled_batches with numpy ints",
     lambda: next(shuffled_batches(ARRAYS, I(2), seed=I(1), epochs=I(1)))),
    ("MaxEntConfig with numpy ints", lambda: MaxEntConfig(I(10), window=I(3))),
    ("MaxEntLM with numpy trigger ids", lambda: MaxEntLM(MaxEntConfig(10), [(I(3), I(4), F(0.1))])),
    ("MaxEntLM with (A, B) pairs", lambda: MaxEntLM(MaxEntConfig(10), [(3, 4)])),
    ("training_batches with numpy ints",
     lambda: next(ME.training_batches(ME_IDS, I(4), seed=I(0), epochs=I(1)))),
    ("stream_logprobs with numpy batch", lambda: ME.stream_logprobs(ME_IDS.astype(np.int32), batch=I(5))),
    ("select_triggers with numpy ints", lambda: select_triggers(ME_IDS, I(V), window=I(2), top=I(3),
                                                                min_count=I(1), skip=I(0))),
    ("maxent_features with numpy window", lambda: maxent_features(ME_IDS, window=I(2))),
    ("maxent_features of an empty stream", lambda: maxent_features([], window=2)),
    ("set_seed(np.int64(3))", lambda: runtime.set_seed(I(3))),
    ("set_seed(0)", lambda: runtime.set_seed(0)),
    ("get_device(torch.device('cpu'))", lambda: runtime.get_device(torch.device("cpu"))),
    ("get_device('cpu')", lambda: runtime.get_device("cpu")),
    ("LMKIT_DEVICE empty: choose", with_env("LMKIT_DEVICE", "", runtime.get_device)),
    ("LMKIT_DEVICE=cpu", with_env("LMKIT_DEVICE", "cpu", runtime.get_device)),
    ("split_batch with numpy ints", lambda: split_batch(PAIR, I(1), I(2))),
]


@pytest.mark.parametrize("call", [c[1] for c in ACCEPTED], ids=[c[0] for c in ACCEPTED])
def test_numpy_scalars_and_zeros_are_accepted(call):
    call()


def test_numpy_numbers_give_the_same_results_as_python_ones(tmp_path):
    assert cosine(I(5), I(10), I(2)) == cosine(5, 10, 2)
    assert noam_peak_lr(I(512), I(400)) == noam_peak_lr(512, 400)
    assert runtime.set_seed(I(3)).random() == runtime.set_seed(3).random()
    torch.manual_seed(0)
    a = TinyFF()
    torch.manual_seed(0)
    b = TinyFF()
    ha = tr(a, steps=I(3), lr=F(0.5), seed=I(1), clip=F(0.5), checkpoint=tmp_path / "a.pt")
    hb = tr(b, steps=3, lr=float(F(0.5)), seed=1, clip=float(F(0.5)))
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    assert ha["tokens"] == hb["tokens"] == 24
    # the settings are saved as plain Python numbers (a weights-only load reads them back)
    settings = load_checkpoint(tmp_path / "a.pt")["settings"]
    assert settings["steps"] == 3 and type(settings["steps"]) is int and type(settings["lr"]) is float
