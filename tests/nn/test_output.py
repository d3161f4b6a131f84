"""Output layers: exact distributions, agreement with the full softmax, sampled losses learn,
and the structure (classes, Huffman tree) saved in buffers, adopted or checked on load."""

import numpy as np
import pytest
import torch

from lmkit.nn import (NCE, OUTPUT_KINDS, ClassSoftmax, FullSoftmax, HierarchicalSoftmax,
                      ImportanceSampling, huffman_codes, output_layer)

V, D = 50, 8
COUNTS = np.random.default_rng(0).zipf(1.5, V).astype(float)


def layers():
    torch.manual_seed(0)
    return [FullSoftmax(D, V), ClassSoftmax(D, V, COUNTS), HierarchicalSoftmax(D, V, COUNTS),
            ImportanceSampling(D, V, COUNTS, k=10), NCE(D, V, COUNTS, k=10)]


@pytest.mark.parametrize("layer", layers(), ids=lambda l: type(l).__name__)
def test_every_layer_is_an_exact_distribution(layer):
    with torch.no_grad():
        for p in layer.parameters():
            p.normal_(std=0.5)
    h = torch.randn(7, D)
    lp = layer.log_probs(h)
    assert lp.shape == (7, V)
    assert torch.allclose(lp.exp().sum(1), torch.ones(7, dtype=lp.dtype), atol=1e-5)
    t = torch.randint(0, V, (7,))
    assert torch.allclose(layer.log_prob(h, t), lp.gather(1, t[:, None])[:, 0], atol=1e-5)
    assert torch.isfinite(layer.loss(h, t))


@pytest.mark.parametrize("make", [
    lambda: FullSoftmax(D, V, COUNTS), lambda: ClassSoftmax(D, V, COUNTS),
    lambda: HierarchicalSoftmax(D, V, COUNTS), lambda: ImportanceSampling(D, V, COUNTS, k=3),
    lambda: NCE(D, V, COUNTS, k=3)], ids=["full", "class", "hs", "is", "nce"])
def test_every_layer_starts_from_the_unigram(make):
    unigram = (COUNTS + 1e-3) / (COUNTS + 1e-3).sum()
    lp = make().log_probs(torch.zeros(2, D)).detach().double()
    assert torch.allclose(lp, torch.as_tensor(np.log(unigram)).expand(2, V), atol=1e-4)


def test_sampled_layers_evaluate_with_the_full_softmax_of_their_weights():
    full = FullSoftmax(D, V)
    h = torch.randn(5, D)
    for cls in (ImportanceSampling, NCE):
        layer = cls(D, V, COUNTS, k=5)
        layer.proj.load_state_dict(full.proj.state_dict())
        assert torch.allclose(layer.log_probs(h), full.log_probs(h))


def test_one_class_is_the_full_softmax():
    full = FullSoftmax(D, V)
    cs = ClassSoftmax(D, V, COUNTS, n_classes=1)
    cs.word_proj.load_state_dict(full.proj.state_dict())
    h = torch.randn(4, D)
    assert cs.n_classes == 1 and torch.allclose(cs.log_probs(h), full.log_probs(h), atol=1e-6)


def test_classes_are_about_sqrt_v_and_frequency_binned():
    cs = ClassSoftmax(D, V, COUNTS)
    assert 5 <= cs.n_classes <= 8
    top = int(np.argmax(COUNTS))
    sizes = torch.bincount(cs.word_class)
    assert sizes[cs.word_class[top]] <= sizes.float().mean()  # frequent words: small classes
    assert cs.class_sizes().tolist() == sizes.tolist() and cs.class_sizes().sum() == V
    for c in range(cs.n_classes):
        assert (cs.word_class[cs.members(c)] == c).all()


def test_huffman_codes_are_prefix_free_and_short_for_frequent_words():
    paths, codes = huffman_codes(COUNTS)
    strings = ["".join(map(str, c)) for c in codes]
    assert len(set(strings)) == V
    assert not any(a != b and b.startswith(a) for a in strings for b in strings)
    lengths = np.array(list(map(len, codes)))
    assert lengths[np.argmax(COUNTS)] <= lengths.min() + 1
    expected = (lengths * COUNTS).sum() / COUNTS.sum()
    entropy = -(COUNTS / COUNTS.sum() * np.log2(COUNTS / COUNTS.sum())).sum()
    assert entropy <= expected < entropy + 1  # Huffman's bound


def test_hierarchical_depths():
    hs = HierarchicalSoftmax(D, V, COUNTS)
    lengths = np.array(list(map(len, huffman_codes((COUNTS + 1e-3) / (COUNTS + 1e-3).sum())[1])))
    assert hs.max_depth == lengths.max() == hs.paths.shape[1]
    assert hs.mean_depth == pytest.approx((lengths * COUNTS).sum() / COUNTS.sum())
    assert isinstance(hs.mean_depth, float) and 1 <= hs.mean_depth < np.log2(V)


@pytest.mark.parametrize("cls", [ImportanceSampling, NCE])
def test_sampled_losses_are_finite_and_fall_on_a_toy_problem(cls):
    torch.manual_seed(0)
    target_dist = torch.softmax(torch.randn(V) * 2, 0)
    layer = cls(D, V, COUNTS, k=20)
    h = torch.ones(256, D) / D ** 0.5
    opt = torch.optim.Adam(layer.parameters(), lr=0.05)
    losses = []
    for step in range(1000):
        t = torch.multinomial(target_dist, 256, replacement=True)
        loss = layer.loss(h, t)
        opt.zero_grad(); loss.backward(); opt.step()
        losses.append(loss.item())
    assert np.isfinite(losses).all() and np.mean(losses[-20:]) < np.mean(losses[:20])
    kl = (target_dist * (target_dist.log() - layer.log_probs(h[:1])[0])).sum()
    assert kl < 0.06
    if cls is NCE:  # self-normalisation: the raw scores already sum to about one
        z = torch.logsumexp(layer.self_normalised(h[:1])[0], 0)
        assert abs(z.item()) < 0.35  # within a factor of 1.4, never computed in training


def test_log_partition_of_the_raw_scores():
    layer = NCE(D, V, COUNTS, k=5)
    h = torch.randn(3, D)
    assert torch.allclose(layer.log_partition(h), torch.logsumexp(layer.self_normalised(h), 1))
    assert torch.allclose(layer.target_score(h, torch.tensor([1, 2, 3])),
                          layer.self_normalised(h)[torch.arange(3), torch.tensor([1, 2, 3])])


def test_bad_inputs():
    with pytest.raises(ValueError, match="vocabulary is empty"):
        FullSoftmax(D, 0)
    with pytest.raises(ValueError, match=r"the number of samples k must be an integer in \[1, inf\)"):
        NCE(D, V, COUNTS, k=0)
    with pytest.raises(TypeError, match="the number of samples k must be an integer"):
        ImportanceSampling(D, V, COUNTS)
    with pytest.raises(TypeError, match="dim .* must be an integer, got bool"):
        FullSoftmax(True, V)
    with pytest.raises(ValueError, match=r"shape \(batch, 8\)"):
        FullSoftmax(D, V).log_probs(torch.randn(3, 5))
    with pytest.raises(ValueError, match=r"targets must have shape \(3,\)"):
        ClassSoftmax(D, V, COUNTS).loss(torch.randn(3, D), torch.zeros(4, dtype=torch.long))
    with pytest.raises(ValueError, match="word ids in"):
        HierarchicalSoftmax(D, V, COUNTS).log_prob(torch.randn(2, D), torch.tensor([0, V]))
    with pytest.raises(ValueError, match="one count per word"):
        HierarchicalSoftmax(D, V, COUNTS[:3])
    with pytest.raises(ValueError, match="finite and >= 0"):
        FullSoftmax(D, V, -COUNTS)
    with pytest.raises(ValueError, match="n_classes must be an integer in"):
        ClassSoftmax(D, V, COUNTS, n_classes=0)
    with pytest.raises(ValueError, match="unknown output layer 'softmax'"):
        output_layer(D, V, output="softmax")


@pytest.mark.parametrize("kind", OUTPUT_KINDS)
def test_output_layer_builds_each_kind(kind):
    layer = output_layer(D, V, COUNTS, output=kind, k=4 if kind in ("importance", "nce") else None)
    assert layer.kind == kind and (layer.dim, layer.size) == (D, V)


# ------------------------------------------------------------ structure: saved, adopted, checked

@pytest.mark.parametrize("kind", OUTPUT_KINDS)
def test_a_layer_built_without_counts_adopts_the_saved_structure(kind, tmp_path):
    torch.manual_seed(0)
    k = 4 if kind in ("importance", "nce") else None
    layer = output_layer(D, V, COUNTS, output=kind, k=k, n_classes=5 if kind == "class" else None)
    with torch.no_grad():
        for p in layer.parameters():
            p.add_(0.3 * torch.randn_like(p))
    torch.save(layer.state_dict(), tmp_path / "out.pt")
    twin = output_layer(D, V, output=kind, k=k)       # no counts: a placeholder structure
    twin.load_state_dict(torch.load(tmp_path / "out.pt", weights_only=True))
    h = torch.randn(6, D)
    t = torch.randint(0, V, (6,))
    assert torch.equal(twin.log_probs(h), layer.log_probs(h))
    assert torch.equal(twin.log_prob(h, t), layer.log_prob(h, t))
    if kind == "class":
        assert twin.n_classes == layer.n_classes and twin.class_sizes().tolist() == layer.class_sizes().tolist()
    if kind == "hierarchical":
        assert (twin.mean_depth, twin.max_depth) == (layer.mean_depth, layer.max_depth)


def test_class_bounds_that_differ_are_refused():
    saved = ClassSoftmax(D, V, COUNTS).state_dict()
    other = ClassSoftmax(D, V, COUNTS[::-1].copy())   # the same shapes, other classes
    assert other.n_classes == len(saved["bounds"]) - 1
    with pytest.raises(RuntimeError, match="built from other counts"):
        other.load_state_dict(saved)
    fewer = ClassSoftmax(D, V, COUNTS, n_classes=3)
    with pytest.raises(RuntimeError, match="bounds"):
        fewer.load_state_dict(saved)
    same = ClassSoftmax(D, V, COUNTS)
    same.load_state_dict(saved)                        # the same counts: accepted


def test_a_different_huffman_tree_is_refused():
    saved = HierarchicalSoftmax(D, V, COUNTS).state_dict()
    with pytest.raises(RuntimeError, match="paths"):
        HierarchicalSoftmax(D, V, COUNTS[::-1].copy()).load_state_dict(saved)


# ------------------------------------------------------------ one word, and the saved class bounds

@pytest.mark.parametrize("kind", OUTPUT_KINDS)
def test_a_single_word_has_probability_one(kind):
    """With one word there is nothing to choose: p = 1 exactly (the Huffman tree of one word
    has no internal node, so its path is empty), and training it is a no-op that runs."""
    torch.manual_seed(0)
    layer = output_layer(D, 1, [7.0], output=kind, k=2 if kind in ("importance", "nce") else None)
    with torch.no_grad():
        for p in layer.parameters():
            p.normal_(std=1.0)
    h, t = torch.randn(5, D), torch.zeros(5, dtype=torch.long)
    assert torch.equal(layer.log_probs(h), torch.zeros(5, 1))
    assert torch.equal(layer.log_prob(h, t), torch.zeros(5))
    layer.loss(h, t).backward()
    if kind == "hierarchical":
        assert layer.max_depth == 0 and layer.mean_depth == 0.0


def test_one_word_needs_no_huffman_bit():
    assert huffman_codes([4.0]) == ([[]], [[]])
    paths, codes = huffman_codes([1.0, 3.0])
    assert paths == [[0], [0]] and sorted(codes) == [[0], [1]]


def test_the_class_bounds_are_saved_and_a_changed_bound_is_refused():
    layer = ClassSoftmax(D, V, COUNTS)
    saved = layer.state_dict()
    assert {"bounds", "word_class", "word_slot", "by_class"} <= set(saved)
    assert saved["bounds"].tolist() == [0, *np.cumsum(layer.class_sizes()).tolist()]
    tampered = dict(saved, bounds=saved["bounds"].clone())
    tampered["bounds"][1] += 1                     # one word moved across a class edge
    with pytest.raises(RuntimeError, match="the saved bounds differ"):
        ClassSoftmax(D, V, COUNTS).load_state_dict(tampered)


def test_the_path_probability_is_the_product_along_the_path():
    torch.manual_seed(0)
    hs = HierarchicalSoftmax(D, V, COUNTS)
    with torch.no_grad():
        hs.nodes.weight.normal_(std=0.5)
    x = torch.randn(D)
    codes = huffman_codes((COUNTS + 1e-3) / (COUNTS + 1e-3).sum())[1]
    assert np.array_equal(hs.depths, [len(c) for c in codes])
    for w in range(V):
        nodes, branch = hs.path(w)
        assert branch.tolist() == codes[w]
        s = hs.nodes.weight[nodes] @ x + hs.node_bias[nodes]
        by_hand = torch.sigmoid((1 - 2 * branch) * s).prod()
        assert torch.isclose(by_hand, hs.log_prob(x[None], torch.tensor([w])).exp()[0])
    with pytest.raises(ValueError, match="the word id w"):
        hs.path(V)


def test_shifted_scores_keep_the_distribution_and_move_ln_z():
    h, t = torch.randn(6, D), torch.randint(0, V, (6,))
    for cls in (FullSoftmax, ImportanceSampling):
        torch.manual_seed(0)
        a = cls(D, V, COUNTS, **({} if cls is FullSoftmax else {"k": 5}))
        torch.manual_seed(0)
        b = cls(D, V, COUNTS, **({} if cls is FullSoftmax else {"k": 5}))
        b.shift_scores(3.0)
        assert torch.allclose(b.log_partition(h), a.log_partition(h) + 3, atol=1e-5)
        assert torch.allclose(b.log_probs(h), a.log_probs(h), atol=1e-5)
        torch.manual_seed(1)
        la = a.loss(h, t)
        torch.manual_seed(1)
        assert torch.isclose(b.loss(h, t), la, atol=1e-5)  # the softmax losses cannot see it
    torch.manual_seed(0)
    a, b = NCE(D, V, COUNTS, k=5), NCE(D, V, COUNTS, k=5)
    b.load_state_dict(a.state_dict())
    b.shift_scores(3.0)
    assert not torch.isclose(a.loss(h, t), b.loss(h, t))     # NCE's can
    with pytest.raises(ValueError, match="c"):
        a.shift_scores(float("nan"))


def test_forward_gives_log_probs_or_the_loss_and_trains_a_layer_alone():
    from lmkit.train import shuffled_batches, train

    torch.manual_seed(0)
    layer = FullSoftmax(D, V, COUNTS)
    h = torch.randn(5, D)
    lp, none = layer(h)
    assert none is None and torch.allclose(lp, layer.log_probs(h))
    nothing, loss = layer(h, torch.tensor([0, 1, 2, 3, 4]))
    assert nothing is None and torch.isclose(loss, layer.loss(h, torch.tensor([0, 1, 2, 3, 4])))
    target = torch.softmax(torch.randn(V) * 2, 0)
    x = np.ones((512, D), dtype=np.float32)
    y = torch.multinomial(target, 512, replacement=True).numpy()
    before = layer.loss(torch.as_tensor(x), torch.as_tensor(y)).item()
    train(layer, shuffled_batches({"h": x, "targets": y}, 64), steps=60, lr=0.05, warmup=0,
          progress=False)
    assert layer.loss(torch.as_tensor(x), torch.as_tensor(y)).item() < before - 0.3


def test_importance_estimates_are_consistent_and_exact_when_q_is_p():
    from lmkit.nn import importance_estimates

    g = torch.Generator().manual_seed(0)
    scores = torch.randn(3, V, dtype=torch.float64) * 2
    values = torch.randn(V, 4, dtype=torch.float64)
    log_z = torch.logsumexp(scores, 1)
    p = torch.softmax(scores, 1)
    uniform = torch.full((V,), -np.log(V), dtype=torch.float64)
    z_hat, e_hat = importance_estimates(scores, uniform, 20_000, values, reps=2, generator=g)
    assert z_hat.shape == (2, 3) and e_hat.shape == (2, 3, 4)
    assert torch.allclose(z_hat, log_z.expand(2, 3), atol=0.05)
    assert torch.allclose(e_hat, (p @ values).expand(2, 3, 4), atol=0.1)
    # with Q = p (one history) every weight r_j equals Z: the estimate of Z is exact
    z1, none = importance_estimates(scores[:1], p[0].log(), 7, reps=5, generator=g)
    assert none is None and torch.allclose(z1, log_z[:1].expand(5, 1))
    with pytest.raises(ValueError, match="log_q"):
        importance_estimates(scores, uniform[:-1], 5)
    with pytest.raises(ValueError, match="S"):
        importance_estimates(scores, uniform, 0)


def test_a_sampled_layer_exposes_its_proposal():
    from lmkit.nn import ImportanceSampling

    counts = np.array([0.0, 3.0, 1.0])
    layer = ImportanceSampling(4, 3, counts, k=2)
    q = layer.log_proposal().exp()
    assert torch.allclose(q.sum(), torch.tensor(1.0)) and q[1] > q[2] > q[0]
    assert torch.allclose(ImportanceSampling(4, 3, counts, k=2, power=0.0).log_proposal().exp(),
                          torch.full((3,), 1 / 3))


def test_the_tree_exposes_its_node_embeddings():
    hs = HierarchicalSoftmax(4, 5, np.array([5.0, 1, 1, 2, 3]))
    o, c = hs.node_embeddings()
    assert o.shape == (4, 4) and c.shape == (4,)  # |V| - 1 internal nodes
    x = torch.randn(4)
    for w in range(5):
        nodes, branch = hs.path(w)
        by_hand = torch.sigmoid((1 - 2 * branch) * (o[nodes] @ x + c[nodes])).prod()
        assert torch.isclose(by_hand, hs.log_prob(x[None], torch.tensor([w])).exp()[0])
