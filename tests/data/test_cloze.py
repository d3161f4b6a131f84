"""The cloze reading-comprehension set: entity phrases, answers in the passage, no-answers."""

import pytest

import lmkit.data.cloze as cloze
import lmkit.data.corpora as corpora
from lmkit.data import cloze_qa
from lmkit.data.cloze import entity_phrases


def test_entity_phrases():
    w = "Work on the Gloire began in France under Henri Dupuy de Lome for the French Navy"
    w = w.split()
    assert entity_phrases(w) == [(3, 3), (6, 6), (8, 9), (11, 11), (14, 15)]
    assert entity_phrases(w, longest=1) == [(3, 3), (6, 6), (11, 11)]
    assert entity_phrases("The Gloire sailed to Toulon".split()) == [(4, 4)]
    # a run at the sentence's start is never taken, nor its tail
    assert entity_phrases("Du Fu wrote poems in Chang'an".split()) == []
    assert entity_phrases("1850 : the Navy @-@ Yard".split()) == [(3, 3), (5, 5)]


def article(i):
    return [["=", f"Title{i}", "="],
            f"In 1850 the ship Gloire{i} sailed from Toulon with Admiral Bruat aboard .".split(),
            "Nothing of note happened then .".split(),
            f"Later the Gloire{i} returned to Toulon in triumph .".split()]


@pytest.fixture
def fake(monkeypatch):
    lines = [line for i in range(30) for line in article(i)]
    monkeypatch.setattr(corpora, "load_wikitext2",
                        lambda keep_blank=True: {"train": lines, "valid": lines, "test": lines})


def test_answers_lie_in_their_passage(fake):
    qs = cloze_qa("train", seed=0)
    assert qs
    for q in qs:
        assert q["question"].count(cloze.PLACEHOLDER) == 1
        words = q["passage"].split()
        if q["answer"]:
            a, b = q["span"]
            assert " ".join(words[a:b + 1]) == q["answer"]
        else:
            assert q["span"] is None
    answers = {q["answer"] for q in qs}
    assert answers <= {"", "Toulon"} | {f"Gloire{i}" for i in range(30)}
    for q in qs:                       # each question names the article it came from
        assert q["answer"] in ("", "Toulon") or q["answer"] == f"Gloire{q['article']}"
        assert "Gloire" not in q["question"] or f"Gloire{q['article']} " in q["question"]


def test_the_no_answer_share(fake):
    qs = cloze_qa("train", seed=0, p_none=0.5, per_paragraph=2)
    share = sum(q["answer"] == "" for q in qs) / len(qs)
    assert 0.25 < share < 0.75
    assert all(q["answer"] == "" for q in cloze_qa("train", p_none=1.0))


def test_bad_input(fake):
    with pytest.raises(ValueError, match="split"):
        cloze_qa("dev")
    with pytest.raises((TypeError, ValueError)):
        cloze_qa("train", p_none=2.0)


def test_the_passage_is_the_paragraph_closest_to_the_question():
    import numpy as np

    paragraphs = [["the", "cat", "sat"], ["Ships", "sailed", "from", "Toulon"],
                  ["ships", "sailed", "."]]
    question = "ships sailed from Brest to @placeholder".split()
    rng = np.random.default_rng(0)
    # words of four letters or more, any case: 3 shared, then 2, then 0
    assert cloze._closest(paragraphs, question, rng) is paragraphs[1]
    tied = [["ships", "sailed"], ["sailed", "ships"]]
    picks = {id(cloze._closest(tied, question, rng)) for _ in range(40)}
    assert picks == {id(tied[0]), id(tied[1])}          # ties drawn at random


def test_passage_phrases_are_the_entity_phrases_of_each_sentence():
    from lmkit.data import passage_phrases

    p = "The Gloire sailed to Toulon . The Navy left Brest for Toulon ."
    # a run that starts a sentence is skipped whole ("The Gloire", "The Navy"): its first
    # capital may be the sentence's only
    assert passage_phrases(p) == ["Toulon", "Brest", "Toulon"]
    assert passage_phrases("nothing here .") == []
