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


def test_domain_words_by_hand():
    from lmkit.adapt import domain_words

    domain = [["oil", "price", "oil", "the"]] * 5 + [["barrel", "the"]]
    general = [["the", "price", "is", "the", "price"]] * 4
    # |V| = 5 (oil price the barrel is); N_D = 22, N_G = 20
    got = domain_words(domain, general, min_count=2, ratio=2.0)
    assert [w for w, _, _ in got] == ["oil"]
    w, c, r = got[0]
    assert c == 10 and abs(r - (11 / 27) / (1 / 25)) < 1e-12
    # "the" (6 of 22 against 8 of 20) is general; "barrel" is too rare for min_count=2
    every = domain_words(domain, general, min_count=1, ratio=1e-9)
    assert {w for w, _, _ in every} == {"oil", "price", "the", "barrel"}
    assert [r for _, _, r in every] == sorted((r for _, _, r in every), reverse=True)
    with pytest.raises(ValueError, match="ratio"):
        domain_words(domain, general, ratio=0)
    with pytest.raises(TypeError, match="one string"):
        domain_words("oil price", general)
