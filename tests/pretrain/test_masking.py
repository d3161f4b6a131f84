"""MLM masking: the 15% / 80-10-10 rates within binomial tolerance, specials and padding never
selected, labels only where selected, and the loss over the selected positions only."""

import math

import pytest
import torch
from torch.nn import functional as F

from lmkit.pretrain import IGNORE, mask_tokens

PAD, UNK, CLS, SEP, MASK = 0, 1, 2, 3, 4
SPECIALS = (PAD, UNK, CLS, SEP, MASK)
V = 1000


def batch(seed=0, B=400, T=512):
    """Rows of [CLS] ... [SEP] [PAD]...: random ordinary ids, random lengths."""
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(5, V, (B, T), generator=g)
    lengths = torch.randint(T // 2, T, (B,), generator=g)
    ids[:, 0] = CLS
    for b, n in enumerate(lengths.tolist()):
        ids[b, n - 1] = SEP
        ids[b, n:] = PAD
    return ids


def within(count, n, p, sigmas=4.0):
    """``count`` successes of ``n`` trials agree with rate ``p`` to ``sigmas`` binomial s.d."""
    return abs(count - n * p) <= sigmas * math.sqrt(n * p * (1 - p))


def test_the_rates_are_berts():
    ids = batch()
    inputs, labels = mask_tokens(ids, mask_id=MASK, vocab_size=V, specials=SPECIALS,
                                 generator=torch.Generator().manual_seed(1))
    eligible = ~torch.isin(ids, torch.tensor(SPECIALS))
    selected = labels != IGNORE
    n_el, n_sel = int(eligible.sum()), int(selected.sum())
    assert n_el > 100_000 and within(n_sel, n_el, 0.15)
    masked = int((inputs[selected] == MASK).sum())
    kept = int((inputs[selected] == ids[selected]).sum())
    replaced = n_sel - masked - kept
    assert within(masked, n_sel, 0.8) and within(kept, n_sel, 0.1 + 0.1 / (V - 5))
    assert within(replaced, n_sel, 0.1 - 0.1 / (V - 5))   # a random draw may hit the original
    assert within(kept, n_el, 0.015 + 0.015 / (V - 5))   # the notes' 15% x 10% = 1.5%


def test_specials_and_padding_are_never_selected_nor_drawn():
    ids = batch(2)
    inputs, labels = mask_tokens(ids, mask_id=MASK, vocab_size=V, specials=SPECIALS,
                                 generator=torch.Generator().manual_seed(3))
    special = torch.isin(ids, torch.tensor(SPECIALS))
    assert (labels[special] == IGNORE).all() and torch.equal(inputs[special], ids[special])
    selected = labels != IGNORE
    assert torch.equal(labels[selected], ids[selected])
    assert torch.equal(inputs[~selected], ids[~selected])
    drawn = inputs[selected & (inputs != MASK) & (inputs != ids)]
    assert len(drawn) and not torch.isin(drawn, torch.tensor(SPECIALS)).any()


def test_seeded_and_the_loss_covers_the_selected_positions_only():
    ids = batch(4, B=8, T=64)
    a = mask_tokens(ids, mask_id=MASK, vocab_size=V, specials=SPECIALS,
                    generator=torch.Generator().manual_seed(5))
    b = mask_tokens(ids, mask_id=MASK, vocab_size=V, specials=SPECIALS,
                    generator=torch.Generator().manual_seed(5))
    assert all(torch.equal(x, y) for x, y in zip(a, b))
    labels = a[1]
    logits = torch.randn(*ids.shape, V, generator=torch.Generator().manual_seed(6))
    loss = F.cross_entropy(logits.view(-1, V), labels.view(-1), ignore_index=IGNORE)
    sel = labels != IGNORE
    by_hand = -F.log_softmax(logits[sel], -1).gather(1, labels[sel][:, None]).mean()
    assert torch.isclose(loss, by_hand, atol=1e-5)


def test_bad_input_gets_a_clear_error():
    ids = batch(B=2, T=16)
    with pytest.raises(ValueError, match="integer tensor"):
        mask_tokens(ids.float(), mask_id=MASK, vocab_size=V, specials=SPECIALS)
    with pytest.raises(ValueError, match="at most 1"):
        mask_tokens(ids, mask_id=MASK, vocab_size=V, specials=SPECIALS, p_mask=0.9,
                    p_random=0.2)
    with pytest.raises(ValueError, match="among the specials"):
        mask_tokens(ids, mask_id=MASK, vocab_size=V, specials=(PAD, CLS, SEP))


def test_masking_rates_by_hand():
    from lmkit.pretrain import masking_rates

    ids = torch.tensor([[2, 10, 11, 12, 13, 3, 0]])
    inputs = torch.tensor([[2, 4, 11, 20, 13, 3, 0]])
    labels = torch.tensor([[IGNORE, 10, 11, 12, IGNORE, IGNORE, IGNORE]])
    rates, n = masking_rates(ids, inputs, labels, mask_id=4, specials=[0, 1, 2, 3, 4])
    assert n == 4
    assert rates == {"selected": 0.75, "[MASK]": 0.25, "random": 0.25, "unchanged": 0.25}
    bad = labels.clone()
    bad[0, 0] = 2
    with pytest.raises(ValueError, match="special token"):
        masking_rates(ids, inputs, bad, mask_id=4, specials=[0, 1, 2, 3, 4])
