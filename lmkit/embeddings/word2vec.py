r"""word2vec (Mikolov et al. 2013a/b): skip-gram and CBOW, with negative sampling and/or the
hierarchical softmax.

Skip-gram maximises the average log probability of the context words,
:math:`\frac1T \sum_{t=1}^{T} \sum_{-N \le j \le N,\, j \ne 0} \log p(w_{t+j} | w_t)`; CBOW
predicts :math:`w_t` from the mean of its context vectors.  Negative sampling replaces
:math:`\log p(w_O | w_I)` by :math:`\log\sigma(v'^{\top}_{w_O} v_{w_I}) + \sum_{i=1}^k
\mathbb{E}_{w_i \sim P_n(w)} [\log\sigma(-v'^{\top}_{w_i} v_{w_I})]`; the hierarchical softmax
by the product of :math:`\sigma([\![\cdot]\!] v'^{\top}_{n(w,j)} v_{w_I})` along the Huffman
path of :math:`w_O` (see ``kernels`` and ``torch_step`` for the updates).

``Word2Vec(...).fit(sentences)`` trains with word2vec.c's loop compiled by numba
(``backend="numba"``, Hogwild threads, ``jobs``) or with the batched torch step
(``backend="torch"``, the readable reference, skip-gram only, CPU or GPU).  ``.wv`` is a
``KeyedVectors``.  ``FastText`` subclasses ``Word2Vec``: it shares the configuration
handling, the vocabulary, the output layers (``output_layers``) and the job runner.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass

import numpy as np

from ..checks import check_int, check_real
from ..text.encode import check_sentences  # re-exported: FastText reads it from here
from . import sampling
from .jobs import JOB_WORDS, epoch_means, release_memory, run_jobs

__all__ = ["JOB_WORDS", "Word2Vec", "Word2VecConfig", "build_vocab", "check_sentences",
           "encode_corpus", "hs_probabilities", "output_layers"]


@dataclass
class Word2VecConfig:
    r"""The hyperparameters: word2vec.c's defaults, except ``sg=1`` (word2vec.c and gensim
    default to CBOW; the book starts from skip-gram); ``alpha=None`` is 0.025 for skip-gram,
    0.05 for CBOW; ``min_alpha=None`` is ``1e-4 * alpha``.

    ``table_size``: cells of the noise table (2**18 = 1 MiB, cache-sized: it still gives every
    word of a 15k-word vocabulary a cell, total variation 1% from :math:`P_n`);
    ``sigmoid_table``: word2vec.c's table of :math:`\sigma` instead of a direct exp (no faster
    here); ``batch_size``, ``device``: the torch backend's pairs per step and device."""
    vector_size: int = 100
    window: int = 5
    sg: int = 1
    hs: int = 0
    negative: int = 5
    ns_exponent: float = 0.75
    sample: float = 1e-3
    min_count: int = 5
    alpha: float | None = None
    min_alpha: float | None = None
    epochs: int = 5
    workers: int = 1
    seed: int = 0
    max_vocab_size: int | None = None
    subsampling: str = "word2vec"
    backend: str = "numba"
    table_size: int = 1 << 18  # 1 MiB of int32: fits the L2 cache (measured ~1.3x faster than 2**20)
    sigmoid_table: bool = False
    batch_size: int = 1024
    device: str = "cpu"

    def __post_init__(self) -> None:
        check_int("vector_size", self.vector_size, 1)
        check_int("window", self.window, 1)
        check_int("negative", self.negative, 0)
        if self.sg not in (0, 1) or self.hs not in (0, 1):
            raise ValueError(f"sg and hs must be 0 or 1, got sg={self.sg!r}, hs={self.hs!r}")
        if self.hs == 0 and self.negative == 0:
            raise ValueError("no output layer: hs=0 and negative=0; set hs=1 (hierarchical "
                             "softmax) or negative >= 1 (negative sampling)")
        check_real("ns_exponent", self.ns_exponent)
        check_real("sample", self.sample, 0, None)
        check_int("min_count", self.min_count, 1)
        if self.alpha is None:
            self.alpha = 0.025 if self.sg else 0.05
        check_real("alpha", self.alpha, 0, None, low_open=True)
        if self.min_alpha is None:
            self.min_alpha = 1e-4 * self.alpha
        check_real("min_alpha", self.min_alpha, 0, self.alpha)
        check_int("epochs", self.epochs, 1)
        check_int("workers", self.workers, 1)
        check_int("seed", self.seed, 0)
        if self.max_vocab_size is not None:
            check_int("max_vocab_size", self.max_vocab_size, 1)
        if self.subsampling not in sampling.SUBSAMPLING:
            raise ValueError(f"subsampling must be one of {sampling.SUBSAMPLING}, got "
                             f"{self.subsampling!r}")
        if self.backend not in ("numba", "torch"):
            raise ValueError(f"backend must be 'numba' or 'torch', got {self.backend!r}")
        if self.backend == "torch" and not self.sg:
            raise ValueError("backend='torch' trains skip-gram only (sg=1); use backend='numba' "
                             "for CBOW")
        check_int("table_size", self.table_size, 1)
        check_int("batch_size", self.batch_size, 1)


def build_vocab(sentences: list, min_count: int = 5, max_vocab_size: int | None = None
                ) -> tuple[list[str], np.ndarray]:
    """The words seen at least ``min_count`` times, by decreasing count (ties
    alphabetically), at most ``max_vocab_size`` of them, and their counts (int64).

    Not ``lmkit.text.Vocab``: word2vec has no unknown token (words outside the vocabulary
    are dropped, not mapped to ``<unk>``), and a C-speed ``Counter`` over the chained tokens
    is several times faster than ``Vocab``'s checked per-token loop."""
    try:
        counts = Counter(itertools.chain.from_iterable(sentences))
    except TypeError:
        bad = next(t for s in sentences for t in s if not isinstance(t, str))
        raise TypeError(f"tokens must be str, got {type(bad).__name__} {bad!r:.60}; pass "
                        f"sentences as lists of str tokens") from None
    for t in counts:
        if not isinstance(t, str):
            raise TypeError(f"tokens must be str, got {type(t).__name__} {t!r:.60}; pass "
                            f"sentences as lists of str tokens")
    if not counts:
        raise ValueError("the corpus is empty: no sentence holds a token; pass a list of "
                         "non-empty token lists")
    kept = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))
    if max_vocab_size is not None:
        kept = kept[:max_vocab_size]
    if not kept:
        raise ValueError(f"min_count={min_count} leaves no word: the most frequent word is seen "
                         f"{max(counts.values())} times; lower min_count")
    return kept, np.array([counts[w] for w in kept], dtype=np.int64)


def encode_corpus(sentences: list, stoi: dict, block: int = 20_000, dtype=np.int32
                  ) -> tuple[np.ndarray, np.ndarray]:
    """The corpus as one array of word ids (``dtype``, int32 by default; ``fit`` uses uint16,
    half the memory, when the ids fit; words outside ``stoi`` dropped) and the sentence
    offsets (int64, ``len(sentences) + 1``): one pass of dict lookups (``np.fromiter`` over
    ``map(stoi.get, ...)``, the fastest we found), the rest vectorised, ``block`` sentences at
    a time so that no corpus-sized temporary is made."""
    lengths = np.fromiter(map(len, sentences), dtype=np.int64, count=len(sentences))
    out = np.empty(int(lengths.sum()), dtype=dtype)
    kept = np.zeros(len(sentences), dtype=np.int64)
    pos = 0
    for a in range(0, len(sentences), block):
        lens = lengths[a:a + block]
        ids = np.fromiter(map(stoi.get, itertools.chain.from_iterable(sentences[a:a + block]),
                              itertools.repeat(-1)), dtype=np.int32, count=int(lens.sum()))
        known = ids >= 0
        ck = np.concatenate(([0], np.cumsum(known)))
        ends = np.cumsum(lens)
        kept[a:a + block] = ck[ends] - ck[ends - lens]
        ids = ids[known]
        out[pos:pos + len(ids)] = ids
        pos += len(ids)
    offsets = np.zeros(len(sentences) + 1, dtype=np.int64)
    np.cumsum(kept, out=offsets[1:])
    return (out[:pos] if pos > 0.9 * len(out) else out[:pos].copy()), offsets


def hs_probabilities(syn1: np.ndarray, h: np.ndarray, points: np.ndarray, codes: np.ndarray,
                     lengths: np.ndarray) -> np.ndarray:
    r"""The hierarchical softmax's :math:`p(w | h)` for every word (float64, V, or n x V for
    n context vectors ``h``): :math:`\prod_j \sigma((1 - 2 c_j)\, v'^{\top}_{n(w,j)} h)`
    along each word's Huffman path (``kernels.hs_arrays``); an exact distribution, it sums
    to 1 over the vocabulary for any ``h``."""
    h = np.asarray(h, dtype=np.float64)
    f = np.atleast_2d(h) @ np.asarray(syn1, dtype=np.float64).T           # n x (V-1)
    sign = 1.0 - 2.0 * codes                                              # V x L
    use = np.arange(points.shape[1]) < lengths[:, None]
    z = sign[None] * f[:, points]                                         # n x V x L
    logp = np.where(use[None], -np.logaddexp(0.0, -z), 0.0).sum(-1)
    p = np.exp(logp)
    return p[0] if h.ndim == 1 else p


def output_layers(cfg: Word2VecConfig, counts: np.ndarray) -> dict:
    """The output side, as the kernels take it: ``syn1neg`` (V x d zeros with negative
    sampling), ``syn1`` (V-1 x d zeros with the HS), the Huffman ``points``, ``codes``,
    ``lengths`` (``kernels.hs_arrays``), the noise ``table`` and the keep probabilities
    ``keep`` (``sampling``); 1-row placeholders for what the config does not use."""
    V, dim = len(counts), cfg.vector_size
    if cfg.hs:
        from .kernels import hs_arrays
        points, codes, lengths = hs_arrays(counts)
    else:
        points, codes, lengths = (np.zeros((1, 1), np.int32), np.zeros((1, 1), np.int8),
                                  np.zeros(1, np.int32))
    return dict(
        syn1neg=np.zeros((V if cfg.negative else 1, dim), np.float32),
        syn1=np.zeros((max(V - 1, 1) if cfg.hs else 1, dim), np.float32),
        points=points, codes=codes, lengths=lengths,
        table=(sampling.noise_table(counts, cfg.ns_exponent, cfg.table_size) if cfg.negative
               else np.zeros(1, np.int32)),
        keep=sampling.keep_probability(counts, cfg.sample, cfg.subsampling))


class Word2Vec:
    """word2vec, configured as gensim's ``Word2Vec`` (see ``Word2VecConfig``); ``fit``
    builds the vocabulary and trains.

    After ``fit``: ``wv`` (``KeyedVectors``, words by decreasing count), ``syn1neg`` (the
    negative-sampling output vectors :math:`v'`), ``syn1`` (the HS inner-node vectors),
    ``words_per_second``, ``train_seconds``, ``loss_history`` (the mean sampled loss of each
    job of ~10,000 words, in training order) and ``epoch_losses``.

    A subclass sets ``config_class`` (the dataclass that ``__init__`` builds from keyword
    arguments) and ``desc`` (the progress bar's label), and overrides ``fit``.
    """

    config_class = Word2VecConfig
    desc = "word2vec"  # the progress bar's label

    def __init__(self, config: Word2VecConfig | None = None, **kwargs) -> None:
        name = self.config_class.__name__
        if config is not None and kwargs:
            raise TypeError(f"pass either a {name} or keyword arguments, not both")
        if config is not None and not isinstance(config, self.config_class):
            raise TypeError(f"config must be a {name}, got {type(config).__name__}; pass "
                            f"{name}(...) or keyword arguments")
        self.config = config if config is not None else self.config_class(**kwargs)
        self.wv = None
        self.syn1neg = self.syn1 = self.hs_arrays = None
        self.loss_history: list[float] = []
        self.epoch_losses: list[float] = []
        self.words_per_second = self.train_seconds = float("nan")

    def __repr__(self) -> str:
        return (f"{type(self).__name__}("
                f"{', '.join(f'{k}={v!r}' for k, v in asdict(self.config).items())})")

    def _encode(self, sentences) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
        """The vocabulary (words, counts) and the encoded corpus (ids, sentence offsets)."""
        cfg = self.config
        sentences = check_sentences(sentences)
        words, counts = build_vocab(sentences, cfg.min_count, cfg.max_vocab_size)
        small = cfg.backend == "numba" and len(words) <= np.iinfo(np.uint16).max
        corpus, offsets = encode_corpus(sentences, {w: i for i, w in enumerate(words)},
                                        block=4096, dtype=np.uint16 if small else np.int32)
        return words, counts, corpus, offsets

    def _run(self, train, offsets: np.ndarray, progress: bool) -> None:
        """Train by ``jobs.run_jobs`` and record the losses and the speed."""
        cfg = self.config
        release_memory()
        t0 = time.perf_counter()
        jobs = run_jobs(train, offsets, cfg.epochs, cfg.workers, cfg.seed, progress, self.desc)
        self._timed(t0, int(offsets[-1]))
        self.loss_history = [j[1] for j in jobs]
        self.epoch_losses = epoch_means(jobs, cfg.epochs)

    def _timed(self, t0: float, n_words: int) -> None:
        self.train_seconds = time.perf_counter() - t0
        self.words_per_second = self.config.epochs * n_words / max(self.train_seconds, 1e-9)

    def fit(self, sentences, progress: bool = True) -> "Word2Vec":
        """Build the vocabulary of ``sentences`` (lists of str tokens) and train; returns self."""
        from .keyed import KeyedVectors

        cfg = self.config
        words, counts, corpus, offsets = self._encode(sentences)
        V, dim = len(words), cfg.vector_size
        rng = np.random.default_rng(cfg.seed)
        syn0 = rng.random((V, dim), dtype=np.float32)
        syn0 -= 0.5
        syn0 /= dim
        state = dict(corpus=corpus, offsets=offsets, syn0=syn0, **output_layers(cfg, counts))
        if cfg.backend == "numba":
            self._train_numba(state, progress)
        else:
            from .torch_step import train_skipgram
            t0 = time.perf_counter()
            self.loss_history, self.epoch_losses = train_skipgram(cfg, state, progress)
            self._timed(t0, len(corpus))
        self.wv = KeyedVectors(words, syn0, counts, copy=False)  # syn0 is done with
        self.syn1neg = state["syn1neg"] if cfg.negative else None
        self.syn1 = state["syn1"] if cfg.hs else None
        self.hs_arrays = (state["points"], state["codes"], state["lengths"]) if cfg.hs else None
        return self

    def _train_numba(self, st: dict, progress: bool) -> None:
        from .kernels import exp_table, train_job

        cfg = self.config
        corpus, offsets = st["corpus"], st["offsets"]
        keep = sampling.keep_thresholds(st["keep"])
        max_len = max(int(np.diff(offsets).max(initial=0)), 1)
        sig, total = exp_table(), float(cfg.epochs * len(corpus))
        buffers = threading.local()

        def train(ep: int, s0: int, s1: int, rng_state, loss) -> int:
            if not hasattr(buffers, "sen"):  # one set of buffers per worker thread
                buffers.sen = np.empty(max_len, np.int32)
                buffers.e = np.empty(cfg.vector_size, np.float32)
                buffers.neu1 = np.empty(cfg.vector_size, np.float32)
            return train_job(corpus, offsets, s0, s1, st["syn0"], st["syn1neg"], st["syn1"],
                             st["points"], st["codes"], st["lengths"], st["table"], keep,
                             cfg.window, cfg.negative, cfg.hs, cfg.sg, cfg.alpha, cfg.min_alpha,
                             float(ep * len(corpus) + offsets[s0]), total, rng_state,
                             buffers.sen, buffers.e, buffers.neu1, sig, cfg.sigmoid_table, loss)

        self._run(train, offsets, progress)
