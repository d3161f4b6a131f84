r"""The cache model (Kuhn and De Mori): a base model interpolated with the relative frequency
of the last K tokens, plain, decaying, or semantic (raising the words related to those in the
cache, ``RelatedWords``)."""

from __future__ import annotations

from numbers import Real
from typing import Sequence

import numpy as np

from ..checks import check_ids, check_int, check_real
from ..interpolate import em_weights, mix_logprobs
from ..lm import LanguageModel, require_model
from ..text import check_sentences, stream
from .limits import MAX_IDS

__all__ = ["CacheLM", "RelatedWords"]


class RelatedWords:
    r"""For every word, its ``top`` most related words by positive pointwise mutual information
    of co-occurrence within ``window`` tokens, :math:`\mathrm{PPMI}(a, b) =
    \max(0, \log \frac{p(a, b)}{p(a) p(b)})`, stored sparsely: ``value(a, b)``, ``neighbours(a)``.

    ``ids`` is an id stream over a vocabulary of ``size`` ids (``lmkit.text.stream``);
    ``row_sum[a]`` is the total PPMI of a's kept neighbours.
    """

    def __init__(self, ids: np.ndarray, size: int, window: int = 5, top: int = 20,
                 min_count: int = 5) -> None:
        size = check_int("size", size, low=1, high=MAX_IDS)
        window = check_int("window", window, low=1)
        top = check_int("top", top, low=1)
        min_count = check_int("min_count", min_count, low=1)
        ids = check_ids(ids, size, "ids")
        if len(ids) < 2:
            raise ValueError(f"need an id stream of at least 2 tokens to count co-occurrences, got "
                             f"{len(ids)}; build it with lmkit.text.stream(vocab, sentences)")
        n = len(ids)
        reach = min(window, n - 1)  # offsets past the stream's length see nothing
        keys = np.concatenate([ids[:-d] * size + ids[d:] for d in range(1, reach + 1)]
                              + [ids[d:] * size + ids[:-d] for d in range(1, reach + 1)])
        pair, count = np.unique(keys, return_counts=True)
        uni = np.bincount(ids, minlength=size).astype(float)
        a, b = pair // size, pair % size
        keep = (count >= 2) & (uni[a] >= min_count) & (uni[b] >= min_count)
        a, b, count = a[keep], b[keep], count[keep]
        pmi = np.log(count * n / (2 * window) / (uni[a] * uni[b]))
        pos = pmi > 0
        a, b, pmi = a[pos], b[pos], pmi[pos]
        order = np.lexsort((-pmi, a))  # by a, then by decreasing PMI
        a, b, pmi = a[order], b[order], pmi[order]
        first = np.searchsorted(a, a)
        rank = np.arange(len(a)) - first
        keep = rank < top
        key = a[keep] * size + b[keep]
        srt = np.argsort(key)
        self._keys, self._values, self.size = key[srt], pmi[keep][srt], int(size)
        self.row_sum = np.bincount(a[keep], weights=pmi[keep], minlength=size)

    def value(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """PPMI(a, b) elementwise, for ids or id arrays that broadcast together (0 where b is
        not among a's kept neighbours)."""
        a, b = np.asarray(a), np.asarray(b)
        check_ids(a.reshape(-1), self.size, "a")
        check_ids(b.reshape(-1), self.size, "b")
        try:
            np.broadcast_shapes(a.shape, b.shape)
        except ValueError:
            raise ValueError(f"a and b must be ids or id arrays of matching shapes, got shapes "
                             f"{a.shape} and {b.shape}") from None
        return self._value(a.astype(np.int64), b.astype(np.int64))

    def _value(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        key = a * self.size + b
        if len(self._keys) == 0:
            return np.zeros(np.shape(key))
        idx = np.minimum(np.searchsorted(self._keys, key), len(self._keys) - 1)
        return np.where(self._keys[idx] == key, self._values[idx], 0.0)

    def neighbours(self, a: int) -> tuple[np.ndarray, np.ndarray]:
        """The ids of a's kept neighbours (ascending) and their PPMI."""
        a = check_int("a", a, low=0, high=self.size - 1)
        lo, hi = np.searchsorted(self._keys, [a * self.size, (a + 1) * self.size])
        return self._keys[lo:hi] % self.size, self._values[lo:hi]


def _check_base(base, n: int) -> np.ndarray:
    p = np.asarray(base)
    if p.dtype == bool or p.dtype.kind not in "iuf" or p.shape != (n,):
        raise ValueError(f"base must hold p_base of each of the {n} predicted tokens, "
                         f"np.exp(base_model.token_logprobs(sentences)); got {p.dtype} of shape "
                         f"{p.shape}")
    p = p.astype(float)
    if not np.all((p >= 0) & (p <= 1)):  # NaN fails too
        raise ValueError("base must hold probabilities in [0, 1]: pass "
                         "np.exp(base_model.token_logprobs(sentences)), not log-probabilities")
    return p


class CacheLM(LanguageModel):
    r"""A base model interpolated with a cache of the last K tokens,

    .. math::  p(w_i \mid h) = (1 - \lambda - \lambda_s)\, p_{base}(w_i \mid h)
               + \lambda\, p_{cache}(w_i) + \lambda_s\, p_{sem}(w_i),

    .. math::  p_{cache}(w) = \frac{\sum_{d=1}^{K} e^{-\rho d}\, [w_{i-d} = w]}{\sum_{d=1}^{K} e^{-\rho d}},

    a relative frequency (ρ = 0) or a decaying one (ρ > 0) over the tokens before position i
    (fewer at the start of the text).  With ``related`` (a ``RelatedWords``), the semantic cache
    :math:`p_{sem}(w) \propto \sum_{d} e^{-\rho d}\, \mathrm{PPMI}(w_{i-d}, w)` also raises the words
    related to those in the cache.  ``fit`` chooses λ (and λ_s) by EM on held-out text and ρ
    by a grid search.

    ``size`` (K) is an integer >= 1 (a cache longer than the text holds all of it); ``decay``
    (ρ) is finite and >= 0; ``lam`` and ``lam_sem`` are finite, >= 0 and sum to < 1, and
    ``lam_sem`` > 0 needs ``related``.

    ``base`` is any language model: ``token_logprobs`` and ``vocab`` are all the text-level
    methods use; the per-query methods ``logprob`` and ``distribution`` also need the base's
    ``distribution(context)``.  The sentences are read as one running text
    (``lmkit.text.stream``), so the cache carries words across sentence boundaries.
    """

    def __init__(self, base: LanguageModel, size: int = 500, decay: float = 0.0, lam: float = 0.1,
                 related: RelatedWords | None = None, lam_sem: float = 0.0) -> None:
        require_model(base, "base model")
        size = check_int("size (the cache size K)", size, low=1)
        decay = check_real("decay", decay, low=0)
        lam = check_real("lam", lam, low=0, high=1, high_open=True)
        lam_sem = check_real("lam_sem", lam_sem, low=0, high=1, high_open=True)
        if lam + lam_sem >= 1:
            raise ValueError(f"the weights λ={lam} and λ_sem={lam_sem} must be >= 0 and sum to < 1 "
                             f"(the base model keeps 1 - λ - λ_sem)")
        if related is not None and not isinstance(related, RelatedWords):
            raise TypeError(f"related must be a RelatedWords (or None), got {type(related).__name__}")
        if related is None and lam_sem > 0:
            raise ValueError(f"lam_sem={lam_sem} weighs a semantic cache, but there is none: pass "
                             f"related=RelatedWords(stream(vocab, train), len(vocab)), or lam_sem=0")
        if related is not None and related.size != len(base.vocab):
            raise ValueError(f"the related words cover {related.size} ids but the base model's "
                             f"vocabulary has {len(base.vocab)}: build RelatedWords over the "
                             f"same vocabulary, RelatedWords(stream(vocab, train), len(vocab))")
        self.base, self.vocab = base, base.vocab
        self.size, self.decay, self.lam, self.related, self.lam_sem = size, decay, lam, related, lam_sem
        self.trace: list = []

    @property
    def weights(self) -> np.ndarray:
        """The mixture weights (1 - λ - λ_s, λ) and, with a semantic cache, λ_s."""
        lam = [1 - self.lam - self.lam_sem, self.lam] + ([self.lam_sem] if self.related is not None else [])
        return np.array(lam)

    def _decay_weights(self, n: int) -> np.ndarray:
        """The weights of distances d = 1 .. min(K, n): the formula's e^{-ρd} times e^ρ, a
        factor that cancels in p_cache and p_sem; the nearest token weighs 1, so that no finite
        ρ underflows the normaliser to 0."""
        return np.exp(-self.decay * np.arange(min(self.size, n)))

    def _check_stream(self, ids) -> np.ndarray:
        return check_ids(ids, len(self.vocab), "ids")

    # -- the cache distribution at every position of a stream
    def cache_probs(self, ids: np.ndarray) -> np.ndarray:
        """p_cache(w_i) for every position i of the id stream (NaN at i = 0: no cache yet).

        O(n log n) for a plain cache (ρ = 0: per word, the number of its previous occurrences
        within K tokens, by binary search) and for a decaying cache that holds the whole text
        (K >= n - 1: per word, the running decayed count, O(n)); a decaying cache shorter than the
        text takes O(n m), m the most occurrences of one word within K tokens (m <= K)."""
        ids = self._check_stream(ids)
        n = len(ids)
        w = self._decay_weights(n)
        norm = np.concatenate(([0.0], np.cumsum(w)))[np.minimum(np.arange(n), self.size)]
        # the positions of each word's occurrences, in order, word after word
        order = np.lexsort((np.arange(n), ids))
        sid, spos = ids[order], order
        first = np.searchsorted(sid, sid)  # where each word's run of occurrences starts
        acc = np.zeros(n)
        if self.decay == 0:  # count the previous occurrences at distance <= K
            lo = np.maximum(np.searchsorted(sid * (n + 1) + spos, sid * (n + 1) + spos - self.size),
                            first)
            acc[spos] = np.arange(n) - lo
        elif self.size >= n - 1:  # running decayed count: S_k = e^{-ρΔ} S_{k-1} + e^{-ρ(Δ-1)}
            new_word = np.arange(n) == first
            step = np.where(new_word, 1, np.diff(spos, prepend=0)).astype(float)
            fade, add = np.exp(-self.decay * step), np.exp(-self.decay * (step - 1))
            run, out = 0.0, np.zeros(n)
            for k, (nw, f, a) in enumerate(zip(new_word.tolist(), fade.tolist(), add.tolist())):
                run = 0.0 if nw else f * run + a
                out[k] = run
            acc[spos] = out
        else:  # previous occurrences of the same word, lag by lag in occurrence order
            for lag in range(1, n):
                same = sid[lag:] == sid[:-lag]
                dist = spos[lag:] - spos[:-lag]
                ok = same & (dist <= self.size)
                if not ok.any():
                    break
                acc[spos[lag:][ok]] += w[dist[ok] - 1]
        return np.where(norm > 0, acc / np.where(norm > 0, norm, 1), np.nan)

    def semantic_probs(self, ids: np.ndarray) -> np.ndarray:
        """p_sem(w_i) for every position (NaN where the cache relates to nothing)."""
        if self.related is None:
            raise ValueError("this cache has no semantic part: pass related=RelatedWords(...)")
        ids = self._check_stream(ids)
        num, den = np.zeros(len(ids)), np.zeros(len(ids))
        w = self._decay_weights(len(ids))
        for d in range(1, min(self.size, len(ids) - 1) + 1):
            num[d:] += w[d - 1] * self.related._value(ids[:-d], ids[d:])
            den[d:] += w[d - 1] * self.related.row_sum[ids[:-d]]
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)

    def components(self, sentences: Sequence[Sequence[str]], base: np.ndarray | None = None) -> np.ndarray:
        """Rows: p_base, p_cache (and p_sem) of every predicted token.  Where the cache is
        empty (the first token) or relates to nothing, its row repeats p_base, so that the
        mixture stays a proper distribution there.  ``base`` may pass p_base precomputed."""
        sentences = check_sentences(sentences)
        ids = stream(self.vocab, sentences)
        if base is None:
            base = np.exp(self.base.token_logprobs(sentences))
        else:
            base = _check_base(base, len(ids))
        rows = [base, self.cache_probs(ids)]
        if self.related is not None:
            rows.append(self.semantic_probs(ids))
        comp = np.stack(rows)
        return np.where(np.isnan(comp), base, comp)

    def token_logprobs(self, sentences: Sequence[Sequence[str]]) -> np.ndarray:
        """ln p of every predicted token, the sentences read as one running text."""
        with np.errstate(divide="ignore"):
            return mix_logprobs(np.log(self.components(sentences)), self.weights)

    def fit(self, heldout: Sequence[Sequence[str]], decays: Sequence[float] | None = None) -> "CacheLM":
        """λ (and λ_sem) by EM on ``heldout``; ρ by grid search over ``decays`` if given.
        The EM trace ``[(weights, mean log-likelihood), ...]`` of the chosen ρ is kept in
        ``trace``."""
        if decays is None:
            decays = [self.decay]
        elif isinstance(decays, (str, Real)) or not hasattr(decays, "__iter__"):
            raise TypeError(f"decays is the list of ρ values to try, e.g. [0.0, 0.01, 0.05], got "
                            f"{decays!r}; for one ρ, pass decay= to CacheLM")
        else:
            decays = [check_real(f"decays[{i}]", b, low=0) for i, b in enumerate(decays)]
            if not decays:
                raise ValueError("decays is empty: give the ρ values to try, e.g. [0.0, 0.01], "
                                 "or leave decays=None to keep the cache's decay")
        heldout = check_sentences(heldout, "held-out sentences")
        if not len(heldout):
            raise ValueError("the held-out set is empty: give the cache some text to fit λ on")
        best, before = None, self.decay
        base = np.exp(self.base.token_logprobs(heldout))  # the same for every ρ
        try:
            for rho in decays:
                self.decay = float(rho)
                lam, trace = em_weights(self.components(heldout, base))
                if best is None or trace[-1][1] > best[0]:
                    best = (trace[-1][1], float(rho), lam, trace)
        finally:
            self.decay = before
        _, self.decay, lam, self.trace = best
        self.lam = float(lam[1])
        self.lam_sem = float(lam[2]) if self.related is not None else 0.0
        return self

    # -- per-query methods (they need the base's distribution(context))
    def logprob(self, word: str, context: Sequence[str] = (), history: Sequence[str] = ()) -> float:
        """ln p(word | context, the cache of ``history``); see ``distribution``."""
        if not isinstance(word, str):
            raise TypeError(f"word must be a string, got {type(word).__name__}")
        if self.vocab.bos_id >= 0 and word == self.vocab.itos[self.vocab.bos_id]:
            raise ValueError(f"{word} is never predicted (it only starts a history); its "
                             f"probability is 0 by definition: ask for a word or '</s>'")
        with np.errstate(divide="ignore"):
            return float(np.log(self.distribution(context, history)[self.vocab[word]]))

    def distribution(self, context: Sequence[str] = (), history: Sequence[str] = ()) -> np.ndarray:
        """p(w | context, history) for every word id.  ``context`` is what the base model
        conditions on (``base.distribution(context)``, e.g. an n-gram context starting with
        ``<s>``); ``history`` is the text so far, whose last K tokens fill the cache (with
        an empty history, the base distribution)."""
        if not callable(getattr(self.base, "distribution", None)):
            raise TypeError(f"the base model {type(self.base).__name__} has no distribution(context); "
                            f"score text with token_logprobs(sentences) instead")
        if isinstance(history, str) or history is None or not hasattr(history, "__iter__"):
            raise TypeError(f"history must be a sequence of tokens (the text so far, () for none), "
                            f"e.g. 'the cat sat'.split(), got {history!r}")
        ids = self.vocab.encode(list(history)[-self.size:])
        if self.vocab.bos_id >= 0 and np.any(ids == self.vocab.bos_id):
            raise ValueError("history holds '<s>', which is never predicted: the history is the "
                             "running text of predicted tokens (words and '</s>'); leave '<s>' "
                             "to the base model's context")
        p = self.base.distribution(context)
        if len(ids) == 0:
            return p
        w = self._decay_weights(len(ids))[::-1]
        cache = np.bincount(ids, weights=w, minlength=len(p)) / w.sum()
        out = (1 - self.lam - self.lam_sem) * p + self.lam * cache
        if self.related is not None:
            sem = np.zeros(len(p))
            for i, wt in zip(ids, w):
                nb, val = self.related.neighbours(int(i))
                sem[nb] += wt * val
            out = out + (self.lam_sem * sem / sem.sum() if sem.sum() > 0 else self.lam_sem * p)
        return out
