r"""The readable reference of word2vec's updates: batched torch steps on given
(centre, context, negatives) arrays, on the CPU or a GPU.

Negative sampling maximises, for each pair (input :math:`w_I` = the centre word, output
:math:`w_O` = a context word),
:math:`\log\sigma(v'^{\top}_{w_O} v_{w_I}) + \sum_{i=1}^k \mathbb{E}_{w_i \sim P_n(w)}
[\log\sigma(-v'^{\top}_{w_i} v_{w_I})]`; the hierarchical softmax
:math:`\sum_j \log\sigma([\![\cdot]\!]_j\, v'^{\top}_{n(w_O,j)} v_{w_I})` along the Huffman path
(:math:`[\![\cdot]\!]_j` = +1 for branch 0, -1 for branch 1).  The gradient of each logistic
term with respect to the score is :math:`\text{label} - \sigma(v'^{\top} v_{w_I})`, so one SGD
step of rate :math:`\eta` is :math:`g = \eta(\text{label} - \sigma)`,
:math:`v' \mathrel{+}= g\, v_{w_I}`, :math:`v_{w_I} \mathrel{+}= \sum g\, v'`.

Two orders of the same updates:

- ``sequential=False`` (training): every pair of the batch is scored with the weights before
  the step and the updates are summed (``index_add_``): a mini-batch of SGD on the sum of
  the pairs' objectives;
- ``sequential=True`` (checking): pair after pair and, within a pair, target after target,
  each output row updated at once and the input row at the end of its pair: word2vec.c's
  order, which ``kernels.sgns_pairs`` / ``hs_pairs`` / ``cbow_pairs`` follow, so the two
  agree to float32 rounding.

A noise word equal to the output word is skipped (masked), as in word2vec.c.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

__all__ = ["cbow_step", "hs_step", "sgns_step", "skipgram_pairs", "train_skipgram"]


def _t(x, device, dtype=torch.long) -> torch.Tensor:
    return torch.as_tensor(np.asarray(x), device=device).to(dtype)


def sgns_step(syn0: torch.Tensor, syn1neg: torch.Tensor, centre, context, negatives, lr: float,
              sequential: bool = False) -> float:
    """One skip-gram negative-sampling step, in place, on B pairs (``negatives``: B x k);
    returns the mean loss :math:`-[\\log\\sigma(s_+) + \\sum \\log\\sigma(-s_-)]` before the
    step."""
    dev = syn0.device
    c, o = _t(centre, dev), _t(context, dev)
    neg = _t(negatives, dev).reshape(len(c), -1)
    if sequential:
        return _sequential(syn0, syn1neg, [syn0[i:i + 1] for i in c.tolist()], c.tolist(),
                           o.tolist(), neg.tolist(), lr, [[i] for i in c.tolist()])
    h = syn0[c]                                            # B x d
    targets = torch.cat([o[:, None], neg], 1)              # B x (1+k)
    label = torch.zeros(targets.shape, device=dev, dtype=syn0.dtype)
    label[:, 0] = 1
    use = torch.ones_like(label)
    use[:, 1:] = (neg != o[:, None]).to(syn0.dtype)
    out = syn1neg[targets]                                 # B x (1+k) x d
    f = torch.einsum("bd,bkd->bk", h, out)
    loss = -(F.logsigmoid(torch.where(label > 0, f, -f)) * use).sum(1).mean()
    g = lr * (label - torch.sigmoid(f)) * use
    syn0.index_add_(0, c, torch.einsum("bk,bkd->bd", g, out))
    syn1neg.index_add_(0, targets.reshape(-1), (g[:, :, None] * h[:, None, :]).reshape(-1, h.shape[1]))
    return float(loss)


def _sequential(syn0, syn1neg, _unused, inputs, outputs, negatives, lr, context_rows) -> float:
    total = 0.0
    for p, w in enumerate(outputs):
        rows = context_rows[p]
        h = syn0[rows].mean(0)
        e = torch.zeros_like(h)
        for d, t in enumerate([w] + list(negatives[p])):
            if d > 0 and t == w:
                continue
            label = 1.0 if d == 0 else 0.0
            f = torch.dot(h, syn1neg[t])
            total -= float(F.logsigmoid(f if d == 0 else -f))
            g = lr * (label - torch.sigmoid(f))
            e += g * syn1neg[t]
            syn1neg[t] += g * h
        for r in rows:
            syn0[r] += e
    return total / max(len(outputs), 1)


def cbow_step(syn0: torch.Tensor, syn1neg: torch.Tensor, contexts, target, negatives, lr: float,
              sequential: bool = True) -> float:
    """CBOW negative sampling, in place: the mean of the context rows (``contexts``: B x c,
    padded with -1) is :math:`v_{w_I}`; each context row gets the whole input gradient, as in
    word2vec.c.  Sequential only (the check of ``kernels.cbow_pairs``)."""
    ctx = np.asarray(contexts).reshape(len(target), -1)
    rows = [[int(c) for c in r if c >= 0] for r in ctx]
    keep = [p for p, r in enumerate(rows) if r]
    neg = np.asarray(negatives).reshape(len(target), -1)
    return _sequential(syn0, syn1neg, None, None, [int(target[p]) for p in keep],
                       [neg[p].tolist() for p in keep], lr, [rows[p] for p in keep])


def hs_step(syn0: torch.Tensor, syn1: torch.Tensor, centre, context, points, codes, lengths,
            lr: float, sequential: bool = False) -> float:
    """One skip-gram hierarchical-softmax step, in place (``points``/``codes``/``lengths`` from
    ``kernels.hs_arrays``); returns the mean :math:`-\\log p(w_O | w_I)` before the step."""
    dev = syn0.device
    c, o = _t(centre, dev), _t(context, dev)
    pts, cds, lens = _t(points, dev), _t(codes, dev, syn0.dtype), _t(lengths, dev)
    if sequential:
        total = 0.0
        for i, w in zip(c.tolist(), o.tolist()):
            h, e = syn0[i].clone(), torch.zeros_like(syn0[i])
            for d in range(int(lens[w])):
                n, code = int(pts[w, d]), float(cds[w, d])
                f = torch.dot(h, syn1[n])
                total -= float(F.logsigmoid((1 - 2 * code) * f))
                g = lr * (1 - code - torch.sigmoid(f))
                e += g * syn1[n]
                syn1[n] += g * h
            syn0[i] += e
        return total / max(len(c), 1)
    nodes, code = pts[o], cds[o]                           # B x L
    use = (torch.arange(pts.shape[1], device=dev)[None] < lens[o][:, None]).to(syn0.dtype)
    h, out = syn0[c], syn1[nodes]
    f = torch.einsum("bd,bld->bl", h, out)
    loss = -(F.logsigmoid((1 - 2 * code) * f) * use).sum(1).mean()
    g = lr * (1 - code - torch.sigmoid(f)) * use
    syn0.index_add_(0, c, torch.einsum("bl,bld->bd", g, out))
    syn1.index_add_(0, nodes.reshape(-1), (g[:, :, None] * h[:, None, :]).reshape(-1, h.shape[1]))
    return float(loss)


def skipgram_pairs(ids: np.ndarray, sent: np.ndarray, keep: np.ndarray, window: int,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The (centre, context) pairs of a span of the encoded corpus, vectorised: each token
    kept with probability ``keep[w]``, then for each kept centre a window
    :math:`b \\sim U\\{1..N\\}` and the kept words within :math:`b` of it in its sentence
    (``sent``: each token's sentence).  Returns centres, contexts and the centre's index in
    ``ids`` (pairs ordered by centre)."""
    kept = np.flatnonzero(rng.random(len(ids)) < keep[ids])
    w, s = ids[kept], sent[kept]
    b = rng.integers(1, window + 1, size=len(w))
    cen, ctx = [], []
    for off in range(1, window + 1):
        i = np.arange(len(w) - off)
        same = s[i] == s[i + off]
        right = same & (off <= b[i])
        left = same & (off <= b[i + off])
        cen += [i[right], i[left] + off]
        ctx += [i[right] + off, i[left]]
    cen, ctx = np.concatenate(cen), np.concatenate(ctx)
    order = np.argsort(cen, kind="stable")
    cen, ctx = cen[order], ctx[order]
    return w[cen], w[ctx], kept[cen]


def train_skipgram(cfg, st: dict, progress: bool = True) -> tuple[list[float], list[float]]:
    """Train skip-gram with the batched torch steps (``cfg``: a ``Word2VecConfig``, ``st``
    the arrays ``Word2Vec.fit`` prepared); the weights are copied back into ``st``'s numpy
    arrays.  Returns the loss of each step and the mean loss of each epoch."""
    from tqdm.auto import tqdm

    dev = torch.device(cfg.device)
    syn0 = torch.from_numpy(st["syn0"]).to(dev)
    syn1neg = torch.from_numpy(st["syn1neg"]).to(dev)
    syn1 = torch.from_numpy(st["syn1"]).to(dev)
    corpus, offsets, table = st["corpus"], st["offsets"], st["table"]
    sent = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    rng = np.random.default_rng(cfg.seed)
    n, chunk = len(corpus), 200_000
    total = float(cfg.epochs * n)
    history, epochs = [], []
    bar = tqdm(total=int(total), unit="word", unit_scale=True, disable=not progress,
               desc="word2vec (torch)")
    for ep in range(cfg.epochs):
        start = len(history)
        for a in range(0, n, chunk):
            b = min(a + chunk, n)
            cen, ctx, pos = skipgram_pairs(corpus[a:b], sent[a:b], st["keep"], cfg.window, rng)
            for p in range(0, len(cen), cfg.batch_size):
                q = slice(p, p + cfg.batch_size)
                t = ep * n + a + pos[p]
                lr = max(cfg.alpha * (1 - t / total), cfg.min_alpha)
                loss = 0.0
                if cfg.negative:
                    neg = table[rng.integers(0, len(table), (len(cen[q]), cfg.negative))]
                    loss += sgns_step(syn0, syn1neg, cen[q], ctx[q], neg, lr)
                if cfg.hs:
                    loss += hs_step(syn0, syn1, cen[q], ctx[q], st["points"], st["codes"],
                                    st["lengths"], lr)
                history.append(loss)
            bar.update(b - a)
        epochs.append(float(np.mean(history[start:])) if len(history) > start else float("nan"))
    bar.close()
    for name, t in (("syn0", syn0), ("syn1neg", syn1neg), ("syn1", syn1)):
        st[name][...] = t.cpu().numpy()
    return history, epochs
