import os
from pathlib import Path

import numpy as np
import pytest

from lmkit.embeddings import KeyedVectors, load_word2vec_format, save_word2vec_format

gensim_kv = pytest.importorskip("gensim.models.keyedvectors")
GENSIM_DATA = Path(gensim_kv.__file__).resolve().parent.parent / "test" / "test_data"

WORDS = ["the", "café", "中文", "</s>", "Zoë", "x"]


def _kv(n_extra=40, d=7, seed=0):
    rng = np.random.default_rng(seed)
    words = WORDS + [f"w{i}" for i in range(n_extra)]
    vectors = rng.standard_normal((len(words), d)).astype(np.float32)
    vectors[2] *= 1e-8  # tiny and large values print in exponent form
    vectors[3] *= 1e6
    vectors[4] = 0.0
    return KeyedVectors(words, vectors)


def _gensim(kv):
    g = gensim_kv.KeyedVectors(kv.vector_size)
    g.add_vectors(kv.index_to_key, kv.vectors)
    return g


@pytest.mark.parametrize("binary", [False, True])
def test_round_trip_is_exact_and_byte_identical_to_gensim(tmp_path, binary):
    kv = _kv()
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    kv.save_word2vec_format(ours, binary=binary)
    _gensim(kv).save_word2vec_format(str(theirs), binary=binary)
    assert ours.read_bytes() == theirs.read_bytes()
    back = KeyedVectors.load_word2vec_format(ours, binary=binary)
    assert back.index_to_key == kv.index_to_key and np.array_equal(back.vectors, kv.vectors)
    g = gensim_kv.KeyedVectors.load_word2vec_format(str(ours), binary=binary)
    assert g.index_to_key == kv.index_to_key and np.array_equal(g.vectors, kv.vectors)
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".part")]


@pytest.mark.parametrize("binary", [False, True])
def test_lmkit_reads_what_gensim_writes_in_gensims_order(tmp_path, binary):
    kv = _kv(seed=1)
    g = _gensim(kv)
    for i, w in enumerate(kv.index_to_key):  # gensim stores by decreasing count
        g.set_vecattr(w, "count", (i * 7) % 11)
    g.save_word2vec_format(str(tmp_path / "g"), binary=binary)
    back = load_word2vec_format(tmp_path / "g", binary=binary)
    again = gensim_kv.KeyedVectors.load_word2vec_format(str(tmp_path / "g"), binary=binary)
    assert back.index_to_key == again.index_to_key != kv.index_to_key
    assert np.array_equal(back.vectors, again.vectors)
    assert np.array_equal(back.vectors, kv[back.index_to_key])
    head = load_word2vec_format(tmp_path / "g", binary=binary, limit=3)
    assert head.index_to_key == back.index_to_key[:3] and np.array_equal(head.vectors, back.vectors[:3])


def test_files_of_gensims_test_suite_read_as_gensim_reads_them():
    for name, binary in [("high_precision.kv.bin", True), ("high_precision.kv.txt", False),
                         ("euclidean_vectors.bin", True), ("crime-and-punishment.vec", False)]:
        ours = load_word2vec_format(GENSIM_DATA / name, binary=binary)
        theirs = gensim_kv.KeyedVectors.load_word2vec_format(str(GENSIM_DATA / name), binary=binary)
        assert ours.index_to_key == theirs.index_to_key, name
        assert np.array_equal(ours.vectors, theirs.vectors), name


def test_word2vec_c_binary_with_newlines_and_text_with_trailing_spaces(tmp_path):
    vectors = np.array([[1.5, -2.0], [0.25, 3.0e-5]], dtype="<f4")
    raw = b"2 2\n" + b"".join(w + b" " + v.tobytes() + b"\n" for w, v in zip([b"a", b"b\xc3\xa9"], vectors))
    (tmp_path / "c.bin").write_bytes(raw)
    ours = load_word2vec_format(tmp_path / "c.bin", binary=True)
    theirs = gensim_kv.KeyedVectors.load_word2vec_format(str(tmp_path / "c.bin"), binary=True)
    assert ours.index_to_key == theirs.index_to_key == ["a", "bé"]
    assert np.array_equal(ours.vectors, vectors) and np.array_equal(theirs.vectors, vectors)
    (tmp_path / "c.txt").write_bytes(b"2 2\r\na 1.500000 -2.000000 \r\nb\xc3\xa9 0.25 3e-05 \r\n")
    assert np.array_equal(load_word2vec_format(tmp_path / "c.txt").vectors, vectors)


def test_text_with_fewer_digits_is_smaller_and_close(tmp_path):
    kv = _kv(d=30)
    save_word2vec_format(kv, tmp_path / "full")
    save_word2vec_format(kv, tmp_path / "short", precision=4)
    assert (tmp_path / "short").stat().st_size < 0.8 * (tmp_path / "full").stat().st_size
    short = gensim_kv.KeyedVectors.load_word2vec_format(str(tmp_path / "short"))
    assert np.allclose(short.vectors, kv.vectors, rtol=1e-3, atol=0)
    assert np.array_equal(load_word2vec_format(tmp_path / "short").vectors, short.vectors)


def test_writing_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "v.txt"
    path.write_text("old")

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        _kv().save_word2vec_format(path)
    assert path.read_text() == "old" and os.listdir(tmp_path) == ["v.txt"]
    monkeypatch.undo()
    with pytest.raises(FileNotFoundError, match="folder .* does not exist"):
        _kv().save_word2vec_format(tmp_path / "missing" / "v.txt")
    with pytest.raises(TypeError, match="writes a KeyedVectors"):
        save_word2vec_format({"a": [1.0]}, path)
    with pytest.raises(ValueError, match=r"precision must be an integer in \[1, 17\]"):
        save_word2vec_format(_kv(), path, precision=0)


TEXT_CASES = [
    (b"three 2\na 1 2\n", "line 1: the header must be two integers"),
    (b"2\na 1 2\n", "line 1: the header"),
    (b"0 2\n", "line 1: the header"),
    (b"", "line 1: the header"),
    (b"2 2\na 1 2\nb 1\n", "line 3: 1 values for 'b', the header says 2"),
    (b"2 2\na 1 2\nb 1 2 3\n", "line 3: 3 values"),
    (b"2 2\na 1 2\nb 1 x2\n", "line 3: 'x2' is not a number"),
    (b"2 2\na 1 nan\nb 1 2\n", "line 2: NaN or inf"),
    (b"3 2\na 1 2\nb 1 2\n", "header announces 3 words but the file ends after 2"),
    (b"2 2\na 1 2\na 3 4\n", "line 3: the word 'a' occurs a second time .first at line 2"),
    (b"2 2\na 1 2\n 3 4\n", "line 3: empty word"),
    (b"2 2\na 1 2\nb\t3 4\n", "line 3: .* holds whitespace"),
    (b"1 2\na 1 2\nb 3 4\n", "line 3: more entries than the 1 the header announces"),
    (b"1 2\n\xff\xfe 1 2\n", "line 2: not utf-8 .* binary=True"),
]


@pytest.mark.parametrize("raw, message", TEXT_CASES)
def test_malformed_text_files_name_the_file_and_line(tmp_path, raw, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(raw)
    with pytest.raises(ValueError, match="bad.txt.*" + message):
        load_word2vec_format(path)


def _entry(word: bytes, *values) -> bytes:
    return word + b" " + np.array(values, dtype="<f4").tobytes()


BINARY_CASES = [
    (b"2 2\n" + _entry(b"a", 1, 2) + _entry(b"b", 1, 2)[:-3], "entry 2: truncated"),
    (b"3 2\n" + _entry(b"a", 1, 2) + _entry(b"b", 1, 2), "announces 3 words but the file ends after 2"),
    (b"2 2\n" + _entry(b"a", 1, 2) + _entry(b"a", 1, 2), "entry 2: the word 'a' occurs a second time"),
    (b"2 2\n" + _entry(b"a", 1, 2) + _entry(b"b", 1, np.inf), "entry 2: NaN or inf"),
    (b"1 2\n" + _entry(b"a", 1, 2) + _entry(b"b", 1, 2), "entry 2: more entries"),
    (b"x 2\n" + _entry(b"a", 1, 2), "line 1: the header"),
    (b"2 2\n", "announces 2 words but the file ends after 0"),
    (b"2 2\na 1.0 2.0\nb 3.0 4.0\n", "text file\\? pass binary=False"),
]


@pytest.mark.parametrize("raw, message", BINARY_CASES)
def test_malformed_binary_files_name_the_file_and_entry(tmp_path, raw, message):
    path = tmp_path / "bad.bin"
    path.write_bytes(raw)
    with pytest.raises(ValueError, match="bad.bin.*" + message):
        load_word2vec_format(path, binary=True)


def test_limit_reads_a_prefix_and_bad_arguments_are_refused(tmp_path):
    path = tmp_path / "v.bin"
    (tmp_path / "v.bin").write_bytes(b"1 2\n" + _entry(b"a", 1, 2) + _entry(b"b", 1, 2))
    assert load_word2vec_format(path, binary=True, limit=1).index_to_key == ["a"]
    assert load_word2vec_format(path, binary=True, limit=5).index_to_key == ["a"]
    with pytest.raises(ValueError, match=r"limit must be an integer in \[1, inf\), got 0"):
        load_word2vec_format(path, binary=True, limit=0)
    with pytest.raises(FileNotFoundError, match="no word2vec file"):
        load_word2vec_format(tmp_path / "nothing.txt")
    kv = KeyedVectors(["a", "b"], [[1.0, 2.0], [3.0, 4.0]])
    kv.save_word2vec_format(tmp_path / "v.txt", binary=True)
    with pytest.raises(ValueError, match="binary=True"):
        load_word2vec_format(tmp_path / "v.txt")  # a binary file read as text
