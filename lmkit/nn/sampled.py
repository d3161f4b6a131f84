r"""Sampled output layers: a full softmax's parameters, trained from S samples of a proposal.

Both layers here draw S words (``k`` in the code) from a proposal :math:`Q` (the notes'
建议分布; NCE's noise distribution), the unigram distribution of the training counts raised
to ``power`` (1: the unigram itself; 0: uniform), shared by the batch, so that a training step
costs O(S d) per token instead of O(|V| d).  Evaluation is exact: the parameters are those of
a ``FullSoftmax`` (output embeddings :math:`O`, biases :math:`b`), and
``log_prob``/``log_probs`` normalise over every word.

``importance_estimates`` gives, on fixed scores, the importance-sampling estimates that the
sampled softmax's gradient rests on, to set against their exact values.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch.nn import functional as F

from ..checks import check_int, check_real
from .output import FullSoftmax, _check, _unigram

__all__ = ["ImportanceSampling", "NCE", "SampledSoftmax", "importance_estimates"]


class SampledSoftmax(FullSoftmax):
    """A full softmax's parameters, trained from ``k`` = S samples of the proposal Q
    (``log_proposal()``; uniform when built without counts, until a saved state brings its
    own)."""

    def __init__(self, dim: int, size: int, counts: np.ndarray | None = None, k: int | None = None,
                 power: float = 1.0) -> None:
        k = check_int("the number of samples k", k, 1)
        power = check_real("power (of the unigram proposal: 1 unigram, 0 uniform)", power)
        super().__init__(dim, size, counts)  # starts from the unigram: scores near log-probabilities
        size = self.size
        q = _unigram(np.ones(size) if counts is None else counts, size) ** power
        self.register_buffer("log_q", torch.as_tensor(np.log(q / q.sum()), dtype=torch.float32))
        self.k, self.power = k, power

    def log_proposal(self) -> torch.Tensor:
        """ln Q(w) of every word: the proposal (importance sampling) or noise (NCE)."""
        return self.log_q

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
    estimated from the target and S words drawn from Q, each score corrected by
    :math:`-\ln(S\, Q(w))`; the loss is the cross-entropy over those S + 1 candidates.  Its
    gradient replaces the expectation :math:`E_{p}[\nabla s(w', h)]` of the exact gradient by
    the self-normalised importance-sampling estimate
    :math:`\sum_j r_j \nabla s(w_j, h) / \sum_j r_j`, :math:`r_j = e^{s(w_j, h)} / Q(w_j)`.
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
    classifier tells the target (drawn from the data) from S noise words drawn from Q, using
    the *unnormalised* score :math:`s(w, h)` as the model's log-probability.  With one data
    word to S noise words, Bayes' rule gives the posterior that w came from the data,

    .. math::  P(D = 1 \mid w, h) = \frac{p(w \mid h)}{p(w \mid h) + S\, Q(w)}
               = \sigma\big(s(w, h) - \ln S Q(w)\big),

    and the loss is the classifier's negative log-likelihood:

    .. math::  \ell = -\ln \sigma\big(s(w) - \ln S Q(w)\big) - \sum_{j=1}^{S} \ln \sigma\big(\ln S Q(\hat w_j) - s(\hat w_j)\big).

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


def importance_estimates(scores: torch.Tensor, log_q: torch.Tensor, S: int,
                         values: torch.Tensor | None = None, *, reps: int = 1,
                         generator: torch.Generator | None = None
                         ) -> tuple[torch.Tensor, torch.Tensor | None]:
    r"""Importance-sampling estimates from S words drawn from Q, ``reps`` times over.

    For scores ``scores`` (B x |V|, one row per history) and :math:`w_1 .. w_S \sim Q`
    (``log_q``: ln Q, one per word; the same draws for every row, as in the sampled layers),
    with weights :math:`r_j = e^{s(w_j, h)} / Q(w_j)`:

    .. math::  \hat Z(h) = \frac{1}{S} \sum_{j=1}^{S} r_j \approx Z(h) = \sum_w e^{s(w, h)},
               \qquad
               \hat E[v] = \frac{\sum_j r_j\, v_{w_j}}{\sum_j r_j}
               \approx E_{p(\cdot \mid h)}[v_w],

    the second for ``values`` (|V| x m, one row :math:`v_w` per word; e.g. the output
    embeddings :math:`O`, whose expectation is the gradient of :math:`\ln Z(h)` with respect
    to the hidden vector).  Returns ``(ln Ẑ, Ê)`` of shapes (reps, B) and (reps, B, m); Ê is
    ``None`` without ``values``.
    """
    if not isinstance(scores, torch.Tensor) or scores.dim() != 2:
        raise ValueError("scores must be a 2-d tensor (histories x words)")
    if not isinstance(log_q, torch.Tensor) or log_q.shape != scores.shape[1:]:
        raise ValueError(f"log_q must be a tensor of ln Q, one per word ({scores.shape[1]})")
    S = check_int("S (the number of samples)", S, 1)
    reps = check_int("reps", reps, 1)
    if values is not None and (values.dim() != 2 or len(values) != scores.shape[1]):
        raise ValueError(f"values must have one row per word ({scores.shape[1]})")
    draws = torch.multinomial(log_q.exp().expand(reps, -1), S, replacement=True,
                              generator=generator)                      # (reps, S)
    log_r = scores[:, draws] - log_q[draws]                            # (B, reps, S)
    log_z = torch.logsumexp(log_r, dim=-1).T - math.log(S)             # (reps, B)
    if values is None:
        return log_z, None
    weights = torch.softmax(log_r, dim=-1).transpose(0, 1)             # (reps, B, S)
    return log_z, weights @ values[draws]                              # (reps, B, m)
