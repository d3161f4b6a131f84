r"""word2vec.c's training loop compiled with numba: the fast CPU path of word2vec (and of
fastText, which reuses the per-pair updates).

Skip-gram maximises :math:`\frac1T \sum_t \sum_{-N \le j \le N, j \ne 0} \log p(w_{t+j} | w_t)`;
CBOW predicts :math:`w_t` from the mean :math:`v_{w_I} = \frac{1}{|C|}\sum_{c \in C} v_c` of
its context vectors.  Two output layers replace the softmax's :math:`\log p(w_O | w_I)`:

- **negative sampling** maximises :math:`\log\sigma(v'^{\top}_{w_O} v_{w_I}) + \sum_{i=1}^k
  \mathbb{E}_{w_i \sim P_n(w)}[\log\sigma(-v'^{\top}_{w_i} v_{w_I})]`; each term is one
  logistic update of label 1 (the word) or 0 (a noise word), ``_ns_update``;
- **hierarchical softmax** writes :math:`p(w_O | w_I) = \prod_{j=1}^{L(w_O)-1}
  \sigma([\![n(w_O, j+1) = \mathrm{ch}(n(w_O, j))]\!]\, v'^{\top}_{n(w_O,j)} v_{w_I})` along
  the Huffman path of :math:`w_O` (``[[.]]`` is +1 for branch 0, -1 for branch 1), one
  logistic update per inner node, ``_hs_update``.

Each update is :math:`g = \eta\,(\text{label} - \sigma(v'^{\top} h))`, then
:math:`e \mathrel{+}= g v'` and :math:`v' \mathrel{+}= g h`; the input vector(s) get the
summed :math:`e` once the output word is done (word2vec.c's order; CBOW adds the whole
:math:`e` to each context vector, as word2vec.c and gensim do, not :math:`e/|C|`).

As in the notes the input of a skip-gram pair is the centre word :math:`w_t` and the output
the context word (word2vec.c and gensim swap the two, which is the same objective summed over
the corpus).  Everything is float32; the random numbers come from word2vec.c's 64-bit linear
congruential generator, one state per worker, so one worker is bitwise deterministic.
Workers are Python threads calling these ``nogil`` kernels on their own jobs (spans of
sentences) and updating the shared matrices without locks (Hogwild), as gensim does.

``sgns_pairs``, ``hs_pairs`` and ``cbow_pairs`` apply the same updates to given
(input, output, negatives) arrays, sequentially, pair after pair: the check against the
torch reference (``torch_step``).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["EXP_TABLE_SIZE", "LCG_A", "LCG_C", "MAX_EXP", "cbow_pairs", "draw_window",
           "exp_table", "hs_arrays", "hs_pairs", "output_updates", "sgns_pairs", "subsample",
           "train_job"]

MAX_EXP = 6.0
EXP_TABLE_SIZE = 1000
#: word2vec.c's linear congruential generator, :math:`r \leftarrow a r + c \pmod{2^{64}}`.
LCG_A = np.uint64(25214903917)
LCG_C = np.uint64(11)


def exp_table(size: int = EXP_TABLE_SIZE, max_exp: float = MAX_EXP) -> np.ndarray:
    r"""word2vec.c's sigmoid table: :math:`\sigma(x)` at ``size`` points of
    [-max_exp, max_exp) (float32)."""
    x = (np.arange(size) / size * 2 - 1) * max_exp
    return (1 / (1 + np.exp(-x))).astype(np.float32)


def hs_arrays(counts) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Huffman paths and branches (``lmkit.nn.huffman_codes``) as padded arrays:
    ``points`` (int32, V x L, the inner nodes 0 .. V-2 from the root), ``codes`` (int8, the
    branch 0/1 taken at each) and ``lengths`` (int32, V)."""
    from ..nn.huffman import huffman_codes

    paths, codes = huffman_codes(np.asarray(counts, dtype=np.float64))
    lengths = np.fromiter(map(len, paths), dtype=np.int32, count=len(paths))
    width = max(int(lengths.max()), 1)
    pts = np.zeros((len(paths), width), dtype=np.int32)
    cds = np.zeros((len(paths), width), dtype=np.int8)
    mask = np.arange(width) < lengths[:, None]
    if lengths.sum():
        pts[mask] = np.concatenate(paths)
        cds[mask] = np.concatenate(codes)
    return pts, cds, lengths


@njit(nogil=True, fastmath=True, cache=True)
def _sigmoid(f, table, use_table):
    if use_table:
        return table[int((f + MAX_EXP) * (EXP_TABLE_SIZE / MAX_EXP / 2))]
    return 1.0 / (1.0 + np.exp(-f))


@njit(nogil=True, fastmath=True, cache=True)
def _log_sigmoid(x):
    return -(max(-x, 0.0) + np.log1p(np.exp(-abs(x))))


@njit(nogil=True, fastmath=True, cache=True)
def _ns_update(h, out, t, label, alpha, e, table, use_table):
    """One logistic update of output row ``out[t]`` for input vector ``h``: returns
    :math:`v'^{\\top}_t h` (for the loss); adds the input's gradient to ``e``."""
    dim = h.shape[0]
    f = np.float32(0.0)
    for i in range(dim):
        f += h[i] * out[t, i]
    if use_table and f >= MAX_EXP:
        g = np.float32((label - 1.0) * alpha)
    elif use_table and f <= -MAX_EXP:
        g = np.float32(label * alpha)
    else:
        g = np.float32((label - _sigmoid(f, table, use_table)) * alpha)
    for i in range(dim):
        e[i] += g * out[t, i]
        out[t, i] += g * h[i]
    return f


@njit(nogil=True, fastmath=True, cache=True)
def _hs_update(h, syn1, w, points, codes, lengths, alpha, e, table, use_table):
    """The updates along the Huffman path of ``w``; returns :math:`-\\log p(w | h)`."""
    dim = h.shape[0]
    loss = 0.0
    for d in range(lengths[w]):
        node = points[w, d]
        f = np.float32(0.0)
        for i in range(dim):
            f += h[i] * syn1[node, i]
        sign = 1.0 - 2.0 * codes[w, d]
        loss -= _log_sigmoid(sign * f)
        if use_table and (f <= -MAX_EXP or f >= MAX_EXP):
            continue  # word2vec.c skips saturated nodes
        g = np.float32((1.0 - codes[w, d] - _sigmoid(f, table, use_table)) * alpha)
        for i in range(dim):
            e[i] += g * syn1[node, i]
            syn1[node, i] += g * h[i]
    return loss


@njit(nogil=True, fastmath=True, cache=True)
def output_updates(h, w, syn1neg, syn1, points, codes, lengths, table, mask, negative, hs,
                   alpha, e, sig, use_table, rng, acc):
    r"""All the updates for output word ``w`` given input vector ``h``: the HS path and/or
    :math:`1 + k` logistic updates with fresh noise words (``table[r >> 16]``, masked when the
    table size is a power of two); ``e`` is set to the input's gradient :math:`\sum g v'`.
    ``acc`` (float64: sampled loss, pairs sampled, pairs) counts the pair and, every 16th
    pair, adds its loss.  Returns the random state."""
    track = (int(acc[2]) & 15) == 0
    acc[2] += 1.0
    e[:] = 0.0
    loss = 0.0
    if hs:
        loss += _hs_update(h, syn1, w, points, codes, lengths, alpha, e, sig, use_table)
    if negative > 0:
        n_table = table.shape[0]
        for d in range(negative + 1):
            if d == 0:
                t, label = w, 1.0
            else:
                rng = rng * LCG_A + LCG_C
                t = table[(rng >> np.uint64(16)) & mask] if mask else \
                    table[(rng >> np.uint64(16)) % np.uint64(n_table)]
                if t == w:
                    continue
                label = 0.0
            f = _ns_update(h, syn1neg, t, label, alpha, e, sig, use_table)
            if track:
                loss -= _log_sigmoid(f if d == 0 else -f)
    if track:
        acc[0] += loss
        acc[1] += 1.0
    return rng


@njit(nogil=True, fastmath=True, cache=True)
def subsample(corpus, a, b, keep, sen, rng):
    """Copy into ``sen`` the words of ``corpus[a:b]`` that survive subsampling (word ``w``
    kept when a 32-bit draw is below ``keep[w]``; ``0xFFFFFFFF`` keeps it without a draw).
    Returns (words kept, random state)."""
    full = np.uint32(0xFFFFFFFF)
    n = 0
    for p in range(a, b):
        w = corpus[p]
        k = keep[w]
        if k != full:
            rng = rng * LCG_A + LCG_C
            if (rng >> np.uint64(32)) >= k:
                continue
        sen[n] = w
        n += 1
    return n, rng


@njit(nogil=True, fastmath=True, cache=True)
def draw_window(i, n, window, rng):
    r"""word2vec.c's dynamic window around position ``i`` of a sentence of ``n`` words:
    :math:`b \sim U\{1..N\}`, positions ``lo .. hi-1``.  Returns (lo, hi, random state)."""
    rng = rng * LCG_A + LCG_C
    win = window - int(rng % np.uint64(window))
    return max(0, i - win), min(n, i + win + 1), rng


@njit(nogil=True, fastmath=True, cache=True)
def train_job(corpus, offsets, s0, s1, syn0, syn1neg, syn1, points, codes, lengths, table,
              keep, window, negative, hs, sg, alpha0, min_alpha, done, total, rng_state, sen,
              e, neu1, sig, use_table, loss_out):
    r"""Train on sentences ``s0 .. s1-1`` of the encoded corpus (``corpus[offsets[s]:
    offsets[s+1]]``): subsample each sentence (word :math:`w` kept when a 32-bit draw is
    below ``keep[w]``), then for each centre draw the window :math:`b \sim U\{1..N\}` and
    update, skip-gram (``sg``) or CBOW, with HS and/or negative sampling.  The learning rate
    is :math:`\max(\alpha_0 (1 - t/T), \alpha_{\min})`, :math:`t` = ``done`` + the words of
    this job already read, per sentence.  ``rng_state[0]`` (uint64) is read and written
    back; ``loss_out`` += (sampled loss, pairs sampled): every 16th pair's loss is summed.
    Returns the words read."""
    rng = rng_state[0]
    dim = syn0.shape[1]
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
                h = syn0[sen[i]]
                for j in range(lo, hi):
                    if j == i:
                        continue
                    rng = output_updates(h, sen[j], syn1neg, syn1, points, codes, lengths,
                                         table, mask, negative, hs, alpha, e, sig, use_table,
                                         rng, acc)
                    for d in range(dim):
                        h[d] += e[d]
            else:
                cw = hi - lo - 1
                if cw <= 0:
                    continue
                neu1[:] = 0.0
                for j in range(lo, hi):
                    if j != i:
                        c = sen[j]
                        for d in range(dim):
                            neu1[d] += syn0[c, d]
                inv = np.float32(1.0 / cw)
                for d in range(dim):
                    neu1[d] *= inv
                rng = output_updates(neu1, sen[i], syn1neg, syn1, points, codes, lengths, table,
                                     mask, negative, hs, alpha, e, sig, use_table, rng, acc)
                for j in range(lo, hi):
                    if j != i:
                        c = sen[j]
                        for d in range(dim):
                            syn0[c, d] += e[d]
    rng_state[0] = rng
    loss_out[0] += acc[0]
    loss_out[1] += acc[1]
    return read


@njit(nogil=True, fastmath=True, cache=True)
def _given(h, w, negs, syn1neg, alpha, e, sig, use_table):
    _ns_update(h, syn1neg, w, 1.0, alpha, e, sig, use_table)
    for t in negs:
        if t != w:
            _ns_update(h, syn1neg, t, 0.0, alpha, e, sig, use_table)


@njit(nogil=True, fastmath=True, cache=True)
def _sgns_pairs(syn0, syn1neg, inputs, outputs, negatives, alphas, sig, use_table):
    e = np.zeros(syn0.shape[1], dtype=np.float32)
    for p in range(inputs.shape[0]):
        e[:] = 0.0
        h = syn0[inputs[p]]
        _given(h, outputs[p], negatives[p], syn1neg, alphas[p], e, sig, use_table)
        h += e


@njit(nogil=True, fastmath=True, cache=True)
def _hs_pairs(syn0, syn1, inputs, outputs, points, codes, lengths, alphas, sig, use_table):
    e = np.zeros(syn0.shape[1], dtype=np.float32)
    for p in range(inputs.shape[0]):
        e[:] = 0.0
        h = syn0[inputs[p]]
        _hs_update(h, syn1, outputs[p], points, codes, lengths, alphas[p], e, sig, use_table)
        h += e


@njit(nogil=True, fastmath=True, cache=True)
def _cbow_pairs(syn0, syn1neg, contexts, outputs, negatives, alphas, sig, use_table):
    dim = syn0.shape[1]
    e = np.zeros(dim, dtype=np.float32)
    h = np.zeros(dim, dtype=np.float32)
    for p in range(outputs.shape[0]):
        h[:] = 0.0
        cw = 0
        for c in contexts[p]:
            if c >= 0:
                h += syn0[c]
                cw += 1
        if cw == 0:
            continue
        h *= np.float32(1.0 / cw)
        e[:] = 0.0
        _given(h, outputs[p], negatives[p], syn1neg, alphas[p], e, sig, use_table)
        for c in contexts[p]:
            if c >= 0:
                syn0[c] += e


def _alphas(alpha, n: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(alpha, dtype=np.float32), (n,)).copy()


def sgns_pairs(syn0: np.ndarray, syn1neg: np.ndarray, inputs, outputs, negatives, alpha,
               use_table: bool = False) -> None:
    """Skip-gram negative-sampling updates, in place, on given pairs, sequentially (pair
    ``p``: input ``inputs[p]``, output ``outputs[p]``, noise words ``negatives[p]``, a noise
    word equal to the output skipped, as in word2vec.c).  ``alpha`` a number or one per
    pair; float32 matrices."""
    n = len(inputs)
    _sgns_pairs(syn0, syn1neg, np.asarray(inputs, np.int32), np.asarray(outputs, np.int32),
                np.asarray(negatives, np.int32).reshape(n, -1), _alphas(alpha, n), exp_table(),
                use_table)


def hs_pairs(syn0: np.ndarray, syn1: np.ndarray, inputs, outputs, points, codes, lengths,
             alpha, use_table: bool = False) -> None:
    """Skip-gram hierarchical-softmax updates, in place, on given pairs, sequentially."""
    n = len(inputs)
    _hs_pairs(syn0, syn1, np.asarray(inputs, np.int32), np.asarray(outputs, np.int32), points,
              codes, lengths, _alphas(alpha, n), exp_table(), use_table)


def cbow_pairs(syn0: np.ndarray, syn1neg: np.ndarray, contexts, outputs, negatives, alpha,
               use_table: bool = False) -> None:
    """CBOW negative-sampling updates, in place, sequentially: ``contexts`` (n x c, padded
    with -1) predict ``outputs``; each context vector gets the whole input gradient."""
    n = len(outputs)
    _cbow_pairs(syn0, syn1neg, np.asarray(contexts, np.int32).reshape(n, -1),
                np.asarray(outputs, np.int32), np.asarray(negatives, np.int32).reshape(n, -1),
                _alphas(alpha, n), exp_table(), use_table)
