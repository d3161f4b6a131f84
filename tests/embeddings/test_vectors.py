import numpy as np
import pytest
from hypothesis import given, strategies as st

from lmkit import embeddings


def test_one_hot_vectors_are_orthogonal():
    e = embeddings.one_hot([2, 0, 3], 4)
    assert e.shape == (3, 4) and np.array_equal(e.argmax(1), [2, 0, 3])
    assert np.allclose(embeddings.cosine(e, e), np.eye(3))
    with pytest.raises(ValueError, match=r"ids must lie in \[0, 4\)"):
        embeddings.one_hot([4], 4)


def test_cosine_handles_zero_rows_and_checks_shapes():
    c = embeddings.cosine([[1.0, 0.0], [0.0, 0.0]], [[2.0, 0.0]])
    assert np.allclose(c, [[1.0], [0.0]])
    with pytest.raises(ValueError, match="differ in length"):
        embeddings.cosine([[1.0, 0.0]], [[1.0, 0.0, 0.0]])


@given(st.lists(st.integers(0, 5), min_size=1, max_size=40), st.integers(1, 3))
def test_context_vectors_match_a_brute_force_count(tokens, window):
    targets = [0, 3]
    got = embeddings.context_vectors(np.array(tokens), targets, 6, window)
    want = np.zeros((2, 6))
    for i, t in enumerate(tokens):
        if t in targets:
            for j in range(max(0, i - window), min(len(tokens), i + window + 1)):
                if j != i:
                    want[targets.index(t), tokens[j]] += 1
    assert np.array_equal(got, want)


def test_context_vectors_repeat_targets_and_reach_no_further_than_the_text():
    tokens = np.array([0, 1, 2, 0, 3])
    got = embeddings.context_vectors(tokens, [0, 2, 0], 4, window=1)
    assert np.array_equal(got[0], got[2]) and np.array_equal(got[0], [0, 1, 1, 1])
    far = embeddings.context_vectors(tokens, [0], 4, window=10**9)  # no loop over 2e9 offsets
    assert np.array_equal(far, embeddings.context_vectors(tokens, [0], 4, window=4))
    with pytest.raises(ValueError, match=r"tokens must lie in \[0, 4\).*got min -1"):
        embeddings.context_vectors(np.array([0, 1, -1]), [0], 4)  # not the last word


def test_nearest_neighbours_by_cosine_skip_the_word_and_the_specials():
    import torch

    from lmkit import Vocab
    from lmkit.embeddings import nearest_neighbours

    vocab = Vocab(["a", "b", "c", "d"] * 2)
    emb = torch.eye(len(vocab)) + 0.1
    emb[vocab["b"]] = emb[vocab["a"]] * 2
    assert nearest_neighbours(emb, vocab, ["a"], k=1) == {"a": ["b"]}
    assert nearest_neighbours(emb.numpy(), vocab, ["a"], k=1) == {"a": ["b"]}
    assert set(nearest_neighbours(emb, vocab, ["c"], k=3)["c"]) == {"a", "b", "d"}
    with pytest.raises(KeyError, match="'zebra' is not in the vocabulary"):
        nearest_neighbours(emb, vocab, ["zebra"])
    with pytest.raises(ValueError, match="one row per word"):
        nearest_neighbours(emb[:3], vocab, ["a"])


def _nn_fixture():
    import torch

    from lmkit import Vocab

    vocab = Vocab(["a", "b", "c", "d"] * 2)  # 3 specials + 4 words
    return vocab, torch.eye(len(vocab)) + 0.1


NN_VOCAB, NN_EMB = None, None


def nn(words=("a",), k=2, emb=None, vocab=None):
    global NN_VOCAB, NN_EMB
    if NN_VOCAB is None:
        NN_VOCAB, NN_EMB = _nn_fixture()
    return embeddings.nearest_neighbours(NN_EMB if emb is None else emb,
                                         NN_VOCAB if vocab is None else vocab, words, k)


def _nan_emb():
    e = np.eye(7) + 0.1
    e[3, 0] = np.nan
    return e


CASES = [  # (id, callable, exception type, fragment of the message that names the problem)
    ("words a string", lambda: nn(words="READ"), TypeError, r"words must be a sequence of words, e.g. .*, not a string"),
    ("words None", lambda: nn(words=None), TypeError, "words must be a sequence of words"),
    ("words of ints", lambda: nn(words=[1]), TypeError, r"words word 1 \(int\) is not a string"),
    ("word unknown", lambda: nn(words=["zebra"]), KeyError, "'zebra' is not in the vocabulary"),
    ("k=100", lambda: nn(k=100), ValueError, r"k must be an integer in \[1, 3\], got 100"),
    ("k=0", lambda: nn(k=0), ValueError, r"k must be an integer in \[1, 3\], got 0"),
    ("k=-1", lambda: nn(k=-1), ValueError, r"k must be an integer in \[1, 3\], got -1"),
    ("k=1.5", lambda: nn(k=1.5), TypeError, "k must be an integer, got float 1.5"),
    ("k=nan", lambda: nn(k=float("nan")), TypeError, "k must be an integer, got float nan"),
    ("k=inf", lambda: nn(k=float("inf")), TypeError, "k must be an integer, got float inf"),
    ("k=True", lambda: nn(k=True), TypeError, "k must be an integer, got bool"),
    ("emb NaN", lambda: nn(emb=_nan_emb()), ValueError, "emb holds NaN or inf"),
    ("emb inf", lambda: nn(emb=np.full((7, 2), np.inf)), ValueError, "emb holds NaN or inf"),
    ("emb too few rows", lambda: nn(emb=np.eye(3)), ValueError, r"one row per word of the vocabulary \(7\)"),
    ("emb too many rows", lambda: nn(emb=np.eye(9)), ValueError, "one row per word"),
    ("emb 1-d", lambda: nn(emb=np.ones(7)), ValueError, "one row per word"),
    ("emb strings", lambda: nn(emb=[["a"]] * 7), TypeError, "emb must be a matrix of numbers"),
    ("vocab a list", lambda: nn(vocab=["a", "b"]), TypeError, "vocab must be a lmkit.text.Vocab"),
    ("vocab only specials", lambda: nn(words=["<unk>"], vocab=__import__("lmkit").Vocab(), emb=np.eye(3)),
     ValueError, "no words besides the specials"),
    ("one_hot size=0", lambda: embeddings.one_hot([0], 0), ValueError, r"size must be an integer in \[1, "),
    ("one_hot size=True", lambda: embeddings.one_hot([0], True), TypeError, "size must be an integer, got bool"),
    ("one_hot size=nan", lambda: embeddings.one_hot([0], float("nan")), TypeError, "size must be an integer"),
    ("one_hot float ids", lambda: embeddings.one_hot([0.5], 3), TypeError, "integer ids"),
    ("cosine NaN", lambda: embeddings.cosine([[np.nan, 1.0]], [[1.0, 0.0]]), ValueError, "NaN or inf"),
    ("cosine strings", lambda: embeddings.cosine([["a"]], [[1.0]]), TypeError, "must hold numbers"),
    ("context window=0", lambda: embeddings.context_vectors([0, 1], [0], 2, window=0), ValueError,
     r"window must be an integer in \[1, "),
    ("context window=-1", lambda: embeddings.context_vectors([0, 1], [0], 2, window=-1), ValueError,
     "window must be an integer"),
    ("context window=nan", lambda: embeddings.context_vectors([0, 1], [0], 2, window=float("nan")),
     TypeError, "window must be an integer"),
    ("context window=inf", lambda: embeddings.context_vectors([0, 1], [0], 2, window=float("inf")),
     TypeError, "window must be an integer"),
    ("context window=True", lambda: embeddings.context_vectors([0, 1], [0], 2, window=True), TypeError,
     "window must be an integer, got bool"),
    ("context size=0", lambda: embeddings.context_vectors([0, 1], [0], 0), ValueError, "size must be"),
    ("context target too big", lambda: embeddings.context_vectors([0, 1], [5], 2), ValueError,
     r"targets must lie in \[0, 2\)"),
]


@pytest.mark.parametrize("call, exc, fragment", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_gets_a_clear_error(call, exc, fragment):
    with pytest.raises(exc, match=fragment):
        call()


def test_numpy_scalars_are_accepted():
    assert nn(k=np.int64(3)) == nn(k=3) and len(nn(k=np.int32(3))["a"]) == 3
    assert list(nn(words=iter(["a", "b"]), k=np.int64(1))) == ["a", "b"]  # any iterable of words
    assert embeddings.one_hot(np.int64(1), np.int64(3)).tolist() == [[0.0, 1.0, 0.0]]
    got = embeddings.context_vectors(np.array([0, 1, 0]), [0], np.int64(2), window=np.int32(1))
    assert got.tolist() == [[0.0, 2.0]]
