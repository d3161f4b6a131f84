import numpy as np
import pytest
from hypothesis import given, strategies as st

from lmkit.embeddings import subwords
from lmkit.embeddings.subwords import char_ngrams, fnv1a_32, ngram_hashes, ngram_index

gensim_ft = pytest.importorskip("gensim.models.fasttext")
from gensim.models.fasttext_inner import compute_ngrams_bytes, ft_hash_bytes  # noqa: E402

WORDS = ["naïve", "café", "中文字符", "日", "a", "", "ab", "banana", "the", "über-straße",
         "🙂ok", "x" * 30, "Ωμέγα", "l'été"]
RANGES = [(3, 6), (1, 1), (1, 2), (1, 6), (2, 3), (5, 5), (4, 9)]


def test_char_ngrams_of_a_word():
    assert char_ngrams("where", 3, 3) == ["<wh", "whe", "her", "ere", "re>"]
    assert char_ngrams("a") == ["<a>"]        # the whole "<a>" is its only n-gram
    assert char_ngrams("") == []               # "<>" is shorter than 3 characters
    assert char_ngrams("ab", 1, 1) == ["a", "b"]  # never "<" or ">" alone
    assert char_ngrams("banana", 3, 3).count("ana") == 2  # repeats are kept


@pytest.mark.parametrize("min_n, max_n", RANGES)
def test_ngrams_and_buckets_equal_gensims(min_n, max_n):
    index = ngram_index(WORDS, min_n, max_n, 2_000_000)
    assert len(index) == len(WORDS)
    for i, w in enumerate(WORDS):
        grams = char_ngrams(w, min_n, max_n)
        assert [g.encode() for g in grams] == compute_ngrams_bytes(w, min_n, max_n), w
        want = gensim_ft.ft_ngram_hashes(w, min_n, max_n, 2_000_000)
        assert index[i].tolist() == want, w
        assert ngram_hashes(w, min_n, max_n, 2_000_000).tolist() == want
        assert [fnv1a_32(g) for g in grams] == [ft_hash_bytes(g.encode()) for g in grams]


@given(st.binary(max_size=40))
def test_fnv1a_equals_gensims_hash_on_any_bytes(data):
    assert fnv1a_32(data) == ft_hash_bytes(data)


@given(st.lists(st.text(max_size=12), max_size=12), st.integers(1, 4), st.integers(0, 3),
       st.integers(1, 5000))
def test_the_vectorised_index_equals_the_one_word_functions(words, min_n, extra, bucket):
    max_n = min_n + extra
    index = ngram_index(words, min_n, max_n, bucket)
    assert index.ids.dtype == np.int32 and index.offsets[-1] == len(index.ids)
    for i, w in enumerate(words):
        grams = char_ngrams(w, min_n, max_n)
        assert index[i].tolist() == [fnv1a_32(g) % bucket for g in grams]


def test_padded_rows_hold_each_words_buckets():
    index = ngram_index(["a", "", "hello"], 3, 4, 100)
    ids, lengths = index.padded()
    assert ids.dtype == np.int32 and ids.shape == (3, lengths.max())
    assert lengths.tolist() == [1, 0, 9]
    for i in range(3):
        assert ids[i, :lengths[i]].tolist() == index[i].tolist()
        assert np.all(ids[i, lengths[i]:] == -1)
    empty = ngram_index([], 3, 6, 10)
    assert len(empty) == 0 and empty.padded()[0].shape == (0, 0)


@pytest.mark.parametrize("kw, err, match", [
    ({"min_n": 4, "max_n": 3}, ValueError, "min_n must be <= max_n"),
    ({"min_n": 0}, ValueError, r"min_n must be an integer in \[1, inf\), got 0"),
    ({"bucket": 0}, ValueError, r"bucket must be an integer in \[1, 2147483647\], got 0"),
    ({"bucket": 2**31}, ValueError, "bucket must be an integer"),
    ({"max_n": 2.5}, TypeError, "max_n must be an integer, got float 2.5"),
])
def test_bad_ranges_are_refused(kw, err, match):
    with pytest.raises(err, match=match):
        ngram_index(["word"], **kw)


def test_bad_words_are_refused():
    with pytest.raises(TypeError, match="not a string"):
        ngram_index("word")
    with pytest.raises(TypeError, match="is not a string"):
        ngram_index(["ok", 3])
    with pytest.raises(TypeError, match="a word must be a string"):
        char_ngrams(3)
    with pytest.raises(TypeError, match="fnv1a_32 hashes bytes or a str"):
        fnv1a_32(3)
    assert subwords.check_ngram_range(3, 6, 10) == (3, 6, 10)
