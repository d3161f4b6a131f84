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


def test_a_character_model_is_refused_until_its_space_is_a_visible_symbol(tmp_path):
    text = ["the cat sat", "a cat ate the hat", "that hat"]
    chars = [list(s) for s in text]  # a character model: " " is a token
    lm = NgramLM(3, "kneser-ney", discount_fallback=True).fit(chars)
    with pytest.raises(ValueError, match=r"token ' ' \(id \d+\) holds whitespace.*visible symbol"):
        lm.write_arpa(tmp_path / "char.arpa")
    assert not list(tmp_path.iterdir())  # nothing written, not even a part file
    mapped = [["_" if t == " " else t for t in s] for s in chars]
    lm = NgramLM(3, "kneser-ney", discount_fallback=True).fit(mapped)
    lm.write_arpa(tmp_path / "char.arpa")
    kenlm = pytest.importorskip("kenlm")
    model = kenlm.Model(str(tmp_path / "char.arpa"))
    for s in mapped + [list("the_bat")]:
        ours = lm.token_logprobs([s]) / math.log(10)
        theirs = np.array([x[0] for x in model.full_scores(" ".join(s), bos=True, eos=True)])
        assert len(ours) == len(theirs) == len(s) + 1 and np.allclose(ours, theirs, atol=1e-4)
