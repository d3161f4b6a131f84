"""The frame every method shares: a new method is one hook, ``alpha_gamma``; the base class
normalises, handles <s>, held-out data and scoring."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from lmkit import NgramLM
from lmkit.ngram import SMOOTHING, Smoothing

corpora = st.lists(st.lists(st.sampled_from("abcdef"), min_size=0, max_size=8), min_size=1, max_size=15) \
    .filter(lambda c: sum(map(len, c)) >= 2)
contexts = st.lists(st.sampled_from(list("abcdefxy") + ["<s>", "<unk>"]), max_size=5)
BOOKS = [s.split() for s in ["BROWN READ HOLY BIBLE", "MARK READ A TEXT BOOK", "HE READ A BOOK BY DAVID"]]


class HalfAndHalf(Smoothing):  # p_k = c(hw) / (2 c(h)) + 1/2 p_{k-1}
    name = "half-and-half"

    def alpha_gamma(self, k, cnt, stats):
        return cnt / (2 * np.maximum(stats["total"], 1)[self.c.history(k)]), np.full(len(stats["total"]), 0.5)


class ConstantBackoff(Smoothing):  # seen: (c(hw) - 1/2) / c(h); the rest backs off
    name, form = "constant-backoff", "backoff"

    def alpha_gamma(self, k, cnt, stats):
        alpha = (cnt - 0.5) / np.maximum(stats["total"], 1)[self.c.history(k)]
        return alpha, 1 - self.per_history(k, np.where(cnt > 0, alpha, 0))


@pytest.fixture
def toys(monkeypatch):
    for cls in (HalfAndHalf, ConstantBackoff):
        monkeypatch.setitem(SMOOTHING, cls.name, cls)


@pytest.mark.usefixtures("toys")
@given(train=corpora, order=st.integers(1, 4), ctxs=st.lists(contexts, min_size=1, max_size=4))
@settings(max_examples=40, deadline=None)
def test_a_method_of_one_hook_is_a_proper_distribution_in_either_form(train, order, ctxs):
    for name in ("half-and-half", "constant-backoff"):
        lm = NgramLM(order, name).fit(train)
        for ctx in ctxs + [[], ["<s>"], list(train[0])]:
            p = lm.distribution(ctx)
            assert p[lm.vocab.bos_id] == 0 and np.all(p >= 0)
            assert abs(p.sum() - 1) < 1e-9, (name, ctx, p.sum())


@pytest.mark.usefixtures("toys")
def test_the_toy_methods_by_hand(tmp_path):
    lm = NgramLM(2, "half-and-half").fit(BOOKS)
    p1_a = 2 / (2 * 18) + 0.5 / 13  # 13 outcomes: 11 words, </s>, <unk>
    assert lm.prob("A") == pytest.approx(p1_a)
    assert lm.prob("A", ["READ"]) == pytest.approx(2 / 6 + 0.5 * p1_a)
    assert lm.prob("A", ["NEVER-SEEN"]) == pytest.approx(p1_a)  # an unseen history: the lower order
    lm.write_arpa(tmp_path / "toy.arpa")  # a recursive method has an ARPA form for free
    back = NgramLM(2, "constant-backoff").fit(BOOKS)
    assert back.prob("A", ["READ"]) == pytest.approx(1.5 / 3)
    unseen = [w for w in back.vocab.itos if w not in ("<s>", "A", "HOLY")]  # not after READ
    beta = (1 - 1.5 / 3 - 0.5 / 3) / sum(back.prob(w) for w in unseen)
    assert back.prob("BOOK", ["READ"]) == pytest.approx(beta * back.prob("BOOK"))


def test_good_turing_is_back_off_to_the_uniform_distribution():
    lm = NgramLM(2, "good-turing").fit(BOOKS)
    for h in ["READ", "A", "<s>", "DAVID"]:
        p = lm.distribution([h])
        seen = lm.next_counts([h]) > 0
        outcomes = np.arange(len(lm.vocab)) != lm.vocab.bos_id
        # the unseen words share what the seen ones leave, equally
        left = 1 - p[seen].sum()
        assert left > 0
        assert np.allclose(p[outcomes & ~seen], left / np.sum(outcomes & ~seen), rtol=1e-14, atol=0)


def test_good_turing_gives_every_unseen_word_a_share_even_where_no_count_was_discounted():
    # after "c" three words were seen once each and Good-Turing keeps r* = r for them: the
    # discounts leave nothing, so (as for Katz) one extra count is added to c(h)
    corpus = [list("ac"), list("ggb"), list("egaf"), list("gbaeaaab"), list("eegdabb"), list("ccaead"),
              list("defbaa"), list("bbffg"), list("dgdb"), list("ga"), list("edffdef")]
    lm = NgramLM(2, "good-turing").fit(corpus)
    p = lm.distribution(["c"])
    seen = lm.next_counts(["c"]) > 0
    assert seen.sum() == 3 and np.allclose(p[seen], 1 / 4)  # each r* / (c(h) + 1) = 1 / 4
    outcomes = np.arange(len(lm.vocab)) != lm.vocab.bos_id
    assert np.all(p[outcomes & ~seen] > 0) and abs(p.sum() - 1) < 1e-12
