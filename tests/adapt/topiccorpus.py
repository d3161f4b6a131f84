"""A seeded random corpus with topics, large enough to exercise every code path of the
adaptation models: Zipfian words, bursts of topic words (so that caches and related words
matter), words seen once (OOV after a min-count cut), and held-out words never seen."""

from __future__ import annotations

import numpy as np

WORDS = [f"w{i}" for i in range(400)]
TOPICS = 6


def topic_corpus(n_sentences: int, seed: int) -> list[list[str]]:
    """Sentences of 1-20 words; each paragraph of 5 sentences has a topic, whose 30 words make
    about half of its tokens; the rest are Zipfian over all 400 words."""
    rng = np.random.default_rng(seed)
    zipf = 1 / np.arange(1, len(WORDS) + 1)
    zipf /= zipf.sum()
    out = []
    for i in range(n_sentences):
        if i % 5 == 0:
            topic = rng.integers(TOPICS)
        n = int(rng.integers(1, 21))
        own = rng.random(n) < 0.5
        ids = np.where(own, 30 * topic + rng.integers(0, 30, n), rng.choice(len(WORDS), n, p=zipf))
        out.append([WORDS[j] for j in ids])
    return out


TRAIN = topic_corpus(2000, seed=0)
HELD = topic_corpus(150, seed=1) + [["never-seen", "w0", "unseen-too"]]
TEST = topic_corpus(60, seed=2) + [["zebra", "w1", "w1", "zebra"]]
