"""NgramCounts, the trie of sorted arrays, against brute-force counting."""

from collections import Counter

import numpy as np
from brutecount import brute_counts, corpora, padded
from hypothesis import given, settings, strategies as st

from lmkit import NgramLM
from lmkit.ngram import MAX_ORDER, NgramCounts
from lmkit.text import Vocab, pad_sentences


def trie_counts(counts: NgramCounts, vocab: Vocab, k: int) -> Counter:
    """Decode the trie back into {gram: count}."""
    itos, V = vocab.itos, len(vocab)
    grams = {1: [(w,) for w in itos]}
    for j in range(2, k + 1):
        keys = counts.keys[j]
        grams[j] = [grams[j - 1][h] + (itos[w],) for h, w in zip(keys // V, keys % V)]
    if k == 1:
        return Counter({g: int(c) for g, c in zip(grams[1], counts.counts[1]) if c})
    return Counter({g: int(c) for g, c in zip(grams[k], counts.counts[k])})


@given(corpora, st.integers(1, 4))
@settings(max_examples=60, deadline=None)
def test_counts_match_brute_force(corpus, order):
    vocab = Vocab(corpus)
    counts = NgramCounts(*pad_sentences(vocab, corpus), order, len(vocab))
    for k in range(1, order + 1):
        assert trie_counts(counts, vocab, k) == brute_counts(corpus, k)
        if k < order:  # c(h) is what followed h; N1+(h .) how many distinct words did
            follow = Counter(g[:-1] for g in brute_counts(corpus, k + 1).elements())
            types = Counter(g[:-1] for g in brute_counts(corpus, k + 1))
            for h, c in follow.items():
                node = counts.node(vocab.encode(h))
                assert counts.context_total[k][node] == c and counts.context_types[k][node] == types[h]


def test_vectorised_counting_is_fast_enough_on_corpus_sized_data():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in rng.zipf(1.3, 300_000) % 5000]
    sents = [words[i:i + 20] for i in range(0, len(words), 20)]
    lm = NgramLM(5).fit(sents)
    tokens, pos = pad_sentences(lm.vocab, sents)
    assert lm.num_tokens == (pos >= 1).sum() == 300_000 + len(sents)


@given(corpora, st.integers(2, 6))
@settings(max_examples=40, deadline=None)
def test_first_word_and_suffix_of_every_ngram_match_brute_force(corpus, order):
    vocab = Vocab(corpus)
    counts = NgramCounts(*pad_sentences(vocab, corpus), order, len(vocab))
    V = len(vocab)
    grams = {1: [(w,) for w in range(V)]}
    for k in range(2, order + 1):
        keys = counts.keys[k]
        grams[k] = [grams[k - 1][h] + (w,) for h, w in zip(keys // V, keys % V)]
    for k in range(order, 1, -1):  # highest order first: nothing below it is cached yet
        assert counts.first(k).tolist() == [g[0] for g in grams[k]]
        assert counts.suffix(k).tolist() == [counts.node(g[1:]) for g in grams[k]]


def test_the_highest_order_is_counted_and_smoothed_quickly_and_properly():
    rng = np.random.default_rng(0)
    base = [f"c{i}" for i in rng.integers(0, 3, 80)]
    sents = [[f"c{i}" for i in rng.integers(0, 3, n)] + base for n in rng.integers(0, 3, 30)]
    lm = NgramLM(MAX_ORDER, "kneser-ney", discount_fallback=True).fit(sents)
    assert abs(lm.distribution(sents[0][:70]).sum() - 1) < 1e-9
    padded_sents = [padded(s) for s in sents]
    k = MAX_ORDER - 1  # the continuation count of a (MAX_ORDER - 1)-gram, by brute force
    for gram, n_before in ((base[:k], 4), (base[-k:], 1)):  # after <s>, c0, c1, c2; after base's own word
        before = {s[i - 1] for s in padded_sents for i in range(1, len(s) - k + 1) if s[i:i + k] == gram}
        assert lm.continuation_count(gram) == len(before) == n_before
