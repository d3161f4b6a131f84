"""BERT's encoder: shapes, masks, segments, the weight loading and its errors, and equality
with transformers' BertModel on all-MiniLM-L6-v2."""

import pytest
import torch

from lmkit.models.bert import BertConfig, BertEncoder, bert_num_parameters, load_state

SMALL = BertConfig(vocab_size=50, hidden_size=16, num_hidden_layers=2, num_attention_heads=4,
                   intermediate_size=32, max_position_embeddings=12, hidden_dropout_prob=0.0,
                   attention_probs_dropout_prob=0.0)


def small():
    torch.manual_seed(0)
    return BertEncoder(SMALL).eval()


def test_padding_never_changes_the_real_tokens_and_segments_matter():
    m = small()
    ids = torch.tensor([[2, 7, 8, 9, 3]])
    padded = torch.tensor([[2, 7, 8, 9, 3, 0, 0]])
    with torch.no_grad():
        h = m(ids)
        hp = m(padded)
        assert h.shape == (1, 5, 16)
        assert torch.allclose(h, hp[:, :5], atol=1e-6)
        assert not torch.allclose(h, m(ids, segments=torch.tensor([[0, 0, 0, 1, 1]])))
        assert m.pooled(h).shape == (1, 16) and m.pooled(h).abs().max() <= 1


def test_every_position_sees_every_other():
    """Bidirectional: changing the last token changes the first one's vector."""
    m = small()
    with torch.no_grad():
        a, b = m(torch.tensor([[2, 7, 8, 3]])), m(torch.tensor([[2, 7, 9, 3]]))
    assert not torch.allclose(a[:, 0], b[:, 0])


def hf_state(model):
    """``model``'s weights under the Hugging Face names (the inverse of the loader's map)."""
    from lmkit.models.bert import _hf_names
    return {theirs: model.state_dict()[ours].clone()
            for ours, theirs in _hf_names(model.config.num_hidden_layers).items()}


def test_loading_round_trips_and_names_bad_tensors():
    a, b = small(), BertEncoder(SMALL)
    load_state(b, {"bert." + k: v for k, v in hf_state(a).items()}, "test")
    assert all(torch.equal(x, y) for x, y in zip(a.state_dict().values(), b.state_dict().values()))
    bad = hf_state(a)
    bad["encoder.layer.1.output.dense.weight"] = torch.zeros(16, 31)
    with pytest.raises(ValueError, match=r"encoder.layer.1.output.dense.weight.*\(16, 31\).*"
                                         r"\(16, 32\)"):
        load_state(b, bad, "test")
    missing = hf_state(a)
    del missing["embeddings.LayerNorm.bias"]
    with pytest.raises(ValueError, match="no tensor 'embeddings.LayerNorm.bias'"):
        load_state(b, missing, "test")
    with pytest.raises(ValueError, match="no place"):
        load_state(b, {**hf_state(a), "encoder.layer.2.output.dense.weight": torch.zeros(1)},
                   "test")


def test_parameter_count_from_the_config():
    assert bert_num_parameters(SMALL) == sum(p.numel() for p in small().parameters())
    # bert-base-uncased and bert-large-uncased as transformers counts them (BertModel)
    assert bert_num_parameters(BertConfig()) == 109_482_240
    large = BertConfig(hidden_size=1024, num_hidden_layers=24, num_attention_heads=16,
                       intermediate_size=4096)
    assert bert_num_parameters(large) == 335_141_888


def test_bad_input_gets_a_clear_error():
    m = small()
    with pytest.raises(ValueError, match="longer than the position table"):
        m(torch.zeros(1, 13, dtype=torch.long))
    with pytest.raises(ValueError, match=r"ids must lie in \[0, 50\)"):
        m(torch.tensor([[2, 50]]))
    with pytest.raises(ValueError, match="integer tensor"):
        m(torch.zeros(1, 3))
    for run in (m, m.layers):                      # both paths check the mask's shape
        with pytest.raises(ValueError, match="mask must have the shape of ids"):
            run(torch.tensor([[2, 7, 3]]), mask=torch.ones(1, 4))
    with pytest.raises(ValueError, match="divisible"):
        BertConfig(hidden_size=10, num_attention_heads=4)
    with pytest.raises(TypeError, match="BertConfig"):
        BertEncoder({"hidden_size": 16})


def test_equal_to_transformers_on_minilm(monkeypatch):
    """The last hidden states of the real tokens, and the pooled [CLS], to 1e-5 (float32)."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")        # a local folder: never the hub
    transformers = pytest.importorskip("transformers", reason="the reference extra "
                                       "(transformers) is not installed: pip install -e '.[ref]'")
    from lmkit import data
    from lmkit.models.bert import load_bert

    try:
        folder = next(iter(data.store.fetch("minilm-l6", download=False).values())).parent
    except data.CorpusNotFoundError as err:  # pragma: no cover - CI has LMKIT_DATA
        pytest.skip(f"minilm-l6 not available: {err}")
    ours, wp = load_bert(folder)
    ref = transformers.BertModel.from_pretrained(str(folder), attn_implementation="sdpa").eval()
    texts = ["I hurt my back.", "I back my car into the garage.",
             "The bank of the river flooded, and the bank closed its doors early."]
    ids, seg, mask = (torch.as_tensor(a) for a in wp.batch(texts))
    with torch.no_grad():
        a = ours(ids, seg, mask)
        out = ref(input_ids=ids, token_type_ids=seg, attention_mask=mask)
        layers = ours.layers(ids, seg, mask)
        theirs = ref(input_ids=ids, token_type_ids=seg, attention_mask=mask,
                     output_hidden_states=True).hidden_states
    real = mask.bool()
    assert (a - out.last_hidden_state)[real].abs().max() < 1e-5
    assert (ours.pooled(a) - out.pooler_output).abs().max() < 1e-5
    assert len(layers) == len(theirs) == 7
    assert max((x - y)[real].abs().max() for x, y in zip(layers, theirs)) < 1e-5
