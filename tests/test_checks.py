"""lmkit.checks: the shared argument checks."""

import numpy as np
import pytest

from lmkit.checks import numeric_rows


def test_numeric_rows_gives_floats_or_names_the_caller():
    a = numeric_rows([[1, 2], [3, 4]], "f", "(m x n) array")
    assert a.dtype == float and a.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    with pytest.raises(ValueError, match="f needs a \\(m x n\\) array, one row of equal length"):
        numeric_rows([[1, 2], [3]], "f", "(m x n) array")
    with pytest.raises(TypeError, match="f needs a numeric \\(m x n\\) array, got dtype bool"):
        numeric_rows(np.ones((2, 2), bool), "f", "(m x n) array")
    with pytest.raises(TypeError, match="got dtype <U"):
        numeric_rows([["a"]], "f", "(m x n) array")
