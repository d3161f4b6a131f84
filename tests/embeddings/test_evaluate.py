from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from lmkit.embeddings import KeyedVectors, evaluate_word_analogies, evaluate_word_pairs
from lmkit.embeddings.evaluate import pearson, rank_average, spearman

gensim_kv = pytest.importorskip("gensim.models.keyedvectors")
stats = pytest.importorskip("scipy.stats")
GENSIM_DATA = Path(gensim_kv.__file__).resolve().parent.parent / "test" / "test_data"
QUESTIONS = GENSIM_DATA / "questions-words.txt"  # the file of lmkit.data's word-eval set
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # gensim's init_sims
PAIRS = {"wordsim353": GENSIM_DATA / "wordsim353.tsv", "simlex999": GENSIM_DATA / "simlex999.txt"}


def _sections(path=QUESTIONS):
    sections, name = {}, None
    for line in path.read_text("utf-8").splitlines():
        if line.startswith(": "):
            name = line[2:].strip()
            sections[name] = []
        elif line.strip():
            sections[name].append(tuple(line.split()))
    return sections


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    """Vectors with the analogy structure planted (a second word of a pair is its first word
    plus the section's offset), a tenth of the words missing, case variants of some words
    (near-duplicates, before or after the original) and filler words; a sample of the
    questions in a file; the same vectors in gensim."""
    rng = np.random.default_rng(0)
    sample = {name: qs[::30] for name, qs in _sections().items()}
    path = tmp_path_factory.mktemp("eval") / "questions.txt"
    path.write_text("".join(f": {name}\n" + "".join(" ".join(q) + "\n" for q in qs)
                            for name, qs in sample.items()) + "not a question\n", "utf-8")
    pair_words = {w for p in PAIRS.values() for line in p.read_text().splitlines()[2:]
                  for w in line.split("\t")[:2]}
    analogy_words = sorted({w for qs in sample.values() for q in qs for w in q})
    rng.shuffle(analogy_words)
    other = sorted(pair_words - set(analogy_words))
    rng.shuffle(other)
    words = analogy_words[: int(0.9 * len(analogy_words))] + other[: int(0.9 * len(other))]
    d = 24
    base = {w: rng.standard_normal(d) for w in words}
    for qs in sample.values():
        offset = 1.2 * rng.standard_normal(d)
        for a, b, c, e in qs:
            for first, second in ((a, b), (c, e)):
                if first in base and second in base:
                    base[second] = base[first] + offset + 0.3 * rng.standard_normal(d)
    variants = []
    for w in words[:300]:
        v = w.upper() if w != w.upper() else w.lower()
        if v not in base:
            base[v] = base[w] + 0.05 * rng.standard_normal(d)
            variants.append(v)
    order = words + [f"filler{i}" for i in range(200)]
    for v in variants:  # half the variants come before their original (the one that counts)
        order.insert(int(rng.integers(len(order))), v)
    vectors = np.array([base[w] if w in base else rng.standard_normal(d) for w in order])
    kv = KeyedVectors(order, vectors)
    g = gensim_kv.KeyedVectors(d)
    g.add_vectors(order, kv.vectors)
    return kv, g, path, sample


def _same(ours, theirs):
    score, sections = ours
    assert [s["section"] for s in sections] == [s["section"] for s in theirs[1]]
    for s, t in zip(sections, theirs[1]):
        assert s["correct"] == t["correct"] and s["incorrect"] == t["incorrect"], s["section"]
    assert score == theirs[0]


@pytest.mark.parametrize("restrict_vocab", [None, 300_000, 700])
@pytest.mark.parametrize("case_insensitive", [True, False])
@pytest.mark.parametrize("dummy4unknown", [False, True])
def test_analogies_count_exactly_as_gensim(setup, restrict_vocab, case_insensitive, dummy4unknown):
    kv, g, path, _ = setup
    ours = evaluate_word_analogies(kv, path, restrict_vocab, case_insensitive, dummy4unknown)
    _same(ours, g.evaluate_word_analogies(str(path), restrict_vocab or len(kv) + 1,
                                          case_insensitive, dummy4unknown))
    correct = len(ours[1][-1]["correct"])
    assert correct > (100 if restrict_vocab != 700 else 30)  # the planted structure is found


def test_oov_questions_are_counted_per_section(setup):
    kv, _, path, sample = setup
    _, sections = evaluate_word_analogies(kv, path, restrict_vocab=700, case_insensitive=False)
    first = set(kv.index_to_key[:700])
    for s in sections[:-1]:
        qs = sample[s["section"]]
        oov = sum(not set(q) <= first for q in qs)
        assert s["oov"] == oov and s["oov_ratio"] == pytest.approx(100 * oov / len(qs))
        assert len(s["correct"]) + len(s["incorrect"]) == len(qs) - oov
    assert sections[-1]["oov"] == sum(s["oov"] for s in sections[:-1]) > 0


@pytest.mark.parametrize("restrict_vocab", [None, 700])
@pytest.mark.parametrize("case_insensitive", [True, False])
def test_3cosmul_counts_as_gensims_evaluation_with_most_similar_cosmul(
        setup, monkeypatch, restrict_vocab, case_insensitive):
    kv, _, path, _ = setup
    r = restrict_vocab or len(kv)
    g = gensim_kv.KeyedVectors(kv.vector_size)  # gensim's cosmul ignores restrict_vocab:
    g.add_vectors(kv.index_to_key[:r], kv.vectors[:r])  # give it the first r words only
    monkeypatch.setattr(g, "most_similar", lambda positive, negative, topn, restrict_vocab:
                        g.most_similar_cosmul(positive, negative, topn))
    ours = evaluate_word_analogies(kv, path, restrict_vocab, case_insensitive, method="mul")
    _same(ours, g.evaluate_word_analogies(str(path), r, case_insensitive))
    add = evaluate_word_analogies(kv, path, restrict_vocab, case_insensitive)
    assert ours[1][-1]["correct"] != add[1][-1]["correct"]  # the methods do differ


def test_a_dict_of_sections_equals_the_file(setup):
    kv, _, path, sample = setup
    a, b = evaluate_word_analogies(kv, sample), evaluate_word_analogies(kv, path)
    assert a == b


@pytest.mark.slow
def test_the_default_set_is_the_google_analogies_of_lmkit_data(setup):
    kv = setup[0]
    score, sections = evaluate_word_analogies(kv, restrict_vocab=2000)
    assert len(sections) == 15 and sum(s["oov"] + len(s["correct"]) + len(s["incorrect"])
                                       for s in sections[:-1]) == 19544
    assert (score, sections) == evaluate_word_analogies(kv, QUESTIONS, restrict_vocab=2000)


@pytest.mark.parametrize("name", list(PAIRS))
@pytest.mark.parametrize("restrict_vocab", [None, 700])
@pytest.mark.parametrize("case_insensitive", [True, False])
@pytest.mark.parametrize("dummy4unknown", [False, True])
def test_word_pairs_correlate_as_gensim(setup, name, restrict_vocab, case_insensitive,
                                        dummy4unknown):
    kv, g = setup[:2]
    ours = evaluate_word_pairs(kv, PAIRS[name], restrict_vocab, case_insensitive, dummy4unknown)
    p, s, oov = g.evaluate_word_pairs(str(PAIRS[name]), restrict_vocab=restrict_vocab or len(kv),
                                      case_insensitive=case_insensitive,
                                      dummy4unknown=dummy4unknown)
    assert ours.oov_ratio == oov and 0 < oov < 100
    # gensim's cosines are float32, lmkit's float64 (of the same float32 unit vectors)
    assert ours.pearson == pytest.approx(p[0], abs=1e-6)
    assert ours.spearman == pytest.approx(s[0], abs=1e-6)
    pearson_, spearman_, _ = ours
    assert pearson_ == ours.pearson and spearman_ == ours.spearman


def test_word_pairs_as_a_list_equal_the_file(setup):
    kv = setup[0]
    lines = PAIRS["simlex999"].read_text("utf-8").splitlines()[2:]
    pairs = [(a, b, float(s)) for a, b, s in (line.split("\t") for line in lines)]
    assert evaluate_word_pairs(kv, pairs) == evaluate_word_pairs(kv, PAIRS["simlex999"])


@pytest.mark.slow
def test_named_pair_sets_come_from_lmkit_data(setup, tmp_path):
    kv, g = setup[:2]
    assert evaluate_word_pairs(kv) == evaluate_word_pairs(kv, PAIRS["wordsim353"])
    assert evaluate_word_pairs(kv, "simlex999") == evaluate_word_pairs(kv, PAIRS["simlex999"])
    from lmkit.data import load_men
    men = load_men()
    assert len(men) == 3000
    path = tmp_path / "men.txt"
    path.write_text("".join(f"{a} {b} {s}\n" for a, b, s in men))
    ours = evaluate_word_pairs(kv, "men", restrict_vocab=None)
    p, s, oov = g.evaluate_word_pairs(str(path), delimiter=" ", restrict_vocab=len(kv))
    assert ours.oov_ratio == oov and ours.spearman == pytest.approx(s[0], abs=1e-6)


numbers = st.lists(st.integers(-5, 5), min_size=3, max_size=60)


@settings(max_examples=50)
@given(numbers, st.data())
def test_correlations_equal_scipys(x, data):
    y = data.draw(st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=len(x),
                           max_size=len(x)))
    if len(set(x)) < 2 or len(set(y)) < 2:
        with pytest.raises(ValueError, match="undefined: the .* input is constant"):
            pearson(x, y)
        return
    assert abs(pearson(x, y) - stats.pearsonr(x, y)[0]) < 1e-12
    assert abs(spearman(x, y) - stats.spearmanr(x, y)[0]) < 1e-12  # ties in x: average ranks
    assert np.array_equal(rank_average(x), stats.rankdata(x))


def test_bad_arguments_are_refused(setup, tmp_path):
    kv = setup[0]
    with pytest.raises(ValueError, match="method must be 'add'"):
        evaluate_word_analogies(kv, {"s": [("a", "b", "c", "d")]}, method="3cosmul")
    with pytest.raises(ValueError, match="restrict_vocab must be an integer"):
        evaluate_word_analogies(kv, {"s": [("a", "b", "c", "d")]}, restrict_vocab=0)
    with pytest.raises(TypeError, match="case_insensitive must be True or False"):
        evaluate_word_pairs(kv, [("a", "b", 1.0)], case_insensitive="yes")
    with pytest.raises(ValueError, match="a question must be 4 words"):
        evaluate_word_analogies(kv, {"s": [("a", "b", "c")]})
    with pytest.raises(TypeError, match="dict section"):
        evaluate_word_analogies(kv, [("a", "b", "c", "d")])
    with pytest.raises(TypeError, match="takes a KeyedVectors"):
        evaluate_word_pairs({"a": 1}, [("a", "b", 1.0)])
    with pytest.raises(FileNotFoundError, match="no word-pair file"):
        evaluate_word_pairs(kv, "wordsim999")
    bad = tmp_path / "q.txt"
    bad.write_text("a b c d\n: section\n")
    with pytest.raises(ValueError, match="q.txt, line 1: a question before the first section"):
        evaluate_word_analogies(kv, bad)
    with pytest.raises(ValueError, match="no analogy questions"):
        evaluate_word_analogies(kv, {"s": []})
    with pytest.raises(ValueError, match="each of the 1 pairs has a word outside"):
        evaluate_word_pairs(kv, [("zzz", "yyy", 1.0)])
    with pytest.raises(ValueError, match="second input is constant"):
        evaluate_word_pairs(kv, [("zzz", "yyy", 1.0), ("www", "xxx", 2.0)], dummy4unknown=True)
    with pytest.raises(ValueError, match="a word pair must be"):
        evaluate_word_pairs(kv, [("zzz", 1.0)])
