"""lmkit.nn.cost: the output layers' multiply-adds per token."""

import pytest


def test_theoretical_speedup():
    from lmkit.nn import theoretical_speedup

    assert theoretical_speedup("full", 10_000) == 1
    assert theoretical_speedup("class", 10_000) == pytest.approx(50)
    assert theoretical_speedup("hierarchical", 1024) == pytest.approx(102.4)
    assert theoretical_speedup("nce", 10_000, 100) == theoretical_speedup("importance", 10_000, 100) == 100
    with pytest.raises(ValueError, match="unknown output layer"):
        theoretical_speedup("tree", 100)
    with pytest.raises(ValueError, match="k is for the sampled layers"):
        theoretical_speedup("class", 100, 10)
    with pytest.raises(TypeError, match="the number of samples k"):
        theoretical_speedup("nce", 100)
