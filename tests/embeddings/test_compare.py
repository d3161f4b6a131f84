"""The comparison helpers of chapter 5's fastText notebook: the bag of contexts ignores word
order within the window, summaries equal the evaluation's own counts, and fastText's
vectors let every pair be scored."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lmkit.embeddings import FastTextKeyedVectors, KeyedVectors
from lmkit.embeddings.compare import (analogy_summary, context_pairs, intrinsic_scores,
                                      is_syntactic, neighbour_ranks, pair_spearman)
from lmkit.embeddings.evaluate import evaluate_word_analogies, spearman

WORDS = ["man", "woman", "king", "queen", "boy", "girl", "walk", "walked", "run", "ran"]


@pytest.fixture(scope="module")
def kv():
    rng = np.random.default_rng(0)
    base = rng.normal(size=(len(WORDS), 8))
    base[3] = base[2] - base[0] + base[1] + 0.01 * rng.normal(size=8)  # queen = king - man + woman
    return KeyedVectors(WORDS, base, counts=np.arange(len(WORDS), 0, -1) * 10)


def test_context_pairs_by_hand():
    got = context_pairs(["a", "b", "c"], 1)
    assert got == {("a", "b"): 1, ("b", "a"): 1, ("b", "c"): 1, ("c", "b"): 1}
    assert sum(context_pairs("the dog bit the man".split(), 2).values()) == 14


def test_word_order_is_lost_within_the_window():
    a = context_pairs("the dog bit the man".split(), 4)
    b = context_pairs("the man bit the dog".split(), 4)
    assert a == b
    # with a window narrower than the sentence, distance (not direction) leaves a trace
    assert context_pairs("the dog bit the man".split(), 2) != context_pairs(
        "the man bit the dog".split(), 2)


@given(st.lists(st.sampled_from("abcde"), min_size=1, max_size=7), st.integers(1, 8),
       st.randoms(use_true_random=False))
@settings(max_examples=60, deadline=None)
def test_context_pairs_count_and_permutation(tokens, window, rnd):
    n = len(tokens)
    got = context_pairs(tokens, window)
    assert sum(got.values()) == sum(min(n - 1, i + window) - max(0, i - window)
                                    for i in range(n))
    if window >= n - 1:   # every pair of positions is within the window: order is irrelevant
        shuffled = list(tokens)
        rnd.shuffle(shuffled)
        assert context_pairs(shuffled, window) == got


def test_context_pairs_bad_input():
    with pytest.raises(TypeError, match="list of str"):
        context_pairs("the dog", 2)
    with pytest.raises(ValueError, match="window"):
        context_pairs(["a", "b"], 0)


def test_analogy_summary_splits_semantic_and_syntactic(kv):
    questions = {"family": [("man", "woman", "king", "queen"), ("man", "king", "woman", "boy")],
                 "gram7-past-tense": [("walk", "walked", "run", "ran")],
                 "gram9-plural": [("man", "men", "king", "kings")]}   # OOV: skipped
    acc, sections = evaluate_word_analogies(kv, questions, restrict_vocab=None)
    got = analogy_summary(sections)
    right = {s["section"]: len(s["correct"]) for s in sections}
    assert got["n"] == 3 and got["n_semantic"] == 2 and got["n_syntactic"] == 1
    assert got["accuracy"] == pytest.approx(acc)
    assert got["semantic"] == right["family"] / 2
    assert got["syntactic"] == right["gram7-past-tense"] / 1
    assert right["family"] >= 1   # queen = king - man + woman by construction
    row = intrinsic_scores(kv, None, analogies=questions, pair_sets=())
    assert row["analogy_oov"] == pytest.approx(1 / 4)
    assert row["accuracy"] == pytest.approx(acc)


def test_analogy_summary_nan_without_questions_and_bad_input():
    got = analogy_summary([{"section": "family", "correct": [], "incorrect": []}])
    assert np.isnan(got["semantic"]) and got["n"] == 0
    with pytest.raises(TypeError, match="evaluate_word_analogies"):
        analogy_summary([1, 2])
    assert is_syntactic("gram3-comparative") and not is_syntactic("capital-world")


def test_pair_spearman_skips_unknown_words(kv):
    pairs = [("man", "woman", 8.0), ("king", "queen", 9.0), ("walk", "ran", 3.0),
             ("boy", "unicorn", 5.0), ("girl", "run", 1.0)]
    rho, share = pair_spearman(kv, pairs)
    known = [p for p in pairs if p[1] != "unicorn"]
    assert share == pytest.approx(4 / 5)
    assert rho == pytest.approx(spearman([kv.similarity(a, b) for a, b, _ in known],
                                         [s for *_, s in known]))
    with pytest.raises(ValueError, match="at least 2"):
        pair_spearman(kv, [("boy", "unicorn", 1.0), ("man", "woman", 2.0)])


def test_fasttext_vectors_score_every_pair_and_rank_neighbours():
    rng = np.random.default_rng(1)
    ngrams = rng.normal(size=(500, 6)).astype(np.float32)
    words = ["happiness", "sadness", "kindness"]
    ftkv = FastTextKeyedVectors(words, rng.normal(size=(3, 6)), [30, 20, 10],
                                vectors_vocab=rng.normal(size=(3, 6)), vectors_ngrams=ngrams)
    pairs = [("hapiness", "sadness", 2.0), ("happiness", "kindness", 5.0),
             ("kindnes", "sadness", 3.0)]
    rho, share = pair_spearman(ftkv, pairs)
    assert share == 1.0 and -1 <= rho <= 1
    ranks = neighbour_ranks(ftkv, [("hapiness", "happiness")], topn=3)
    q, want, rank, top = ranks[0]
    near = [w for w, _ in ftkv.most_similar("hapiness", topn=3)]
    assert (q, want, top) == ("hapiness", "happiness", near[0])
    assert rank == near.index("happiness") + 1


def test_neighbour_ranks_none_when_absent(kv):
    (_, _, rank, top), = neighbour_ranks(kv, [("king", "ran")], topn=1)
    assert top == kv.most_similar("king", topn=1)[0][0]
    assert rank == (None if top != "ran" else 1)
