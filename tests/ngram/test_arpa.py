"""The ARPA writer: KenLM reads our files and scores every test token as we do."""

import math

import numpy as np
import pytest

from lmkit import NgramLM

BOOKS = [s.split() for s in ["BROWN READ HOLY BIBLE", "MARK READ A TEXT BOOK", "HE READ A BOOK BY DAVID"]]


@pytest.mark.parametrize("name", ["modified-kneser-ney", "kneser-ney", "katz", "witten-bell",
                                  "witten-bell-backoff", "jelinek-mercer", "absolute", "dirichlet"])
def test_arpa_agrees_with_kenlm(name, ptb, tmp_path):
    kenlm = pytest.importorskip("kenlm")
    # Katz's Good-Turing ratios are out of range for Penn Treebank's unigrams: fall back
    lm = NgramLM(3, name, discount_fallback=True).fit(ptb["train"][:4000], heldout=ptb["valid"][:300])
    lm.write_arpa(tmp_path / "lm.arpa")
    model = kenlm.Model(str(tmp_path / "lm.arpa"))
    test = ptb["test"][:200] + [["never", "seen", "words"], []]
    for s in test:
        ours = lm.token_logprobs([s]) / math.log(10)
        theirs = np.array([x[0] for x in model.full_scores(" ".join(s), bos=True, eos=True)])
        assert np.allclose(ours, theirs, atol=1e-4)
    assert not list(tmp_path.glob("*.part"))


@pytest.mark.parametrize("name, why", [("add-one", "backs off to the uniform"),
                                       ("good-turing", "backs off to the uniform"),
                                       ("church-gale", "backs off to the uniform"),
                                       ("mle", "gives unseen n-grams probability 0")])
def test_methods_without_an_arpa_form_say_so(name, why, tmp_path):
    with pytest.raises(ValueError, match=f"{why}.*no ARPA form"):
        NgramLM(2, name).fit(BOOKS).write_arpa(tmp_path / "x.arpa")
    assert not list(tmp_path.iterdir())
