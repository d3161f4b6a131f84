r"""Hogwild training jobs, shared by ``Word2Vec`` and ``FastText`` (numba path).

The corpus is cut into jobs of about ``JOB_WORDS`` words (whole sentences), ``epochs`` times
over; worker :math:`k` of :math:`W` trains on jobs :math:`k, k + W, k + 2W, \dots`, each
worker a Python thread calling a ``nogil`` kernel, all updating the same matrices without
locks (Hogwild, as word2vec.c and gensim).  Each worker has its own word2vec.c random state,
so one worker is bitwise deterministic.
"""

from __future__ import annotations

import itertools
import threading
from typing import Callable

import numpy as np

__all__ = ["JOB_WORDS", "epoch_means", "release_memory", "run_jobs"]

JOB_WORDS = 10_000  # words per job, as gensim


def release_memory() -> None:
    """Hand the heap memory freed so far back to the operating system (glibc's
    ``malloc_trim``; nothing elsewhere).  Called once before training: building the
    vocabulary, encoding the corpus and the noise table free several MB of temporaries that
    glibc would otherwise keep resident all through training."""
    import ctypes
    import ctypes.util

    try:
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (macOS, musl, Windows)
        pass


def run_jobs(train: Callable, offsets: np.ndarray, epochs: int, workers: int, seed: int,
             progress: bool, desc: str) -> list[tuple[int, float, float]]:
    """Run the jobs on ``workers`` threads, with a progress bar (``desc``) of words read.

    ``train(epoch, s0, s1, rng_state, loss)`` trains on sentences ``s0 .. s1-1`` (the corpus
    is ``offsets``' spans), reads and writes the worker's random state ``rng_state[0]``
    (uint64, seeded from ``seed`` and the worker's number), adds (sampled loss, pairs
    sampled) to ``loss`` and returns the words read.  An error in a worker is raised again
    here.  Returns ``(job, mean sampled loss, pairs sampled)`` per job, in training order."""
    from tqdm.auto import tqdm

    n_words = int(offsets[-1])
    cuts = np.searchsorted(offsets, np.arange(0, n_words, JOB_WORDS), "right") - 1
    bounds = np.unique(np.append(np.maximum(cuts, 0), len(offsets) - 1))
    jobs = [(ep, int(a), int(b)) for ep in range(epochs) for a, b in zip(bounds[:-1], bounds[1:])]
    results: list[list] = [[] for _ in range(workers)]
    read = [0] * workers
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            rng_state = np.array([seed * 1_000_003 + k + 1], dtype=np.uint64)
            for j in range(k, len(jobs), workers):
                loss = np.zeros(2)
                read[k] += train(*jobs[j], rng_state, loss)
                results[k].append((j, loss[0] / max(loss[1], 1), loss[1]))
        except BaseException as err:  # raised again in the calling thread
            errors.append(err)

    threads = [threading.Thread(target=work, args=(k,), daemon=True) for k in range(workers)]
    with tqdm(total=epochs * n_words, unit="word", unit_scale=True, disable=not progress,
              desc=desc) as bar:
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            threads[0].join(0.2)
            bar.update(sum(read) - bar.n)
        bar.update(sum(read) - bar.n)
    if errors:
        raise errors[0]
    return sorted(itertools.chain.from_iterable(results))


def epoch_means(jobs: list[tuple[int, float, float]], epochs: int) -> list[float]:
    r"""The mean sampled loss of each epoch: the jobs' means weighted by their pairs sampled,
    :math:`\bar L_e = \sum_{j \in e} n_j \bar L_j / \sum_{j \in e} n_j`."""
    per_epoch = len(jobs) // epochs
    return [float(np.average([j[1] for j in part], weights=[max(j[2], 1e-9) for j in part]))
            for part in (jobs[i * per_epoch:(i + 1) * per_epoch] for i in range(epochs))]
