"""Bad input to lmkit.models and lmkit.nn (every config, model constructor, ``forward``,
``features``, ``stream_logprobs``, ``token_logprobs``, ``save``/``load``, every output layer's
constructor, ``loss``, ``log_prob``, ``log_probs`` and accessors, ``huffman_codes``): a clear
error naming the problem, and the numpy scalars (and zeros) that must be accepted.  Every case
builds on tiny objects made once below, and runs in milliseconds."""

import atexit
import re
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest
from badinputs import int_cases
from badinputs import real_cases as _real
import torch

from lmkit import Vocab
from lmkit.models import (AverageConfig, AverageLM, BengioConfig, BengioLM, RNNConfig, RNNLM,
                          load, save)
from lmkit.nn import (NCE, ClassSoftmax, FullSoftmax, HierarchicalSoftmax, ImportanceSampling,
                      huffman_codes, output_layer)

NAN, INF = float("nan"), float("inf")
I, F = np.int64, np.float32

# -- tiny objects, built once ------------------------------------------------------------------
SENTS = [s.split() for s in ["the cat sat", "the dog sat down", "a cat ran"]] * 2
VOCAB = Vocab(SENTS)
V = len(VOCAB)
COUNTS = np.arange(V) + 1.0
IDS = np.arange(V).repeat(2)
D = 4
torch.manual_seed(0)
AVG = AverageLM(AverageConfig(V, D, 2), counts=COUNTS, vocab=VOCAB)
BENGIO = BengioLM(BengioConfig(V, D, 6, 3, output="class"), counts=COUNTS, vocab=VOCAB)
LSTM = RNNLM(RNNConfig(V, D, 5, layers=2), counts=COUNTS, vocab=VOCAB)
ELMAN = RNNLM(RNNConfig(V, D, 5, cell="rnn", output="nce", k=3), counts=COUNTS)
LAYERS = {"full": FullSoftmax(D, V, COUNTS), "class": ClassSoftmax(D, V, COUNTS, n_classes=3),
          "hierarchical": HierarchicalSoftmax(D, V, COUNTS),
          "importance": ImportanceSampling(D, V, COUNTS, k=3), "nce": NCE(D, V, COUNTS, k=3)}
H = torch.randn(3, D)
T = torch.tensor([0, 1, V - 1])
X_FF = torch.zeros(3, 2, dtype=torch.long)
X_RNN = torch.zeros(2, 4, dtype=torch.long)
LSTM_STATE = LSTM(X_RNN).state

DIR = Path(tempfile.mkdtemp(prefix="lmkit-models-bad-"))
atexit.register(shutil.rmtree, DIR, ignore_errors=True)
GOOD = save(LSTM, DIR / "lstm.pt")
(DIR / "text.pt").write_text("hello, not a model")
(DIR / "truncated.pt").write_bytes(GOOD.read_bytes()[: GOOD.stat().st_size // 2])
(DIR / "empty.pt").write_bytes(b"")
torch.save(LSTM.state_dict(), DIR / "bare.pt")
torch.save([1, 2, 3], DIR / "list.pt")
_raw = torch.load(GOOD, weights_only=True)
torch.save(_raw | {"model": "NoSuchModel"}, DIR / "unknown.pt")
torch.save(_raw | {"config": {"vocab_size": V}}, DIR / "noconfig.pt")
torch.save(_raw | {"config": _raw["config"] | {"hidden": 0}}, DIR / "badconfig.pt")
torch.save(_raw | {"state_dict": {}}, DIR / "nostate.pt")


class Opaque:  # an arbitrary object, never unpickled by a weights-only load
    pass


torch.save(_raw | {"extra": Opaque()}, DIR / "object.pt")


# -- configs: every field --------------------------------------------------------------------
def real_cases(label, make, name, negative_ok=False):
    """The models' real parameters are also tried with -inf; 0 is valid for each of them."""
    return _real(label, make, name, negative_ok=negative_ok, minus_inf=True)


def avg(**kw):
    return AverageConfig(**({"vocab_size": 10, "dim": 4, "context": 2} | kw))


def bengio(**kw):
    return BengioConfig(**({"vocab_size": 10, "dim": 4, "hidden": 6, "context": 2} | kw))


def rnn(**kw):
    return RNNConfig(**({"vocab_size": 10, "dim": 4, "hidden": 4} | kw))


CONTEXT = "context (the words of history)"
CONFIG_CASES = [
    *int_cases("AverageConfig vocab_size", lambda v: avg(vocab_size=v), "vocab_size", 1),
    *int_cases("AverageConfig dim", lambda v: avg(dim=v), "dim", 1),
    *int_cases("AverageConfig context", lambda v: avg(context=v), CONTEXT, 1),
    *int_cases("BengioConfig vocab_size", lambda v: bengio(vocab_size=v), "vocab_size", 1),
    *int_cases("BengioConfig dim", lambda v: bengio(dim=v), "dim", 1),
    *int_cases("BengioConfig hidden", lambda v: bengio(hidden=v), "hidden", 1),
    *int_cases("BengioConfig context", lambda v: bengio(context=v), CONTEXT, 1),
    ("BengioConfig skip=1", lambda: bengio(skip=1), TypeError, "skip must be True or False, got 1"),
    ("BengioConfig skip='yes'", lambda: bengio(skip="yes"), TypeError, "skip must be True or False"),
    *int_cases("RNNConfig vocab_size", lambda v: rnn(vocab_size=v), "vocab_size", 1),
    *int_cases("RNNConfig dim", lambda v: rnn(dim=v), "dim", 1),
    *int_cases("RNNConfig hidden", lambda v: rnn(hidden=v), "hidden", 1),
    *int_cases("RNNConfig layers", lambda v: rnn(layers=v), "layers", 1),
    *real_cases("RNNConfig dropout", lambda v: rnn(dropout=v), "dropout (a probability)"),
    ("RNNConfig dropout=1", lambda: rnn(dropout=1.0), ValueError, r"dropout .* in \[0, 1\), got 1"),
    ("RNNConfig cell='gru'", lambda: rnn(cell="gru"), ValueError, "cell must be 'rnn' or 'lstm'"),
    ("RNNConfig tie=1", lambda: rnn(tie=1), TypeError, "tie must be True or False, got 1"),
    ("RNNConfig tie, dim != hidden", lambda: rnn(hidden=8, tie=True), ValueError, "dim == hidden"),
    ("RNNConfig tie, class output", lambda: rnn(tie=True, output="class"), ValueError,
     "full or sampled softmax"),
    # the output layer's fields, shared by every config (OutputConfig)
    ("config output='softmax'", lambda: rnn(output="softmax"), ValueError, "output must be one of"),
    ("config output=None", lambda: avg(output=None), ValueError, "output must be one of"),
    ("config nce without k", lambda: rnn(output="nce"), TypeError,
     r"k \(the samples of the 'nce' output layer\) must be an integer, got NoneType"),
    *int_cases("config k", lambda v: rnn(output="importance", k=v),
               "k (the samples of the 'importance' output layer)", 1),
    ("config k for a full softmax", lambda: rnn(k=5), ValueError, "takes none .leave k=None"),
    *int_cases("config n_classes", lambda v: bengio(output="class", n_classes=v),
               "n_classes (at most one class per word)", 1, high=10),
    ("config n_classes for hierarchical", lambda: avg(output="hierarchical", n_classes=3),
     ValueError, "n_classes is for output='class'"),
    *real_cases("config power", lambda v: rnn(output="nce", k=4, power=v), "power", negative_ok=True),
    ("config power for a class softmax", lambda: avg(output="class", power=0.5), ValueError,
     r"the 'class' layer has none \(leave power=1.0\)"),
]

# -- model constructors --------------------------------------------------------------------------
MODEL_CASES = [
    ("RNNLM from a BengioConfig", lambda: RNNLM(bengio()), TypeError, "is built from a RNNConfig"),
    ("BengioLM from a dict", lambda: BengioLM({"vocab_size": 10}), TypeError,
     "is built from a BengioConfig"),
    ("AverageLM vocab of another size", lambda: AverageLM(avg(vocab_size=V + 2), vocab=VOCAB),
     ValueError, rf"the vocabulary has {V} words but the config says vocab_size={V + 2}"),
    ("RNNLM vocab a list", lambda: RNNLM(rnn(vocab_size=V), vocab=list(VOCAB.itos)), TypeError,
     "vocab must be an lmkit.text.Vocab"),
    ("BengioLM counts of another size", lambda: BengioLM(bengio(), counts=np.ones(7)), ValueError,
     r"counts must give one count per word \(10\), got shape \(7,\)"),
    ("RNNLM class counts of another size",
     lambda: RNNLM(rnn(output="class"), counts=np.ones(11)), ValueError, "one count per word"),
    ("AverageLM negative counts", lambda: AverageLM(avg(), counts=-np.ones(10)), ValueError,
     "counts must be finite and >= 0"),
    ("RNNLM nan counts", lambda: RNNLM(rnn(output="hierarchical"), counts=np.full(10, NAN)),
     ValueError, "counts must be finite and >= 0"),
    ("BengioLM string counts", lambda: BengioLM(bengio(), counts=["a"] * 10), TypeError,
     "counts must be numbers"),
]

# -- forward / features ----------------------------------------------------------------------
FORWARD_CASES = [
    ("ff x wrong width (mat1 and mat2)", lambda: BENGIO(torch.zeros(3, 5, dtype=torch.long)),
     ValueError, r"x must have shape \(batch, 3\): the 3 previous words .*context=3.*got \(3, 5\)"),
    ("ff x 1-d", lambda: AVG(torch.zeros(2, dtype=torch.long)), ValueError,
     r"x must have shape \(batch, 2\)"),
    ("ff x float", lambda: AVG(torch.zeros(3, 2)), TypeError, "x must hold word ids .*float32"),
    ("ff x bool", lambda: AVG(torch.zeros(3, 2, dtype=torch.bool)), TypeError,
     "x must hold word ids .*torch.bool"),
    ("ff x numpy", lambda: AVG(np.zeros((3, 2), dtype=int)), TypeError,
     "x must be a torch tensor of word ids, got ndarray"),
    ("ff x list", lambda: BENGIO([[0, 1, 2]]), TypeError, "x must be a torch tensor"),
    ("ff x id = |V|", lambda: AVG(torch.full((3, 2), V)), ValueError,
     rf"x must hold word ids in \[0, {V}\), got {V}\.\.{V}"),
    ("ff x id = -1", lambda: BENGIO(torch.full((2, 3), -1)), ValueError,
     rf"word ids in \[0, {V}\), got -1"),
    ("ff state", lambda: AVG(X_FF, state=torch.zeros(1)), ValueError, "carries no state"),
    ("ff targets wrong shape", lambda: AVG(X_FF, torch.zeros(4, dtype=torch.long)), ValueError,
     r"targets must have shape \(3,\), one next word per history"),
    ("ff targets float", lambda: AVG(X_FF, torch.zeros(3)), TypeError,
     "targets must be a tensor of word ids of dtype torch.long"),
    ("ff targets list", lambda: BENGIO(torch.zeros(1, 3, dtype=torch.long), [1]), TypeError,
     "targets must be a torch tensor of word ids, got list"),
    ("ff targets id = |V|", lambda: AVG(X_FF, torch.tensor([0, 1, V])), ValueError,
     rf"targets must be word ids in \[0, {V}\)"),
    ("ff features x float", lambda: BENGIO.features(torch.zeros(2, 3)), TypeError,
     "x must hold word ids"),
    ("rnn x 1-d", lambda: LSTM(torch.zeros(4, dtype=torch.long)), ValueError,
     r"x must have shape \(batch, time\)"),
    ("rnn x 3-d", lambda: ELMAN(torch.zeros(1, 2, 3, dtype=torch.long)), ValueError,
     r"x must have shape \(batch, time\)"),
    ("rnn x float", lambda: LSTM(torch.zeros(2, 4)), TypeError, "x must hold word ids"),
    ("rnn x numpy", lambda: ELMAN(np.zeros((2, 4), dtype=int)), TypeError,
     "x must be a torch tensor"),
    ("rnn x id = |V|", lambda: LSTM(torch.full((2, 4), V)), ValueError, rf"\[0, {V}\)"),
    ("rnn x id = -1", lambda: ELMAN(torch.full((2, 4), -1)), ValueError, r"word ids in .*got -1"),
    ("rnn targets wrong shape", lambda: LSTM(X_RNN, torch.zeros(2, 3, dtype=torch.long)),
     ValueError, r"targets must have shape \(2, 4\), one next word per position of x"),
    ("rnn targets float", lambda: ELMAN(X_RNN, torch.zeros(2, 4)), TypeError,
     "targets must be a tensor of word ids of dtype torch.long"),
    ("rnn targets int32", lambda: LSTM(X_RNN, torch.zeros(2, 4, dtype=torch.int32)), TypeError,
     "dtype torch.long, got a torch.int32 tensor"),
    ("rnn targets id = -1", lambda: LSTM(X_RNN, torch.full((2, 4), -1)), ValueError,
     "targets must be word ids in"),
    ("rnn state of other rows", lambda: LSTM(X_RNN[:1], state=LSTM_STATE), ValueError,
     "the state is that of 2 texts but x has 1 rows: pass state=None"),
    ("lstm state a tensor", lambda: LSTM(X_RNN, state=LSTM_STATE[0]), TypeError,
     r"state must be a pair \(h, c\) of tensors"),
    ("lstm state a list", lambda: LSTM(X_RNN, state=list(LSTM_STATE)), TypeError,
     r"state must be a pair \(h, c\)"),
    ("rnn state a pair", lambda: ELMAN(X_RNN, state=LSTM_STATE), TypeError, "state must be a tensor"),
    ("rnn state of other layers", lambda: ELMAN(X_RNN, state=torch.zeros(2, 2, 5)), ValueError,
     r"the state must have shape \(1, 2, 5\) \(layers, texts, hidden\)"),
]

# -- scoring -------------------------------------------------------------------------------------
SCORING_CASES = [
    *int_cases("stream_logprobs batch", lambda v: LSTM.stream_logprobs(IDS, batch=v), "batch", 1),
    *int_cases("stream_logprobs length", lambda v: AVG.stream_logprobs(IDS, length=v), "length", 1),
    ("stream_logprobs float ids", lambda: LSTM.stream_logprobs(IDS + 0.7), TypeError,
     "ids must be integer word ids, got dtype float64"),
    ("stream_logprobs float ids (ff)", lambda: BENGIO.stream_logprobs([1.7, 2.2, 3.0]), TypeError,
     "ids must be integer word ids"),
    ("stream_logprobs bool ids", lambda: AVG.stream_logprobs(np.array([True, False, True])),
     TypeError, "ids must be integer word ids, got dtype bool"),
    ("stream_logprobs string ids", lambda: LSTM.stream_logprobs(["the", "cat"]), TypeError,
     "ids must be integer word ids"),
    ("stream_logprobs one id", lambda: LSTM.stream_logprobs([3]), ValueError, "at least 2 ids"),
    ("stream_logprobs empty", lambda: AVG.stream_logprobs([]), ValueError, "at least 2 ids"),
    ("stream_logprobs 2-d", lambda: ELMAN.stream_logprobs(np.ones((2, 3), dtype=int)), ValueError,
     r"1-d stream .*shape \(2, 3\)"),
    ("stream_logprobs id = |V|", lambda: LSTM.stream_logprobs([1, V]), ValueError,
     rf"ids must lie in \[0, {V}\)"),
    ("stream_logprobs id = -1", lambda: BENGIO.stream_logprobs([1, -1]), ValueError,
     "ids must lie in"),
    ("stream_logprobs normalise=0", lambda: ELMAN.stream_logprobs(IDS, normalise=0), TypeError,
     "normalise must be True or False"),
    ("stream_logprobs normalise=False without NCE", lambda: LSTM.stream_logprobs(IDS, normalise=False),
     ValueError, "needs an NCE output layer"),
    ("token_logprobs without vocab", lambda: ELMAN.token_logprobs(SENTS), ValueError,
     "has no vocabulary.*vocab=.*stream_logprobs"),
    ("token_logprobs of a string", lambda: LSTM.token_logprobs("the cat sat"), TypeError,
     "not one string"),
    ("token_logprobs of one sentence", lambda: AVG.token_logprobs(["the", "cat"]), TypeError,
     "list of sentences"),
    ("perplexity of ints", lambda: BENGIO.perplexity([[1, 2]]), TypeError, "token strings"),
]

# -- save / load -------------------------------------------------------------------------------
FILE_CASES = [
    ("save a Linear", lambda: save(torch.nn.Linear(2, 2), DIR / "x.pt"), TypeError,
     "save takes an lmkit.models model, got Linear"),
    ("save into a missing folder", lambda: save(LSTM, DIR / "no" / "such" / "m.pt"),
     FileNotFoundError, "the folder .*no/such does not exist"),
    ("save onto a folder", lambda: save(LSTM, DIR), IsADirectoryError, "is a folder: give"),
    ("save to path 3", lambda: save(LSTM, 3), TypeError, "path must be a file path"),
    ("load a missing file", lambda: load(DIR / "missing.pt"), FileNotFoundError,
     "no model file at .*missing.pt: check the path"),
    ("load a folder", lambda: load(DIR), IsADirectoryError, "is a folder, not a model file"),
    ("load path None", lambda: load(None), TypeError, "path must be a file path"),
    ("load a text file", lambda: load(DIR / "text.pt"), ValueError,
     r"text.pt is not a model file written by lmkit.models.save .*save the model again"),
    ("load an empty file", lambda: load(DIR / "empty.pt"), ValueError,
     "empty.pt is not a model file"),
    ("load a truncated file", lambda: load(DIR / "truncated.pt"), ValueError,
     r"truncated.pt is truncated or damaged.*save the model again"),
    ("load a bare state dict", lambda: load(DIR / "bare.pt"), ValueError,
     "bare.pt is not a model saved by lmkit.models.save"),
    ("load a list", lambda: load(DIR / "list.pt"), ValueError, "list.pt is not a model saved"),
    ("load an unknown model", lambda: load(DIR / "unknown.pt"), ValueError,
     "holds a 'NoSuchModel', which lmkit.models does not define"),
    ("load a config without fields", lambda: load(DIR / "noconfig.pt"), ValueError,
     r"noconfig.pt is damaged: its RNNLM does not rebuild .*missing"),
    ("load a config with hidden=0", lambda: load(DIR / "badconfig.pt"), ValueError,
     r"badconfig.pt is damaged.*hidden must be an integer in \[1, "),
    ("load without weights", lambda: load(DIR / "nostate.pt"), ValueError,
     r"(?s)nostate.pt is damaged.*Missing key"),
    ("load an arbitrary object", lambda: load(DIR / "object.pt"), ValueError,
     r"object.pt is not a model saved .*weights_only=True"),
]


# -- output layers ------------------------------------------------------------------------------
def layer_cases(kind):
    make = {"full": FullSoftmax, "class": ClassSoftmax, "hierarchical": HierarchicalSoftmax,
            "importance": lambda d, v, c=None: ImportanceSampling(d, v, c, k=3),
            "nce": lambda d, v, c=None: NCE(d, v, c, k=3)}[kind]
    layer, name = LAYERS[kind], type(LAYERS[kind]).__name__
    cases = [
        *int_cases(f"{name} dim", lambda v: make(v, V), "dim (the hidden size)", 1),
        *[c for c in int_cases(f"{name} size", lambda v: make(D, v), "size (the vocabulary)", 1)],
        (f"{name} counts of another size", lambda: make(D, V, np.ones(V + 1)), ValueError,
         rf"counts must give one count per word \({V}\)"),
        (f"{name} negative counts", lambda: make(D, V, -COUNTS), ValueError, "finite and >= 0"),
        (f"{name} inf counts", lambda: make(D, V, COUNTS * INF), ValueError, "finite and >= 0"),
    ]
    for method in ("loss", "log_prob", "log_probs"):
        call = getattr(layer, method)
        fn = (lambda h, t=T, call=call: call(h, t)) if method != "log_probs" else (lambda h, call=call: call(h))
        cases += [
            (f"{name}.{method} h numpy", lambda fn=fn: fn(H.numpy()), TypeError,
             rf"hidden states must be a float tensor of shape \(batch, {D}\), got ndarray"),
            (f"{name}.{method} h long", lambda fn=fn: fn(H.long()), TypeError,
             "hidden states must be a float tensor .*torch.int64"),
            (f"{name}.{method} h wrong width", lambda fn=fn: fn(torch.randn(3, D + 1)), ValueError,
             rf"hidden states must have shape \(batch, {D}\), got \(3, {D + 1}\)"),
            (f"{name}.{method} h 1-d", lambda fn=fn: fn(torch.randn(D)), ValueError,
             rf"shape \(batch, {D}\), got \({D},\)"),
        ]
        if method == "log_probs":
            continue
        cases += [
            (f"{name}.{method} targets float", lambda call=call: call(H, T.float()), TypeError,
             "targets must be a tensor of word ids of dtype torch.long, got a torch.float32"),
            (f"{name}.{method} targets list", lambda call=call: call(H, [0, 1, 2]), TypeError,
             "targets must be a tensor .*got list"),
            (f"{name}.{method} targets wrong shape", lambda call=call: call(H, T[:2]), ValueError,
             r"targets must have shape \(3,\), got \(2,\)"),
            (f"{name}.{method} target = |V|", lambda call=call: call(H, torch.tensor([0, 1, V])),
             ValueError, rf"targets must be word ids in \[0, {V}\)"),
            (f"{name}.{method} target = -1", lambda call=call: call(H, torch.tensor([0, -1, 1])),
             ValueError, r"word ids in .*got -1"),
        ]
    return cases


POWER = "power (of the unigram proposal: 1 unigram, 0 uniform)"
LAYER_CASES = [
    *[c for kind in LAYERS for c in layer_cases(kind)],
    *int_cases("ClassSoftmax n_classes", lambda v: ClassSoftmax(D, V, COUNTS, n_classes=v),
               "n_classes", 1, high=V),
    *int_cases("ImportanceSampling k", lambda v: ImportanceSampling(D, V, COUNTS, k=v),
               "the number of samples k", 1),
    *int_cases("NCE k", lambda v: NCE(D, V, COUNTS, k=v), "the number of samples k", 1),
    ("NCE without k", lambda: NCE(D, V, COUNTS), TypeError,
     "the number of samples k must be an integer, got NoneType"),
    *real_cases("ImportanceSampling power", lambda v: ImportanceSampling(D, V, k=2, power=v),
                POWER, negative_ok=True),
    *real_cases("NCE power", lambda v: NCE(D, V, COUNTS, k=2, power=v), POWER, negative_ok=True),
    *int_cases("ClassSoftmax.members c", lambda v: LAYERS["class"].members(v), "the class c", 0,
               high=2),
    *int_cases("NCE.sample n", lambda v: LAYERS["nce"].sample(v), "n (the samples)", 1),
    ("NCE.target_score target = |V|", lambda: LAYERS["nce"].target_score(H, torch.tensor([0, 1, V])),
     ValueError, "targets must be word ids"),
    ("NCE.self_normalised h wrong width", lambda: LAYERS["nce"].self_normalised(torch.randn(2, 3)),
     ValueError, r"hidden states must have shape \(batch, 4\)"),
    ("FullSoftmax.scores h long", lambda: LAYERS["full"].scores(H.long()), TypeError,
     "hidden states must be a float tensor"),
    ("FullSoftmax.log_partition h numpy", lambda: LAYERS["full"].log_partition(H.numpy()),
     TypeError, "hidden states must be a float tensor"),
    ("output_layer 'softmax'", lambda: output_layer(D, V, output="softmax"), ValueError,
     "unknown output layer 'softmax'"),
    ("output_layer k for full", lambda: output_layer(D, V, output="full", k=3), ValueError,
     r"the 'full' layer takes none \(leave k=None\)"),
    ("output_layer n_classes for nce", lambda: output_layer(D, V, output="nce", k=3, n_classes=2),
     ValueError, "n_classes is for output='class'"),
    ("output_layer power for hierarchical",
     lambda: output_layer(D, V, COUNTS, output="hierarchical", power=0.5), ValueError,
     r"the 'hierarchical' layer has none \(leave power=1.0\)"),
    ("output_layer nce k=0", lambda: output_layer(D, V, output="nce", k=0), ValueError,
     r"the number of samples k must be an integer in \[1, "),
    ("huffman_codes empty", lambda: huffman_codes([]), ValueError, "non-empty 1-d array"),
    ("huffman_codes 2-d", lambda: huffman_codes(np.ones((2, 2))), ValueError, "non-empty 1-d array"),
    ("huffman_codes nan", lambda: huffman_codes([1.0, NAN, 2.0]), ValueError, "finite and >= 0"),
    ("huffman_codes negative", lambda: huffman_codes([1.0, -2.0]), ValueError, "finite and >= 0"),
    ("huffman_codes strings", lambda: huffman_codes(["a", "b"]), TypeError, "counts must be numbers"),
]

CASES = CONFIG_CASES + MODEL_CASES + FORWARD_CASES + SCORING_CASES + FILE_CASES + LAYER_CASES


@pytest.mark.parametrize("call, exc, fragment", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_gets_a_clear_error(call, exc, fragment):
    with pytest.raises(exc, match=fragment):
        call()


def test_the_table_is_large_and_its_ids_unique():
    ids = [c[0] for c in CASES]
    assert len(ids) >= 60 and len(set(ids)) == len(ids)


def test_a_failed_save_leaves_nothing_behind(tmp_path):
    with pytest.raises(FileNotFoundError):
        save(LSTM, tmp_path / "missing" / "m.pt")
    save(AVG, tmp_path / "m.pt")
    assert [p.name for p in tmp_path.iterdir()] == ["m.pt"]      # no temporary file left


# -- numpy scalars (and zeros, ints of other widths) that must be accepted ----------------------
ACCEPTED = [
    ("AverageConfig with numpy ints", lambda: avg(vocab_size=I(10), dim=I(4), context=I(2))),
    ("BengioConfig with numpy ints and bool", lambda: bengio(vocab_size=I(10), dim=I(4), hidden=I(6),
                                                            context=I(2), skip=np.bool_(True))),
    ("RNNConfig with numpy numbers", lambda: rnn(vocab_size=I(10), dim=I(4), hidden=I(4), layers=I(2),
                                                 dropout=F(0.25), tie=np.bool_(True))),
    ("RNNConfig dropout=0", lambda: rnn(dropout=0.0)),
    ("config numpy k and power", lambda: rnn(output="nce", k=I(4), power=F(0.5))),
    ("config power 0 and -1", lambda: (rnn(output="importance", k=2, power=0.0),
                                       rnn(output="importance", k=2, power=-1.0))),
    ("config numpy n_classes = vocab_size", lambda: bengio(output="class", n_classes=I(10))),
    ("models from numpy configs", lambda: (AverageLM(avg(dim=I(4))), BengioLM(bengio(hidden=I(3))),
                                           RNNLM(rnn(layers=I(2), dropout=F(0.1))))),
    ("forward of int32 ids", lambda: (AVG(X_FF.int()), LSTM(X_RNN.int()))),
    ("forward of an empty batch", lambda: BENGIO(torch.zeros(0, 3, dtype=torch.long))),
    ("stream_logprobs numpy batch and length", lambda: LSTM.stream_logprobs(IDS, batch=I(2), length=I(3))),
    ("stream_logprobs of int32, uint8, a list, a tensor",
     lambda: [AVG.stream_logprobs(i) for i in (IDS.astype(np.int32), IDS.astype(np.uint8),
                                                list(IDS), torch.as_tensor(IDS))]),
    ("stream_logprobs normalise=np.False_", lambda: ELMAN.stream_logprobs(IDS, normalise=np.False_)),
    ("layers with numpy dim and size", lambda: [output_layer(I(D), I(V), COUNTS, output=kind,
                                                             k=I(2) if kind in ("importance", "nce") else None)
                                                for kind in LAYERS]),
    ("ClassSoftmax numpy n_classes = size", lambda: ClassSoftmax(D, V, COUNTS, n_classes=I(V))),
    ("sampled layers numpy k and power", lambda: (NCE(D, V, k=I(2), power=F(0.75)),
                                                  ImportanceSampling(D, V, COUNTS, k=I(1), power=0.0))),
    ("ClassSoftmax.members numpy c", lambda: LAYERS["class"].members(I(0))),
    ("NCE.sample numpy n", lambda: LAYERS["nce"].sample(I(2))),
    ("layers of a single word", lambda: [output_layer(D, 1, [5.0], output=kind,
                                                      k=2 if kind in ("importance", "nce") else None)
                                         for kind in LAYERS]),
    ("layers of zero counts", lambda: [output_layer(D, V, np.zeros(V), output=kind,
                                                    k=2 if kind in ("importance", "nce") else None)
                                       for kind in LAYERS]),
    ("layers on an empty batch", lambda: [layer.log_prob(H[:0], T[:0]) for layer in LAYERS.values()]),
    ("huffman_codes of one numpy count", lambda: huffman_codes(np.array([3], dtype=np.int32))),
    ("save to a str path, load it", lambda: load(str(save(BENGIO, str(DIR / "str.pt"))))),
]


@pytest.mark.parametrize("call", [c[1] for c in ACCEPTED], ids=[c[0] for c in ACCEPTED])
def test_numpy_scalars_and_zeros_are_accepted(call):
    call()


def test_numpy_numbers_give_the_same_models_and_save_as_plain_values(tmp_path):
    """A config of numpy numbers is the config of Python numbers (stored as plain ints and
    floats), so it builds the same model and saves and reloads with a weights-only load."""
    cfg = RNNConfig(I(V), I(4), I(4), layers=I(2), dropout=F(0.25), output="importance", k=I(3),
                    power=F(0.5), tie=np.bool_(True))
    plain = RNNConfig(V, 4, 4, layers=2, dropout=float(F(0.25)), output="importance", k=3,
                      power=0.5, tie=True)
    assert cfg == plain and repr(cfg) == repr(plain)
    assert all(type(getattr(cfg, f)) is type(getattr(plain, f)) for f in vars(plain))
    torch.manual_seed(0)
    a = RNNLM(cfg, counts=COUNTS, vocab=VOCAB)
    torch.manual_seed(0)
    b = RNNLM(plain, counts=COUNTS, vocab=VOCAB)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    twin = load(save(a, tmp_path / "np.pt"))
    assert twin.config == plain
    assert np.array_equal(twin.token_logprobs(SENTS), b.token_logprobs(SENTS))
    ids = IDS.astype(np.int32)
    assert np.array_equal(a.stream_logprobs(ids, batch=I(2)), b.stream_logprobs(IDS, batch=2))
