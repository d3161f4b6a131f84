import numpy as np
import pytest

from conftest import shared_data
from lmkit.embeddings.fasttext import FastText, FastTextConfig, FastTextKeyedVectors
from lmkit.embeddings.subwords import char_ngrams, fnv1a_32

STEMS = ["walk", "talk", "jump", "play", "look", "work"]
ANIMALS = ["cat", "dog", "horse", "bird", "fish", "mouse"]


def toy_corpus(n=600, seed=0):
    """Two kinds of sentence: people doing things (verbs and their -ed/-ing forms), and animals
    (singular and plural); each word's context is its own kind."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        if rng.random() < 0.5:
            s = ["they"] + [rng.choice(STEMS) + rng.choice(["", "ed", "ing"]) for _ in range(6)]
        else:
            s = ["the"] + [rng.choice(ANIMALS) + rng.choice(["", "s"]) for _ in range(6)]
        out.append([str(w) for w in s])
    return out


SMALL = dict(vector_size=16, min_count=1, epochs=2, bucket=4000, seed=3, sample=0)


@pytest.fixture(scope="module")
def model():
    return FastText(**{**SMALL, "epochs": 4}).fit(toy_corpus(), progress=False)


def test_the_loss_falls_and_the_vectors_are_composed(model):
    h = model.loss_history
    # from about (1 + k) ln 2 (the output vectors start at 0) down to the task's entropy
    assert len(h) >= 4 and h[-1] < 0.85 * h[0] < 0.85 * 6 * np.log(2)
    wv = model.wv
    assert isinstance(wv, FastTextKeyedVectors) and wv.vectors.shape == (len(wv), 16)
    assert model.words_per_second > 0 and model.epoch_losses[-1] < model.epoch_losses[0]
    for w in ["walked", "cats", "they"]:  # u_w = (v_w + sum_g z_g) / (1 + |G_w|)
        rows = [fnv1a_32(g) % 4000 for g in char_ngrams(w)]
        want = (wv.vectors_vocab[wv.index(w)].astype(np.float64)
                + wv.vectors_ngrams[rows].sum(axis=0)) / (1 + len(rows))
        assert np.allclose(wv[w], want, atol=1e-6)


def test_an_unseen_word_is_the_mean_of_its_ngram_vectors_exactly(model):
    wv = model.wv
    for w in ["walkz", "catz", "naïveté", "x"]:
        assert w not in wv
        rows = [fnv1a_32(g) % 4000 for g in char_ngrams(w)]
        assert np.array_equal(wv[w], wv.vectors_ngrams[rows].mean(axis=0))
        assert np.array_equal(wv.get_vector(w), wv[w])
    assert np.allclose(np.linalg.norm(wv.get_vector("walkz", norm=True)), 1)
    assert wv[["walkz", "cat"]].shape == (2, 16)


def test_unseen_words_find_their_family(model):
    wv = model.wv
    near = [w for w, _ in wv.most_similar("jumpping", topn=3)]
    assert "jumping" in near and all(w.startswith(tuple(STEMS)) for w in near), near
    assert "cats" not in [w for w, _ in wv.most_similar(["cats", "horsez"], topn=20)]
    assert wv.similarity("horsez", "horses") > wv.similarity("horsez", "walked")
    assert wv.most_similar("walked", topn=2) == FastTextKeyedVectors.most_similar(wv, ["walked"], topn=2)
    assert len(wv.most_similar_cosmul(["fishy"], ["dog"], topn=4)) == 4


def test_a_word_without_ngrams_is_a_keyerror_naming_it():
    m = FastText(**{**SMALL, "min_n": 5, "max_n": 6, "epochs": 1}).fit(toy_corpus(50), progress=False)
    with pytest.raises(KeyError, match="'ab' is not in the vocabulary and has no character n-gram"):
        m.wv["ab"]
    with pytest.raises(KeyError, match="'zz'"):
        m.wv.most_similar("zz")


@pytest.mark.parametrize("sg, hs, negative", [(1, 0, 5), (0, 0, 5), (1, 1, 0)])
def test_one_seeded_worker_is_deterministic(sg, hs, negative):
    kw = {**SMALL, "sg": sg, "hs": hs, "negative": negative}
    a = FastText(**kw).fit(toy_corpus(200), progress=False)
    b = FastText(**kw).fit(toy_corpus(200), progress=False)
    assert np.array_equal(a.wv.vectors, b.wv.vectors)
    assert np.array_equal(a.wv.vectors_ngrams, b.wv.vectors_ngrams)
    assert a.loss_history == b.loss_history and a.loss_history[-1] < a.loss_history[0]
    c = FastText(**{**kw, "seed": 4}).fit(toy_corpus(200), progress=False)
    assert not np.array_equal(a.wv.vectors, c.wv.vectors)


def test_two_workers_train_the_same_model():
    m = FastText(**{**SMALL, "workers": 2}).fit(toy_corpus(2000), progress=False)
    assert np.isfinite(m.wv.vectors).all() and len(m.loss_history) >= 2


def test_vectors_compose_as_gensims_from_the_same_weights(model):
    gensim = pytest.importorskip("gensim.models")
    g = gensim.FastText(vector_size=16, min_count=1, bucket=4000, min_n=3, max_n=6)
    g.build_vocab(toy_corpus())
    ours = model.wv
    order = [ours.index(w) for w in g.wv.index_to_key]
    g.wv.vectors_vocab[:] = ours.vectors_vocab[order]
    g.wv.vectors_ngrams[:] = ours.vectors_ngrams
    g.wv.adjust_vectors()
    assert np.allclose(g.wv.vectors, ours.vectors[order], atol=1e-6)
    for w in ["walkz", "naïveté", "中文"]:
        assert np.allclose(g.wv[w], ours[w], atol=1e-7)


@pytest.mark.parametrize("kw, err, match", [
    ({"min_n": 4, "max_n": 3}, ValueError, "min_n must be <= max_n"),
    ({"min_n": 0}, ValueError, r"min_n must be an integer in \[1, inf\), got 0"),
    ({"bucket": 0}, ValueError, r"bucket must be an integer in \[1, 2147483647\], got 0"),
    ({"bucket": 2.5}, TypeError, "bucket must be an integer, got float 2.5"),
    ({"backend": "torch"}, ValueError, "numba kernel only"),
    ({"negative": 0}, ValueError, "no output layer"),
])
def test_bad_settings_are_refused(kw, err, match):
    with pytest.raises(err, match=match):
        FastText(**kw)
    with pytest.raises(TypeError, match="not both"):
        FastText(FastTextConfig(), min_n=2)


@pytest.mark.parametrize("sentences, err, match", [
    ([], ValueError, "the corpus is empty"),
    ([[], []], ValueError, "the corpus is empty"),
    ([["a", "b"]], ValueError, "min_count=5 leaves no word"),
    ("the cat", TypeError, "one string"),
    ([["a", 3]], TypeError, "tokens must be str"),
])
def test_bad_corpora_are_refused(sentences, err, match):
    m = FastText()
    with pytest.raises(err, match=match):
        m.fit(sentences, progress=False)
    assert m.wv is None


@pytest.mark.slow
@pytest.mark.skipif(shared_data() is None, reason="needs LMKIT_DATA (the English novels)")
def test_a_misspelt_word_lands_on_its_spelling():
    from lmkit import data
    sents = data.load_novel_sentences(max_novels=3, vocab_size=None)["train"]
    wv = FastText(seed=0, epochs=3).fit(sents, progress=False).wv
    pairs = {"beautifull": "beautiful", "wonderfull": "wonderful", "gentelman": "gentleman",
             "hapiness": "happiness", "surprize": "surprise"}
    got = {w: wv.most_similar(w, topn=1)[0][0] for w in pairs}
    assert all(w not in wv for w in pairs)
    assert sum(got[w] == right for w, right in pairs.items()) >= 4, got
