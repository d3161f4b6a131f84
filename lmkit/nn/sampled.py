r"""Sampled output layers: a full softmax's parameters, trained from k samples of a proposal.

Both layers here draw k words from a proposal :math:`Q`, the unigram distribution of the
training counts raised to ``power`` (1: the unigram itself; 0: uniform), shared by the batch,
so that a training step costs O(k d) per token instead of O(|V| d).  Evaluation is exact: the
parameters are those of a ``FullSoftmax``, and ``log_prob``/``log_probs`` normalise over
every word.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch.nn import functional as F

from ..checks import check_int, check_real
from .output import FullSoftmax, _check, _unigram

__all__ = ["ImportanceSampling", "NCE", "SampledSoftmax"]


class SampledSoftmax(FullSoftmax):
    """A full softmax's parameters, trained from ``k`` samples of the proposal Q (buffer
    ``log_q``; uniform when built without counts, until a saved state brings its own)."""

    def __init__(self, dim: int, size: int, counts: np.ndarray | None = None, k: int | None = None,
                 power: float = 1.0) -> None:
        k = check_int("the number of samples k", k, 1)
        power = check_real("power (of the unigram proposal: 1 unigram, 0 uniform)", power)
        super().__init__(dim, size, counts)  # starts from the unigram: scores near log-probabilities
        size = self.size
        q = _unigram(np.ones(size) if counts is None else counts, size) ** power
        self.register_buffer("log_q", torch.as_tensor(np.log(q / q.sum()), dtype=torch.float32))
        self.k, self.power = k, power

    def sample(self, n: int) -> torch.Tensor:
        """``n`` word ids drawn from Q, with replacement."""
        return torch.multinomial(self.log_q.exp(), check_int("n (the samples)", n, 1),
                                 replacement=True)

    def _scores(self, h: torch.Tensor, words: torch.Tensor) -> torch.Tensor:
        """Scores of every row of h for the same words: (B, len(words))."""
        return h @ self.proj.weight[words].T + self.proj.bias[words]

    def target_score(self, h: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """The unnormalised score s(w, h) of each row's own target: O(d) per token."""
        _check(h, targets, self.dim, self.size)
        return self._target_score(h, targets)

    def _target_score(self, h: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        return (h * self.proj.weight[targets]).sum(1) + self.proj.bias[targets]

    def extra_repr(self) -> str:
        return f"{super().extra_repr()}, k={self.k}, power={self.power}"


class ImportanceSampling(SampledSoftmax):
    r"""Sampled softmax (Bengio and Senécal; Jean et al.): the partition function is
    estimated from the target and k words drawn from Q, each score corrected by
    :math:`-\ln(k\, Q(w))`; the loss is the cross-entropy over those k + 1 candidates.
    Evaluation uses the exact softmax with the same parameters."""

    kind = "importance"

    def loss(self, h: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        _check(h, targets, self.dim, self.size)
        noise = self.sample(self.k)                                       # shared by the batch
        s_true = self._target_score(h, targets) - self.log_q[targets] - math.log(self.k)
        s_noise = self._scores(h, noise) - self.log_q[noise] - math.log(self.k)
        s_noise = s_noise.masked_fill(noise[None, :] == targets[:, None], float("-inf"))
        logits = torch.cat([s_true[:, None], s_noise], dim=1)
        return F.cross_entropy(logits, torch.zeros(len(h), dtype=torch.long, device=h.device))


class NCE(SampledSoftmax):
    r"""Noise-contrastive estimation (Gutmann and Hyvärinen; Mnih and Teh): a logistic
    classifier tells the target from k noise words drawn from Q, using the *unnormalised*
    score :math:`s(w, h)` as a log-probability:

    .. math::  \ell = -\ln \sigma\big(s(w) - \ln k Q(w)\big) - \sum_{j=1}^{k} \ln \sigma\big(\ln k Q(\hat w_j) - s(\hat w_j)\big).

    No partition function is computed, yet training drives :math:`\sum_w e^{s(w, h)}` towards 1
    (self-normalisation).  Evaluation: ``log_probs`` normalises exactly; ``self_normalised``
    returns the raw scores, and ``target_score`` the raw score of each target."""

    kind = "nce"

    def loss(self, h: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        _check(h, targets, self.dim, self.size)
        noise = self.sample(self.k)
        log_k = math.log(self.k)
        s_true = self._target_score(h, targets)
        s_noise = self._scores(h, noise)
        pos = F.logsigmoid(s_true - self.log_q[targets] - log_k)
        neg = F.logsigmoid(-(s_noise - self.log_q[noise] - log_k)).sum(1)
        return -(pos + neg).mean()

    def self_normalised(self, h: torch.Tensor) -> torch.Tensor:
        """The raw scores s(w, h), used as log-probabilities without normalising."""
        _check(h, None, self.dim, self.size)
        return self.scores(h)
