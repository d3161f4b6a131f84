"""``import lmkit.adapt`` is cheap: torch loads only with the max-ent names."""

import subprocess
import sys

import lmkit.adapt
from conftest import ROOT


def test_import_adapt_does_not_import_torch():
    code = ("import sys, lmkit.adapt\n"
            "from lmkit.adapt import CacheLM, MixtureLM, SkipBigram, em_weights, load_domains\n"
            "assert 'torch' not in sys.modules, 'lmkit.adapt imported torch'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_public_names():
    from lmkit.interpolate import em_weights

    assert lmkit.adapt.em_weights is em_weights  # one EM, re-exported
    assert {"MaxEntLM", "select_triggers", "maxent_features"} <= set(lmkit.adapt.__all__)
    assert not any(name.startswith("_") for name in lmkit.adapt.__all__)
