r"""fastText's training loop compiled with numba: word2vec's per-pair updates (``kernels``)
with a word's input vector replaced by the mean of its subword vectors.

The input matrix holds the word vectors (rows :math:`0 .. V-1`) and then the :math:`B`
bucket vectors :math:`z_g` (rows :math:`V .. V+B-1`); word :math:`w`'s input rows are
``rows[offsets[w]:offsets[w+1]]``, itself first, then its n-gram buckets, so its input
vector is

.. math::  u_w = \frac{1}{1 + |\mathcal{G}_w|}\Big(v_w + \sum_{g \in \mathcal{G}_w} z_g\Big),

and skip-gram's score of a context word :math:`c` is :math:`s(w, c) = u_w^{\top} v'_c`, the
paper's :math:`s(w, c) = \sum_{g \in \mathcal{G}_w} z_g^{\top} v_c` up to the mean (fastText
and gensim both average; gensim 4.4's skip-gram kernel divides the sum by
:math:`|\mathcal{G}_w|` instead of :math:`1 + |\mathcal{G}_w|`, its CBOW and its final
vectors by :math:`1 + |\mathcal{G}_w|`, which lmkit uses throughout).  The gradient
:math:`e` of :math:`u_w` is added whole to every row of :math:`w` (as fastText and gensim).
CBOW averages the rows of all the context words together, and adds :math:`e` to each.

Randomness, subsampling, the dynamic window and the learning-rate decay are word2vec.c's,
as in ``kernels.train_job``: one worker is bitwise deterministic.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .kernels import draw_window, output_updates, subsample

__all__ = ["mean_rows", "train_job_subwords"]


@njit(nogil=True, fastmath=True, cache=True)
def _mean_rows(inp, rows, a, b, h):
    """h = the mean of ``inp[rows[a:b]]``."""
    dim = h.shape[0]
    h[:] = 0.0
    for r in range(a, b):
        row = rows[r]
        for d in range(dim):
            h[d] += inp[row, d]
    inv = np.float32(1.0 / (b - a))
    for d in range(dim):
        h[d] *= inv


@njit(nogil=True, fastmath=True, cache=True)
def _add_rows(inp, rows, a, b, e):
    dim = e.shape[0]
    for r in range(a, b):
        row = rows[r]
        for d in range(dim):
            inp[row, d] += e[d]


@njit(nogil=True, fastmath=True, cache=True)
def train_job_subwords(corpus, offsets, s0, s1, inp, sub_off, rows, syn1neg, syn1, points,
                       codes, lengths, table, keep, window, negative, hs, sg, alpha0, min_alpha,
                       done, total, rng_state, sen, e, h, sig, use_table, loss_out):
    r"""Train on sentences ``s0 .. s1-1`` of the encoded corpus, as ``kernels.train_job``
    (subsampling, window :math:`b \sim U\{1..N\}`, rate :math:`\max(\alpha_0(1 - t/T),
    \alpha_{\min})`, every 16th pair's loss summed into ``loss_out``), with the input of a
    word the mean of its rows ``rows[sub_off[w]:sub_off[w+1]]`` of ``inp``.  Skip-gram
    (``sg``) predicts each context word from the centre word's :math:`u_w`; CBOW the centre
    word from the mean of all the context words' rows.  Returns the words read."""
    rng = rng_state[0]
    n_table = table.shape[0]
    mask = np.uint64(n_table - 1) if (n_table & (n_table - 1)) == 0 else np.uint64(0)
    acc = np.zeros(3)
    read = 0
    for s in range(s0, s1):
        a, b = offsets[s], offsets[s + 1]
        n, rng = subsample(corpus, a, b, keep, sen, rng)
        alpha = np.float32(max(alpha0 * (1.0 - (done + read) / total), min_alpha))
        read += b - a
        for i in range(n):
            lo, hi, rng = draw_window(i, n, window, rng)
            if sg:
                ra, rb = sub_off[sen[i]], sub_off[sen[i] + 1]
                for j in range(lo, hi):
                    if j == i:
                        continue
                    _mean_rows(inp, rows, ra, rb, h)  # afresh: the rows moved at the last pair
                    rng = output_updates(h, sen[j], syn1neg, syn1, points, codes, lengths,
                                         table, mask, negative, hs, alpha, e, sig, use_table,
                                         rng, acc)
                    _add_rows(inp, rows, ra, rb, e)
            else:
                if hi - lo <= 1:
                    continue
                h[:] = 0.0
                count = 0
                for j in range(lo, hi):
                    if j != i:
                        for r in range(sub_off[sen[j]], sub_off[sen[j] + 1]):
                            row = rows[r]
                            for d in range(h.shape[0]):
                                h[d] += inp[row, d]
                            count += 1
                inv = np.float32(1.0 / count)
                for d in range(h.shape[0]):
                    h[d] *= inv
                rng = output_updates(h, sen[i], syn1neg, syn1, points, codes, lengths, table,
                                     mask, negative, hs, alpha, e, sig, use_table, rng, acc)
                for j in range(lo, hi):
                    if j != i:
                        _add_rows(inp, rows, sub_off[sen[j]], sub_off[sen[j] + 1], e)
    rng_state[0] = rng
    loss_out[0] += acc[0]
    loss_out[1] += acc[1]
    return read


@njit(nogil=True, fastmath=True, cache=True)
def mean_rows(inp, sub_off, rows, out):
    r"""``out[w]`` = :math:`u_w`, the mean of word ``w``'s rows of ``inp``, for every word."""
    for w in range(out.shape[0]):
        _mean_rows(inp, rows, sub_off[w], sub_off[w + 1], out[w])
