"""Contextual word vectors: one per occurrence and layer; sense similarity and nearest sense."""

import numpy as np
import pytest
import torch

from lmkit.embeddings import nearest_sense, sense_similarity, word_vectors
from lmkit.models.bert import BertConfig, BertEncoder
from lmkit.text.wordpiece import SPECIALS, WordPiece

VOCAB = list(SPECIALS) + ["the", "bank", "river", "money", "of", "a", "ban", "##k", "##s"]


def tiny():
    torch.manual_seed(0)
    cfg = BertConfig(vocab_size=len(VOCAB), hidden_size=8, num_hidden_layers=2,
                     num_attention_heads=2, intermediate_size=16, max_position_embeddings=16)
    return BertEncoder(cfg).eval(), WordPiece(VOCAB)


def test_one_vector_per_sentence_and_layer_matching_the_model():
    model, wp = tiny()
    v = word_vectors(model, wp, ["the bank of the river", "money bank"], "bank")
    assert v.shape == (2, 3, 8)
    ids, seg, mask = (torch.as_tensor(a) for a in wp.batch(["money bank"]))
    with torch.no_grad():
        last = model(ids, seg, mask)[0, 2]                 # [CLS] money bank [SEP]
    assert np.allclose(v[1, -1], last.numpy(), atol=1e-6)
    assert not np.allclose(v[0, -1], v[1, -1])              # the context moves it


def test_a_word_of_several_pieces_gets_their_mean():
    model, wp = tiny()
    assert wp.tokenize("banks") == ["bank", "##s"]
    v = word_vectors(model, wp, ["the banks"], "banks")
    with torch.no_grad():
        h = model.layers(*(torch.as_tensor(a) for a in wp.batch(["the banks"])))
    assert np.allclose(v[0, 1], h[1][0, 2:4].mean(0).numpy(), atol=1e-6)


def test_sense_similarity_and_nearest_sense_on_known_vectors():
    v = np.array([[1, 0.1], [1, -0.1], [0.1, 1], [-0.1, 1]])
    same, diff = sense_similarity(v, ["a", "a", "b", "b"])
    assert same == pytest.approx(np.cos(2 * np.arctan(0.1)))
    assert diff < 0.3 and nearest_sense(v, ["a", "a", "b", "b"]) == 1.0
    assert nearest_sense(v, ["a", "b", "a", "b"]) == 0.0     # each sits by the other label


def test_bad_input_gets_a_clear_error():
    model, wp = tiny()
    with pytest.raises(ValueError, match="does not contain 'river'"):
        word_vectors(model, wp, ["the bank"], "river")
    with pytest.raises(ValueError, match="no WordPiece form"):
        word_vectors(model, wp, ["the bank"], "zebra")
    with pytest.raises(ValueError, match="two senses"):
        nearest_sense(np.ones((3, 2)), ["a", "a", "b"])


def test_pooled_layers_is_the_mean_over_each_sentences_words():
    import torch

    from lmkit.embeddings import pooled_layers
    from lmkit.models import BiLM, ElmoConfig
    from lmkit.text import Vocab

    sents = [["the", "cat", "sat"], ["a", "dog"], ["the", "dog", "sat", "on", "a", "cat"]]
    vocab = Vocab(sents)
    torch.manual_seed(0)
    m = BiLM(ElmoConfig(len(vocab), dim=4, hidden=4), vocab=vocab)
    out = pooled_layers(m, vocab, sents, batch=2)
    assert out.shape == (3, 3, 8)
    m.eval()
    for i, s in enumerate(sents):
        alone = m.layers(torch.as_tensor(vocab.encode(s))[None])[:, 0].mean(1)
        assert np.allclose(out[i], alone.detach().numpy(), atol=1e-5)
    with pytest.raises(ValueError, match="at least one word"):
        pooled_layers(m, vocab, [["a"], []])
    with pytest.raises(TypeError, match="lists of words"):
        pooled_layers(m, vocab, "the cat")


def test_bert_pooled_layers_is_the_mean_over_real_tokens():
    from lmkit.embeddings import bert_pooled_layers

    cfg = BertConfig(vocab_size=len(VOCAB), hidden_size=8, num_hidden_layers=2,
                     num_attention_heads=2, intermediate_size=16, max_position_embeddings=16)
    torch.manual_seed(0)
    m = BertEncoder(cfg).eval()
    wp = WordPiece(VOCAB)
    texts = ["the bank of the river", "money", "a bank"]
    out = bert_pooled_layers(m, wp, texts, batch=2)
    assert out.shape == (3, 3, 8)
    for i, t in enumerate(texts):
        ids, seg, mask = (torch.as_tensor(a) for a in wp.batch([t]))
        alone = torch.stack(m.layers(ids, seg, mask))[:, 0].mean(1)
        assert np.allclose(out[i], alone.detach().numpy(), atol=1e-5)
    with pytest.raises(TypeError, match="list of strings"):
        bert_pooled_layers(m, wp, "the bank")
