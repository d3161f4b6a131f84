r"""BERT's masked-language-model corruption (Devlin et al. 2019, section 3.1).

Each position that may be predicted (not ``[CLS]``, ``[SEP]`` or padding: ``specials``) is
*selected* with probability ``rate`` (15%), independently.  A selected token is replaced by
``[MASK]`` with probability 0.8, by a token drawn uniformly from the non-special vocabulary with
probability 0.1, and left unchanged with probability 0.1; so a position is selected and left
as it was with probability :math:`0.15 \times 0.1 = 1.5\%` (the notes' figure).  The model must
predict the original token at every selected position and nowhere else: the labels hold it
there and ``IGNORE`` (-100, ``cross_entropy``'s ``ignore_index``) elsewhere, so the loss is the
mean over the selected positions only, never over padding.

The [MASK] token never appears at fine-tuning time, the mismatch the 10% random and 10%
unchanged tokens soften: the model cannot tell which visible tokens are genuine, so it keeps
a representation of every token.
"""

from __future__ import annotations

from typing import Sequence

import torch

from ..checks import check_int, check_real

__all__ = ["IGNORE", "mask_tokens", "masking_rates"]

#: the label of a position that is not predicted (torch's default ``ignore_index``)
IGNORE = -100


def mask_tokens(ids: torch.Tensor, *, mask_id: int, vocab_size: int, specials: Sequence[int],
                rate: float = 0.15, p_mask: float = 0.8, p_random: float = 0.1,
                generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """``(inputs, labels)`` for ids (B, T): the corrupted inputs and, at the selected
    positions, the original ids to predict (``IGNORE`` elsewhere).  ``specials``: the ids that
    are never selected nor drawn as random tokens (``[PAD]``, ``[CLS]``, ``[SEP]``,
    ``[MASK]``, ``[UNK]``...); ``rate``, ``p_mask``, ``p_random``: see the module docstring
    (the rest of a selection, ``1 - p_mask - p_random``, stays unchanged)."""
    if not isinstance(ids, torch.Tensor) or ids.is_floating_point() or ids.dim() != 2:
        got = f"{ids.dtype} {tuple(ids.shape)}" if isinstance(ids, torch.Tensor) else \
            type(ids).__name__
        raise ValueError(f"ids must be an integer tensor (batch, T), got {got}")
    vocab_size = check_int("vocab_size", vocab_size, 1)
    mask_id = check_int("mask_id", mask_id, 0, vocab_size - 1)
    rate = check_real("rate (the share of positions selected)", rate, 0, 1)
    p_mask = check_real("p_mask", p_mask, 0, 1)
    p_random = check_real("p_random", p_random, 0, 1)
    if p_mask + p_random > 1:
        raise ValueError(f"p_mask + p_random must be at most 1 (the rest stays unchanged), got "
                         f"{p_mask} + {p_random}")
    special = torch.as_tensor(list(specials), dtype=ids.dtype, device=ids.device)
    if mask_id not in special.tolist():
        raise ValueError(f"mask_id {mask_id} must be among the specials (never predicted, "
                         f"never drawn as a random token)")
    ordinary = torch.ones(vocab_size, dtype=torch.bool, device=ids.device)
    ordinary[special] = False
    pool = ordinary.nonzero()[:, 0]
    if p_random and not len(pool):
        raise ValueError("every id is special: no token to draw as a random replacement")
    eligible = ~torch.isin(ids, special)

    def uniform():
        return torch.rand(ids.shape, generator=generator, device="cpu").to(ids.device)

    selected = eligible & (uniform() < rate)
    what = uniform()                                  # one draw decides the replacement
    to_mask = selected & (what < p_mask)
    to_random = selected & (what >= p_mask) & (what < p_mask + p_random)
    inputs = ids.clone()
    inputs[to_mask] = mask_id
    n = int(to_random.sum())
    if n:
        pick = torch.randint(len(pool), (n,), generator=generator, device="cpu").to(ids.device)
        inputs[to_random] = pool[pick].to(ids.dtype)
    labels = torch.full_like(ids, IGNORE)
    labels[selected] = ids[selected]
    return inputs, labels


def masking_rates(ids: torch.Tensor, inputs: torch.Tensor, labels: torch.Tensor, *,
                  mask_id: int, specials: Sequence[int]) -> tuple[dict[str, float], int]:
    """What ``mask_tokens`` did, as shares of the ordinary (non-special) positions of ``ids``:
    ``selected``, ``[MASK]``, ``random`` (replaced by another token) and ``unchanged``
    (selected, left as it was; a random draw of the original token counts here), with the
    number of ordinary positions.  A selected special is an error: it must never happen."""
    if not (ids.shape == inputs.shape == labels.shape):
        raise ValueError(f"ids, inputs and labels must have one shape, got {tuple(ids.shape)}, "
                         f"{tuple(inputs.shape)}, {tuple(labels.shape)}")
    special = torch.isin(ids, torch.as_tensor(list(specials), dtype=ids.dtype,
                                              device=ids.device))
    sel = labels != IGNORE
    if bool((sel & special).any()):
        raise ValueError("a special token (e.g. [PAD] or [SEP]) was selected for prediction")
    n = int((~special).sum())
    if n == 0:
        raise ValueError("ids hold no ordinary token")
    masked = sel & (inputs == mask_id)
    kept = sel & (inputs == ids)
    rates = {"selected": int(sel.sum()) / n, "[MASK]": int(masked.sum()) / n,
             "random": int((sel & ~masked & ~kept).sum()) / n, "unchanged": int(kept.sum()) / n}
    return rates, n
