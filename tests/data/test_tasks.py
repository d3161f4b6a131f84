"""The downstream tasks of chapter 8: authorship across books, word swap."""

import numpy as np
import pytest

from lmkit.data import authorship, word_swap


def fake_novels():
    """Three 'novels' for each of two authors, each of distinct numbered sentences."""
    out = {}
    for a in ("Ann", "Bob"):
        for year in (1850, 1860, 1870):
            sents = [f"{a} wrote this sentence number {i} in the year {year} of it." for i in range(40)]
            out[f"{a}_Book_{year}"] = " ".join(sents)
    return out


def test_authorship_splits_by_book():
    novels = fake_novels()
    task = authorship(("Ann", "Bob"), per_book=20, novels=novels)
    assert task.names == ("Ann", "Bob")
    assert task.books["test"] == ["Ann_Book_1870", "Bob_Book_1870"]
    assert len(task.train) == 2 * 2 * 18 and len(task.valid) == 2 * 2 * 2
    assert len(task.test) == 2 * 20
    assert all("1870" in t for t in task.texts("test"))
    assert not any("1870" in t for t in task.texts("train") + task.texts("valid"))
    assert not set(task.texts("train")) & set(task.texts("valid"))
    for split in ("train", "valid", "test"):
        labels = task.labels(split)
        assert np.bincount(labels).tolist() == [len(labels) // 2] * 2
        assert all(t.startswith(task.names[y]) for t, y in getattr(task, split))


def test_authorship_is_seeded():
    novels = fake_novels()
    a = authorship(("Ann", "Bob"), per_book=10, novels=novels, seed=1)
    b = authorship(("Ann", "Bob"), per_book=10, novels=novels, seed=1)
    c = authorship(("Ann", "Bob"), per_book=10, novels=novels, seed=2)
    assert a == b and a.train != c.train


def test_authorship_bad_input():
    novels = fake_novels()
    with pytest.raises(ValueError, match="has 0 novels"):
        authorship(("Ann", "Zed"), novels=novels, per_book=5)
    with pytest.raises(ValueError, match="fewer than per_book"):
        authorship(("Ann", "Bob"), novels=novels, per_book=500)
    with pytest.raises(ValueError, match="at least two"):
        authorship("Ann", novels=novels)


def test_word_swap_labels_and_swaps():
    rng = np.random.default_rng(0)
    sents = [[f"s{i}"] + [f"w{j}" for j in rng.permutation(12)[:8]] for i in range(2000)]
    task = word_swap(sents, seed=3)
    pairs = task.train + task.valid + task.test
    assert len(pairs) == 2000
    assert len(task.train) == 1600 and len(task.valid) == 200
    rate = np.mean([y for _, y in pairs])
    assert abs(rate - 0.5) < 3 * np.sqrt(0.25 / 2000)
    originals = {" ".join(s) for s in sents}
    for text, y in pairs:
        assert (text in originals) == (y == 0)
        if y:   # exactly one adjacent pair exchanged: some original differs in two neighbours
            w = text.split()
            assert any(" ".join(w[:i] + [w[i + 1], w[i]] + w[i + 2:]) in originals
                       for i in range(len(w) - 1))


def test_word_swap_skips_sentences_without_two_different_words():
    task = word_swap([["a", "a", "a"], ["b"]] + [["x", "y", "z"]] * 20)
    assert len(task.train + task.valid + task.test) == 20
    with pytest.raises(ValueError, match="at least 10"):
        word_swap([["a", "a"]] * 50)
