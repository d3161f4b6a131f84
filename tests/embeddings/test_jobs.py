"""The Hogwild job runner shared by Word2Vec and FastText, and what the two classes share."""

import numpy as np
import pytest

from lmkit.embeddings.fasttext import FastText, FastTextConfig
from lmkit.embeddings.jobs import JOB_WORDS, epoch_means, run_jobs
from lmkit.embeddings.word2vec import Word2Vec, Word2VecConfig, check_sentences


def offsets_of(lengths):
    return np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)


@pytest.mark.parametrize("workers", [1, 3])
def test_every_job_is_run_once_per_epoch_in_whole_sentences(workers):
    offsets = offsets_of([3000] * 9)  # 27,000 words: 3 jobs per epoch, cut at whole sentences
    seen, states = [], set()

    def train(ep, s0, s1, rng_state, loss):
        seen.append((ep, s0, s1))
        states.add(int(rng_state[0]))
        loss += (2.0 * s0, 2.0)
        return int(offsets[s1] - offsets[s0])

    jobs = run_jobs(train, offsets, 2, workers, 7, False, "test")
    assert sorted(seen) == [(e, a, b) for e in range(2) for a, b in [(0, 3), (3, 6), (6, 9)]]
    assert [j[0] for j in jobs] == list(range(6)) and len(states) == workers
    assert [j[1] for j in jobs] == [0.0, 3.0, 6.0] * 2 and epoch_means(jobs, 2) == [3.0, 3.0]
    assert JOB_WORDS == 10_000


def test_an_error_in_a_worker_is_raised_in_the_caller():
    def train(*args):
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        run_jobs(train, offsets_of([5, 5]), 1, 2, 0, False, "test")


def test_fasttext_is_a_word2vec_with_its_own_config():
    assert issubclass(FastText, Word2Vec) and FastText.config_class is FastTextConfig
    assert repr(FastText(bucket=10)).startswith("FastText(vector_size=100,")
    assert repr(Word2Vec()).startswith("Word2Vec(vector_size=100,")
    with pytest.raises(TypeError, match="FastTextConfig or keyword"):
        FastText(FastTextConfig(), bucket=10)
    with pytest.raises(TypeError, match="config must be a FastTextConfig"):
        FastText(Word2VecConfig())
    m = FastText(bucket=10)
    assert m.wv is None and m.hs_arrays is None and m.loss_history == []


def test_check_sentences():
    assert check_sentences(iter([["a"], ("b", "c")])) == [["a"], ("b", "c")]
    with pytest.raises(TypeError, match="one string"):
        check_sentences("a b")
