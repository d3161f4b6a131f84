"""Chapter 3's five domains, read from the shared corpora."""

import pytest

from lmkit import data
from lmkit.adapt import load_domains

NAMES = ["news (PTB)", "encyclopaedia (WikiText-2)", "novels 1830-1879", "novels 1900-1930",
         "drama (Shakespeare)"]


def test_five_domains_cut_to_size():
    try:
        domains = load_domains(tokens=3000)
    except data.CorpusNotFoundError as err:  # pragma: no cover - CI always has LMKIT_DATA
        pytest.skip(f"corpora not available: {err}")
    assert list(domains) == NAMES
    for name, d in domains.items():
        for part, n in (("train", 3000), ("test", 300)):
            sents = d[part]
            total = sum(map(len, sents))
            # cut at the sentence that reaches n words: at least n, less than n + one sentence
            assert n <= total < n + len(sents[-1]), (name, part, total)
            assert all(s for s in sents)
            words = [w for s in sents for w in s if w not in ("<unk>", "N")]  # PTB's own tokens
            assert all(w == w.lower() for w in words), name
    with pytest.raises(ValueError, match=r"tokens .* must be an integer in \[10, inf\)"):
        load_domains(tokens=0)


def test_tokens_may_be_a_numpy_integer(monkeypatch):
    import numpy as np

    import lmkit.adapt.domains as domains

    class Reached(Exception):
        """Raised where the corpora would be read: the checks have passed."""

    def stop(*args, **kwargs):
        raise Reached

    monkeypatch.setattr(domains, "load_ptb", stop)
    with pytest.raises(Reached):
        load_domains(np.int64(3000))
