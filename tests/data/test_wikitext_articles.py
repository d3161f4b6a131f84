"""WikiText-2 cut into articles and sentences; its <unk> as BERT's [UNK]."""

import pytest

import lmkit.data.corpora as corpora
from lmkit.data import wikitext2_articles

FAKE = [["=", "Alpha", "="], ["A", "b", ".", "C", "d", "."], ["=", "=", "Part", "=", "="],
        ["E", "f"], ["=", "Beta", "Two", "="], ["G", "<unk>", "."]]


@pytest.fixture
def fake(monkeypatch):
    monkeypatch.setattr(corpora, "load_wikitext2",
                        lambda keep_blank=True: {"train": FAKE, "valid": FAKE, "test": FAKE})


def test_articles_and_sentences(fake):
    arts = wikitext2_articles("train")
    assert arts == [[["a", "b", "."], ["c", "d", "."], ["e", "f"]], [["g", "<unk>", "."]]]
    assert wikitext2_articles("valid", lower=False)[0][0] == ["A", "b", "."]
    with pytest.raises(ValueError, match="split"):
        wikitext2_articles("dev")


def test_pretrain_corpus_maps_unk(fake):
    from lmkit.pretrain import wikitext2_pretrain

    c = wikitext2_pretrain(vocab_size=50)
    assert "<unk>" not in c.vocab.stoi
    toks = [c.vocab.itos[i] for i in c.ids["train"]]
    assert toks.count("[UNK]") == 1 and toks.count("[SEP]") == len(FAKE)
    assert c.specials == [0, 1, 2, 3, 4] and c.mask_id == 4 and c.pad_id == 0
