"""Additive, Jelinek-Mercer and Dirichlet smoothing: by hand, and Jelinek-Mercer's EM."""

import math

import numpy as np
import pytest

from lmkit import NgramLM
from lmkit.text import pad_sentences

BOOKS = [s.split() for s in ["BROWN READ HOLY BIBLE", "MARK READ A TEXT BOOK", "HE READ A BOOK BY DAVID"]]
V = 13  # 11 words, </s> and <unk>


def test_add_one_by_hand():
    lm = NgramLM(2, "add-one").fit(BOOKS)
    assert lm.prob("READ", ["DAVID"]) == pytest.approx(1 / (1 + V))      # (0 + 1) / (1 + 13)
    assert lm.prob("A", ["READ"]) == pytest.approx(3 / (3 + V))          # (2 + 1) / (3 + 13)
    assert NgramLM(2, "additive", delta=0.5).fit(BOOKS).prob("A", ["READ"]) == pytest.approx(2.5 / (3 + 6.5))
    assert lm.parameters == {"delta": 1.0}


def test_additive_chooses_delta_on_heldout_data():
    lm = NgramLM(2, "additive").fit(BOOKS, heldout=[["HE", "READ", "A", "BOOK"]])
    grid = np.logspace(-4, 1, 26)
    lls = [NgramLM(2, "additive", delta=d).fit(BOOKS).sentence_logprob(["HE", "READ", "A", "BOOK"]) for d in grid]
    assert lm.parameters["delta"] == pytest.approx(grid[np.argmax(lls)])


def test_dirichlet_with_uniform_mean_is_add_delta():
    a = NgramLM(1, "additive", delta=0.3).fit(BOOKS)
    d = NgramLM(1, "dirichlet", mu=0.3 * V).fit(BOOKS)
    assert np.allclose(a.distribution(), d.distribution())
    assert d.parameters == {"mu": {1: 0.3 * V}}


def test_jelinek_mercer_fits_lambdas_that_grow_with_the_history_count(ptb):
    lm = NgramLM(2, "jelinek-mercer").fit(ptb["train"][:5000], heldout=ptb["valid"][:1000])
    lam = lm.parameters["lambdas"][2]
    assert np.all((lam > 0) & (lam < 1)) and lam[6] > lam[0]


def test_jelinek_mercer_em_gives_the_lambdas_of_the_two_component_em_by_hand(ptb):
    train, held = ptb["train"][:2000], ptb["valid"][:300]
    lm = NgramLM(2, "jelinek-mercer", iterations=30).fit(train, heldout=held)
    tokens, pos = pad_sentences(lm.vocab, held)
    words = [lm.vocab.itos[t] for t in tokens]
    p_ml, p_low, bucket = [], [], []
    for i in np.flatnonzero(pos >= 1):  # every predicted held-out token, after its one-word history
        h, w = words[i - 1], words[i]
        total = lm.history_count([h])
        if total > 0:
            p_ml.append(lm.count([h, w]) / total)
            p_low.append(lm.prob(w))  # the Jelinek-Mercer unigram
            bucket.append(min(int(math.floor(math.log2(total))), 11))
    p_ml, p_low, bucket = map(np.array, (p_ml, p_low, bucket))
    lam = np.full(12, 0.5)
    for _ in range(30):  # EM: the posterior of the higher-order component, per bucket
        mix = lam[bucket] * p_ml + (1 - lam[bucket]) * p_low
        post = np.where(mix > 0, lam[bucket] * p_ml / np.where(mix > 0, mix, 1), 0)
        n_b = np.bincount(bucket, minlength=12)
        lam = np.where(n_b > 0, np.bincount(bucket, weights=post, minlength=12) / np.maximum(n_b, 1), lam)
    assert np.allclose(lm.parameters["lambdas"][2], np.clip(lam, 1e-6, 1 - 1e-6), rtol=0, atol=1e-12)
