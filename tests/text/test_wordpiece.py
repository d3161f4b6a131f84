"""BERT's WordPiece: the basic pre-tokeniser, greedy longest-match pieces, [CLS]/[SEP] and
segments, padding; equal to the tokenizers package on MiniLM's vocabulary."""

import pytest

from lmkit.text.wordpiece import SPECIALS, WordPiece, basic_tokenize

VOCAB = list(SPECIALS) + ["un", "##aff", "##able", "aff", "the", "bank", "back", ".", ",",
                          "'", "s", "cafe", "中", "文", "##s", "b", "##a", "##n", "##k"]


def test_basic_tokenize_lowers_strips_accents_and_splits_punctuation():
    assert basic_tokenize("Héllo, Wörld!") == ["hello", ",", "world", "!"]
    assert basic_tokenize("the bank's money") == ["the", "bank", "'", "s", "money"]
    assert basic_tokenize("中文ab") == ["中", "文", "ab"]               # each ideograph a word
    assert basic_tokenize("a\tb\u00a0c\x00d\u200be") == ["a", "b", "cde"]  # spaces, controls
    assert basic_tokenize("Café", lower=False) == ["Café"]


def test_greedy_longest_match_with_continuation_pieces():
    wp = WordPiece(VOCAB)
    assert wp.tokenize("unaffable") == ["un", "##aff", "##able"]
    assert wp.tokenize("Banks.") == ["bank", "##s", "."]
    assert wp.tokenize("bxnk") == ["[UNK]"]                        # a piece with no entry
    assert wp.tokenize("the [MASK] bank") == ["the", "[MASK]", "bank"]
    assert WordPiece(VOCAB, max_chars=3).tokenize("bank") == ["[UNK]"]


def test_encode_adds_cls_sep_and_segments_and_truncates_the_longer_text():
    wp = WordPiece(VOCAB)
    ids, seg = wp.encode("the bank", "the back")
    assert wp.decode(ids) == ["[CLS]", "the", "bank", "[SEP]", "the", "back", "[SEP]"]
    assert seg == [0, 0, 0, 0, 1, 1, 1]
    ids, seg = wp.encode("the bank the bank", "back", max_len=6)
    assert wp.decode(ids) == ["[CLS]", "the", "bank", "[SEP]", "back", "[SEP]"]
    ids, mask_seg, mask = wp.batch(["the bank", "the"])
    assert ids.shape == (2, 4) and mask.tolist() == [[1, 1, 1, 1], [1, 1, 1, 0]]
    assert ids[1, 3] == wp.pad_id and not mask_seg.any()


def test_bad_input_gets_a_clear_error():
    with pytest.raises(ValueError, match="special tokens"):
        WordPiece(["a", "b"])
    with pytest.raises(FileNotFoundError, match="vocab.txt"):
        WordPiece("/no/such/vocab.txt")
    with pytest.raises(TypeError, match="str"):
        WordPiece(VOCAB).tokenize(3)
    with pytest.raises(ValueError, match="no room"):
        WordPiece(VOCAB).encode("the", "bank", max_len=3)
    with pytest.raises(TypeError, match="list of texts"):
        WordPiece(VOCAB).batch("the bank")


@pytest.fixture(scope="module")
def minilm():
    from lmkit import data
    try:
        return data.store.fetch("minilm-l6", download=False)
    except data.CorpusNotFoundError as err:  # pragma: no cover - CI has LMKIT_DATA
        pytest.skip(f"minilm-l6 not available: {err}")


def test_equal_to_the_tokenizers_package_on_wikitext2(minilm):
    tokenizers = pytest.importorskip("tokenizers", reason="the reference extra (tokenizers) "
                                     "is not installed: pip install -e '.[ref]'")
    from lmkit import data

    ref = tokenizers.Tokenizer.from_file(str(minilm["minilm-l6/tokenizer.json"]))
    ref.no_padding()
    ref.no_truncation()
    wp = WordPiece(minilm["minilm-l6/vocab.txt"])
    lines = [" ".join(s) for s in data.load_wikitext2(keep_blank=False)["valid"][:1000]]
    lines += ["I hurt my back.", "Héllo wörld — naïve café 中文字 [MASK] test",
              "unaffable isn't 3.14 e-mail@x.com", "\tweird\u00a0spaces\u200b here\x00"]
    differ = [s for s in lines if ref.encode(s).ids != wp.encode(s)[0]]
    assert not differ, differ[:3]
    pair = ref.encode("The bank.", "It closed.")
    assert (pair.ids, pair.type_ids) == wp.encode("The bank.", "It closed.")
