"""ELMo's biLM: the directions see only their own side, the loss, the layers, bad input."""

import pytest
import torch

from lmkit.models import BiLM, ElmoConfig
from lmkit.train import random_windows, train


def small(**kw):
    torch.manual_seed(0)
    cfg = dict(vocab_size=30, dim=8, hidden=12, layers=2, dropout=0.0)
    cfg.update(kw)
    return BiLM(ElmoConfig(**cfg)).eval()


def test_each_direction_reads_only_its_own_side():
    m = small()
    x = torch.randint(0, 30, (2, 9))
    j = 4
    y = x.clone()
    y[:, j] = (x[:, j] + 1) % 30
    a, b = m.layers(x), m.layers(y)
    d = m.config.dim
    fwd_changed = (a[1:, ..., :d] - b[1:, ..., :d]).abs().amax(dim=(0, 1, 3)) > 0
    bwd_changed = (a[1:, ..., d:] - b[1:, ..., d:]).abs().amax(dim=(0, 1, 3)) > 0
    # the forward LM at t has read t' <= t; the backward LM at t has read t' >= t
    assert fwd_changed.tolist() == [t >= j for t in range(9)]
    assert bwd_changed.tolist() == [t <= j for t in range(9)]


def test_padding_does_not_reach_the_backward_lm():
    m = small()
    x = torch.randint(1, 30, (1, 6))
    padded = torch.cat([x, torch.zeros(1, 3, dtype=torch.long)], 1)
    mask = padded != 0
    mask[:, 6:] = False
    alone, pad = m.layers(x), m.layers(padded, mask)
    assert torch.allclose(alone, pad[:, :, :6], atol=1e-6)


def test_layers_shape_and_token_layer():
    m = small(layers=3)
    x = torch.randint(0, 30, (2, 5))
    h = m.layers(x)
    assert h.shape == (4, 2, 5, 16)
    assert torch.equal(h[0, ..., :8], h[0, ..., 8:])
    assert torch.equal(h[0, ..., :8], m.emb(x))


def test_loss_is_the_mean_of_the_two_directions_exact_nll():
    m = small()
    w = torch.randint(0, 30, (3, 8))
    x, y = w[:, :-1], w[:, 1:]
    loss = m(x, y).loss.item()
    f, b = m.losses(x, y)
    assert loss == pytest.approx((f + b) / 2, rel=1e-6)
    # the forward direction's loss is what the LM's own scoring gives
    lp = m(x).logits
    assert f == pytest.approx(-lp.gather(2, y[..., None]).mean().item(), rel=1e-5)
    # the backward direction predicts t_{k-1} from t_k.. t_T: score it by hand
    hb = m._run(m.bwd, m.emb(y.flip(1)))[0][-1]
    lpb = m.output.log_probs(hb.reshape(-1, 8)).view(3, 7, 30)
    assert b == pytest.approx(-lpb.gather(2, x.flip(1)[..., None]).mean().item(), rel=1e-5)


def test_trains_with_the_books_loop():
    m = small().train()
    ids = (torch.arange(600) % 7).numpy()            # a periodic text: both directions learn it
    x, y = next(random_windows(ids, 10, 8, seed=1))
    before = m.losses(x, y)
    train(m, random_windows(ids, 10, 8, seed=0), steps=150, lr=3e-2, progress=False)
    after = m.losses(x, y)
    assert after[0] < 0.3 * before[0] and after[1] < 0.3 * before[1]


def test_bad_input():
    m = small()
    x = torch.randint(0, 30, (2, 5))
    with pytest.raises(ValueError, match="shifted by one"):
        m(x, torch.randint(0, 30, (2, 5)))
    with pytest.raises(ValueError, match="shape of x"):
        m(x, x[:, :3])
    with pytest.raises(ValueError, match="state=None"):
        m(x, x, state=((x, x),))
    with pytest.raises(ValueError, match="word ids in"):
        m.layers(x + 40)
    with pytest.raises(ValueError, match="at least dim"):
        ElmoConfig(vocab_size=5, dim=8, hidden=4)
