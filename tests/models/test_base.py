"""What every neural model shares: configs, LMOutput, the scoring protocol, lazy imports."""

import subprocess
import sys

import numpy as np
import pytest
import torch

import lmkit
from lmkit import NgramLM, Vocab
from lmkit.models import (AverageConfig, AverageLM, BengioConfig, BengioLM, LMOutput, RNNConfig,
                          RNNLM)
from lmkit.text import lm_ids


def test_import_lmkit_does_not_import_torch_and_models_import():
    code = ("import sys, lmkit, lmkit.nn, lmkit.models, lmkit.embeddings; "
            "assert 'torch' not in sys.modules, 'torch imported'; "
            "from lmkit.models import RNNLM, save, load; from lmkit.nn import NCE; "
            "assert 'torch' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_lmoutput_is_a_pair_with_a_state():
    out = LMOutput(torch.zeros(2, 3), torch.tensor(1.0), state=("h", "c"))
    logits, loss = out
    assert isinstance(out, tuple) and len(out) == 2
    assert out.logits is logits and out.loss is loss and out.state == ("h", "c")
    assert LMOutput(None, None).state is None
    import pickle
    again = pickle.loads(pickle.dumps(LMOutput(None, torch.tensor(2.0), state=torch.ones(1))))
    assert again.loss.item() == 2.0 and again.state.item() == 1.0


@pytest.mark.parametrize("make, lead", [
    (lambda: AverageLM(AverageConfig(10, 8, 3)), lambda x: x.shape[:1]),
    (lambda: BengioLM(BengioConfig(10, 8, 16, 3, skip=True)), lambda x: x.shape[:1]),
    (lambda: RNNLM(RNNConfig(10, 8, 16)), lambda x: x.shape),
], ids=["average", "bengio", "rnn"])
def test_one_forward_rule_in_both_modes(make, lead):
    """Without targets: exact log-probabilities, one row per target; with targets: the
    training loss in training mode, the exact mean NLL in evaluation mode; always LMOutput."""
    torch.manual_seed(0)
    model = make()
    x = torch.randint(0, 10, (4, 3) if not model.recurrent else (4, 6))
    y = torch.randint(0, 10, tuple(lead(x)))
    for mode in (True, False):
        model.train(mode)
        out = model(x)
        assert isinstance(out, LMOutput) and out.loss is None
        assert out.logits.shape == tuple(lead(x)) + (10,)
        if not mode:
            assert torch.allclose(out.logits.exp().sum(-1), torch.ones(lead(x)), atol=1e-5)
        out = model(x, y)
        assert isinstance(out, LMOutput) and out.logits is None and out.loss.dim() == 0
        assert (out.state is not None) == model.recurrent
    model.eval()
    exact = -model(x).logits.gather(-1, y[..., None]).mean()
    assert torch.allclose(model(x, y).loss, exact, atol=1e-6)
    with pytest.raises(ValueError, match="targets must have shape"):
        model(x, y.reshape(-1)[:-1])


def test_configs_check_their_fields():
    with pytest.raises(ValueError, match="output must be one of"):
        RNNConfig(10, 8, 8, output="softmax")
    with pytest.raises(TypeError, match="k .* must be an integer"):
        RNNConfig(10, 8, 8, output="nce")
    with pytest.raises(ValueError, match="takes none"):
        RNNConfig(10, 8, 8, k=5)
    with pytest.raises(ValueError, match="n_classes is for output='class'"):
        BengioConfig(10, 8, 8, 2, n_classes=3)
    with pytest.raises(ValueError, match="power"):
        AverageConfig(10, 8, 2, power=0.0)
    with pytest.raises(ValueError, match="context"):
        AverageConfig(10, 8, 0)
    with pytest.raises(TypeError, match="dim must be an integer, got bool"):
        BengioConfig(10, True, 8, 2)
    with pytest.raises(TypeError, match="skip must be True or False"):
        BengioConfig(10, 4, 8, 2, skip=1)
    with pytest.raises(ValueError, match="k .* must be an integer in"):
        RNNConfig(10, 8, 8, output="importance", k=0)
    with pytest.raises(ValueError, match="dropout .* must be a finite number in"):
        RNNConfig(10, 8, 8, dropout=1.0)
    with pytest.raises(ValueError, match="cell must be"):
        RNNConfig(10, 4, 4, cell="gru")
    with pytest.raises(ValueError, match="dim == hidden"):
        RNNConfig(10, 8, 16, tie=True)
    with pytest.raises(ValueError, match="full or sampled"):
        RNNConfig(10, 16, 16, tie=True, output="hierarchical")
    cfg = RNNConfig(10, 8, 16, output="importance", k=4, power=0.5)
    assert (cfg.vocab_size, cfg.dim, cfg.hidden, cfg.k, cfg.power) == (10, 8, 16, 4, 0.5)
    with pytest.raises(Exception):
        cfg.hidden = 3                                    # frozen: the model matches its config


def test_models_check_config_and_vocabulary():
    with pytest.raises(TypeError, match="is built from a RNNConfig"):
        RNNLM(BengioConfig(10, 4, 4, 2))
    vocab = Vocab([["a", "b"]])
    with pytest.raises(ValueError, match="vocab_size=10"):
        RNNLM(RNNConfig(10, 4, 4), vocab=vocab)
    with pytest.raises(ValueError, match="no vocabulary"):
        RNNLM(RNNConfig(10, 4, 4)).token_logprobs([["a"]])


def test_lm_ids_predict_exactly_the_tokens_an_ngram_model_scores():
    sents = [["a", "b"], ["c"], ["a", "c", "b"]]
    vocab = Vocab(sents)
    ids = lm_ids(vocab, sents)
    assert ids[0] == vocab.eos_id
    assert vocab.decode(ids[1:]) == ["a", "b", "</s>", "c", "</s>", "a", "c", "b", "</s>"]
    assert len(ids) - 1 == len(NgramLM(2).fit(sents).token_logprobs(sents))


@pytest.mark.parametrize("cls, cfg", [
    (RNNLM, lambda v: RNNConfig(v, 8, 8)),
    (BengioLM, lambda v: BengioConfig(v, 4, 8, 2, output="class")),
], ids=["rnn", "bengio"])
def test_the_scoring_protocol(cls, cfg):
    """token_logprobs(sentences) scores the stream of lm_ids; perplexity, cross-entropy and
    sentence_logprob follow from it, as for every LanguageModel."""
    sents = [["a", "b"], ["c"], ["a", "c", "b", "zebra"]]
    vocab = Vocab(sents[:2])
    torch.manual_seed(0)
    model = cls(cfg(len(vocab)), counts=np.ones(len(vocab)), vocab=vocab)
    assert isinstance(model, lmkit.LanguageModel)
    lp = model.token_logprobs(sents)
    assert len(lp) == len(NgramLM(2).fit(sents[:2]).token_logprobs(sents)) == 10
    assert np.array_equal(lp, model.stream_logprobs(lm_ids(vocab, sents)))
    assert model.perplexity(sents) == lmkit.metrics.perplexity(lp) == pytest.approx(np.exp(-lp.mean()))
    assert model.cross_entropy(sents) == pytest.approx(-lp.mean() / np.log(2))
    assert model.sentence_logprob(["c"]) == pytest.approx(model.token_logprobs([["c"]]).sum())
    assert model.token_logprobs([]).shape == (0,)


def test_public_accessors():
    model = RNNLM(RNNConfig(10, 6, 8))
    emb = model.input_embeddings()
    assert emb.shape == (10, 6) and not emb.requires_grad
    assert emb.data_ptr() == model.emb.weight.data_ptr()
    assert model.num_parameters() == sum(p.numel() for p in model.parameters())
    assert RNNLM.recurrent is True and BengioLM.recurrent is False and AverageLM.recurrent is False


@pytest.mark.parametrize("output", ["full", "class", "hierarchical", "importance", "nce"])
def test_the_output_layer_always_covers_the_vocabulary(output):
    """A model builds its own output layer from ``vocab_size``: it cannot be given one of
    another size, and counts or a vocabulary of another size are refused."""
    vocab = Vocab([["a", "b", "c"]])
    V = len(vocab)
    opts = dict(output=output, k=3 if output in ("importance", "nce") else None)
    for model in (RNNLM(RNNConfig(V, 4, 4, **opts), counts=np.ones(V), vocab=vocab),
                  BengioLM(BengioConfig(V, 4, 4, 2, **opts), vocab=vocab)):
        assert model.output.size == model.config.vocab_size == len(model.vocab)
        assert model(torch.zeros(1, 2, dtype=torch.long)).logits.shape[-1] == V
    with pytest.raises(ValueError, match=rf"one count per word \({V}\)"):
        RNNLM(RNNConfig(V, 4, 4, **opts), counts=np.ones(V + 1))
    with pytest.raises(ValueError, match=f"vocab_size={V + 1}"):
        AverageLM(AverageConfig(V + 1, 4, 2, **opts), vocab=vocab)


def test_stream_logprobs_refuses_float_ids_instead_of_truncating_them():
    model = RNNLM(RNNConfig(10, 4, 4))
    ids = np.array([1, 2, 3, 4])
    lp = model.stream_logprobs(ids)
    with pytest.raises(TypeError, match="integer word ids, got dtype float64"):
        model.stream_logprobs(ids + 0.7)                 # was scored as ids 1, 2, 3, 4
    with pytest.raises(TypeError, match="got dtype bool"):
        model.stream_logprobs(ids > 2)
    assert np.array_equal(model.stream_logprobs(ids.astype(np.int32)), lp)
    assert np.array_equal(model.stream_logprobs(torch.as_tensor(ids)), lp)


def test_output_embeddings_are_the_softmax_weights_one_row_per_word():
    full = BengioLM(BengioConfig(10, 8, 16, 3))
    O = full.output_embeddings()
    assert O.shape == (10, 16) and not O.requires_grad
    assert torch.equal(O, full.output.proj.weight)
    tied = RNNLM(RNNConfig(10, 8, 8, tie=True, output="importance", k=4))
    assert torch.equal(tied.output_embeddings(), tied.input_embeddings())
    with pytest.raises(ValueError, match="no matrix O"):
        RNNLM(RNNConfig(10, 8, 8, output="hierarchical")).output_embeddings()
