r"""The sampling of word2vec (Mikolov et al. 2013a/b) and fastText, numpy only.

- the **noise distribution** of negative sampling,
  :math:`P_n(w) = U(w)^{\alpha} / Z` with :math:`U` the unigram distribution and
  :math:`Z = \sum_{w'} U(w')^{\alpha}` (:math:`\alpha = 3/4` in the paper; 0 gives the
  uniform distribution, 1 the unigram), and the **noise table** that draws from it in O(1):
  an int32 array of word ids in which word :math:`w` fills a share :math:`P_n(w)` of the
  cells (word2vec.c's unigram table);
- **subsampling** of frequent words, in the paper's form
  :math:`P_{\text{discard}}(w) = 1 - \sqrt{m / U(w)}` and in word2vec.c's (and gensim's),
  whose keep probability is :math:`(\sqrt{f / (mT)} + 1)\, mT / f` for a word seen
  :math:`f` times among :math:`T` tokens, both clipped to [0, 1];
- the **dynamic window**: for each centre word a window :math:`b \sim U\{1, \dots, N\}` is
  drawn, which amounts to weighting a context word at distance :math:`j` by
  :math:`(N - j + 1) / N`;
- the **learning rate**, decayed linearly in the words processed:
  :math:`\alpha_t = \alpha_0 \max(1 - t / T, 10^{-4})`.

The compiled kernels (``kernels``) take the arrays made here: the noise table, and the keep
probabilities as 32-bit integer thresholds (``keep_thresholds``).
"""

from __future__ import annotations

import numpy as np

from ..checks import check_int, check_real

__all__ = ["DEFAULT_TABLE_SIZE", "SUBSAMPLING", "check_counts", "keep_probability",
           "keep_thresholds", "learning_rate", "noise_distribution", "noise_table", "sample_windows",
           "window_weights"]

#: 2**20, "1e6 rounded" to a power of two, so that a draw is a mask, not a division.
DEFAULT_TABLE_SIZE = 1 << 20
SUBSAMPLING = ("word2vec", "paper")


def check_counts(counts) -> np.ndarray:
    """``counts`` as a float64 array of one count per word: 1-d, non-empty, finite, >= 0 and
    not all 0 (a TypeError or ValueError naming the problem otherwise)."""
    try:
        c = np.asarray(counts, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"counts must be numbers, one count per word, got "
                        f"{type(counts).__name__}") from None
    if c.ndim != 1 or c.size == 0:
        raise ValueError(f"counts must be a non-empty 1-d array (one count per word), got shape "
                         f"{c.shape}")
    if not np.all(np.isfinite(c)) or np.any(c < 0) or c.sum() <= 0:
        raise ValueError("counts must be finite, >= 0, and not all 0 (one count per word)")
    return c


def noise_distribution(counts, alpha: float = 0.75) -> np.ndarray:
    r"""The noise distribution :math:`P_n(w) = U(w)^{\alpha} / \sum_{w'} U(w')^{\alpha}`
    (float64, sums to 1).  Words of count 0 get probability 0 (also for :math:`\alpha = 0`)."""
    c = check_counts(counts)
    alpha = check_real("ns_exponent", alpha, 0, None)
    u = c / c.sum()
    p = np.where(u > 0, u, 0.0) ** alpha if alpha else (u > 0).astype(np.float64)
    return p / p.sum()


def noise_table(counts, alpha: float = 0.75, size: int = DEFAULT_TABLE_SIZE) -> np.ndarray:
    r"""word2vec.c's unigram table: ``size`` int32 word ids, sorted, in which word :math:`w`
    fills :math:`\approx P_n(w) \cdot` ``size`` cells, so a uniform cell draws from
    :math:`P_n`.  Cell :math:`i` holds the word whose cumulative probability interval contains
    :math:`(i + 1/2) / \text{size}`: a word of probability below 1/size may get no cell (as in
    word2vec.c); every word of probability at least 1/size gets one.

    A power-of-two ``size`` lets the kernels draw with a mask; a smaller table fits in the
    cache (4 bytes a cell: 2**18 cells are 1 MiB) at the price of a coarser :math:`P_n`.
    """
    size = check_int("table size", size, 1)
    p = noise_distribution(counts, alpha)
    cum = np.cumsum(p)
    cum[-1] = 1.0
    points = (np.arange(size, dtype=np.float64) + 0.5) / size
    table = np.searchsorted(cum, points, side="right")
    return np.minimum(table, len(p) - 1).astype(np.int32)


def keep_probability(counts, sample: float = 1e-3, variant: str = "word2vec") -> np.ndarray:
    r"""The probability that each occurrence of a word is kept by subsampling (float64).

    ``variant="paper"`` (Mikolov et al. 2013b): :math:`1 - P_{\text{discard}}(w) =
    \sqrt{m / U(w)}`, with :math:`U(w) = f(w)/T` and threshold :math:`m` = ``sample``;
    ``variant="word2vec"`` (word2vec.c, gensim): :math:`(\sqrt{f/(mT)} + 1)\, mT/f`.
    Both are clipped to [0, 1]; ``sample=0`` keeps every word.
    """
    c = check_counts(counts)
    sample = check_real("sample", sample, 0, None)
    if variant not in SUBSAMPLING:
        raise ValueError(f"subsampling variant must be one of {SUBSAMPLING}, got {variant!r}")
    if sample == 0:
        return np.ones_like(c)
    mt = sample * c.sum()
    with np.errstate(divide="ignore"):
        ratio = mt / c  # m / U(w) = m T / f
        keep = np.sqrt(ratio) if variant == "paper" else (np.sqrt(1 / ratio) + 1) * ratio
    return np.clip(np.nan_to_num(keep, nan=1.0, posinf=1.0), 0.0, 1.0)


def keep_thresholds(keep: np.ndarray) -> np.ndarray:
    """Keep probabilities as uint32 thresholds for the kernels: a word is kept when a uniform
    32-bit draw ``r`` satisfies ``r < threshold`` (``threshold = keep * 2**32``, capped at
    2**32 - 1; a word of keep probability 1 is kept without a draw)."""
    keep = np.clip(np.asarray(keep, dtype=np.float64), 0.0, 1.0)
    return np.minimum(np.round(keep * 2.0 ** 32), 2.0 ** 32 - 1).astype(np.uint32)


def window_weights(window: int) -> np.ndarray:
    r"""The weight of a context word at distance :math:`j = 1, \dots, N` under the dynamic
    window :math:`b \sim U\{1, \dots, N\}`: :math:`P(b \ge j) = (N - j + 1)/N`."""
    n = check_int("window", window, 1)
    return (n - np.arange(1, n + 1) + 1) / n


def sample_windows(rng: np.random.Generator, n: int, window: int) -> np.ndarray:
    r"""``n`` effective windows :math:`b \sim U\{1, \dots, N\}`, one per centre word."""
    window = check_int("window", window, 1)
    return rng.integers(1, window + 1, size=check_int("n", n, 0))


def learning_rate(alpha0: float, t, total, floor: float = 1e-4):
    r"""The linearly decayed learning rate :math:`\alpha_t = \alpha_0 \max(1 - t/T, 10^{-4})`
    after ``t`` of ``total`` words (``floor`` the last factor; ``t`` may be an array)."""
    alpha0 = check_real("alpha", alpha0, 0, None, low_open=True)
    total = max(float(total), 1.0)
    return alpha0 * np.maximum(1.0 - np.asarray(t, dtype=np.float64) / total, floor)
