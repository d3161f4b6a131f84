"""Brute-force n-gram counting and random small corpora, shared by the n-gram tests."""

from collections import Counter

from hypothesis import strategies as st

corpora = st.lists(st.lists(st.sampled_from("abcde"), min_size=0, max_size=9), min_size=1, max_size=12) \
    .filter(lambda c: any(c))


def padded(sent):
    return ["<s>"] + list(sent) + ["</s>"]


def brute_counts(corpus, k):
    """Every window of k tokens inside one padded sentence (a lone <s> is not an event)."""
    out = Counter()
    for s in map(padded, corpus):
        for i in range(len(s) - k + 1):
            gram = tuple(s[i:i + k])
            if gram != ("<s>",):
                out[gram] += 1
    return out
