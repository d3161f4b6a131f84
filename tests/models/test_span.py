"""Span extraction: the notes' scoring by hand, the null answer, tau on dev, encoding."""

import numpy as np
import pytest
import torch

from lmkit.models import (BertConfig, BertEncoder, SpanConfig, SpanExtractor, best_spans,
                          best_threshold, encode_qa)
from lmkit.text.wordpiece import SPECIALS, WordPiece


def test_best_span_by_hand():
    # positions: 0 [CLS], 1-2 question, 3 [SEP], 4-7 passage, 8 [SEP]
    start = np.array([[1.0, 9, 9, 9, 0.5, 3.0, 0.0, 1.0, 9]])
    end = np.array([[2.0, 9, 9, 9, 0.0, 0.5, 4.0, 0.5, 9]])
    passage = np.array([[0, 0, 0, 0, 1, 1, 1, 1, 0]], dtype=bool)
    i, j, best, null = best_spans(start, end, passage, max_answer=30)
    # s_ij = S.T_i + E.T_j, j >= i: the best is i = 5 (3.0), j = 6 (4.0): 7.0
    assert (i[0], j[0], best[0], null[0]) == (5, 6, 7.0, 3.0)
    # j >= i: the end at 6 cannot pair with a start after it; a length limit of 1
    i, j, best, _ = best_spans(start, end, passage, max_answer=1)
    assert (i[0], j[0], best[0]) == (6, 6, 4.0)   # 0+4 beats 3+0.5 and 1+0.5
    # the question's high scores are never used: only the passage counts


def test_best_span_never_ends_before_it_starts():
    rng = np.random.default_rng(0)
    start, end = rng.normal(size=(50, 12)), rng.normal(size=(50, 12))
    passage = np.zeros((50, 12), dtype=bool)
    passage[:, 3:11] = True
    i, j, best, _ = best_spans(start, end, passage, max_answer=4)
    assert ((j >= i) & (j < i + 4) & (i >= 3) & (j < 11)).all()
    brute = [max(start[b, a] + end[b, c] for a in range(3, 11) for c in range(a, min(a + 4, 11)))
             for b in range(50)]
    assert np.allclose(best, brute)


def test_threshold_chosen_by_f1():
    best = np.array([5.0, 1.0, 4.0, 0.5])
    null = np.zeros(4)
    predicted = ["paris", "rome", "london", "oslo"]
    gold = ["paris", "", "london", ""]             # two answerable, two not
    tau, f1 = best_threshold(best, null, predicted, gold)
    assert f1 == 1.0 and 1.0 < tau < 4.0            # answer the two large margins only
    answered = (best - null) > tau
    assert answered.tolist() == [True, False, True, False]
    tau, f1 = best_threshold(best, null, predicted, ["", "", "", ""])
    assert f1 == 1.0 and ((best - null) <= tau).all()   # abstain everywhere
    tau, f1 = best_threshold(best, null, predicted, predicted)
    assert f1 == 1.0 and ((best - null) > tau).all()    # answer everywhere


VOCAB = list(SPECIALS) + ["where", "is", "the", "river", "?", "it", "flows", "past", "old",
                          "town", ".", "paris", "##ian", "down"]


def test_encode_qa_marks_the_passage_and_the_answer():
    wp = WordPiece(VOCAB)
    enc = encode_qa(wp, "where is the river?", "It flows past the old Parisian town .",
                    max_len=32, answer=(4, 6))          # "old parisian town"
    toks = wp.decode(enc["ids"])
    assert toks[:7] == ["[CLS]", "where", "is", "the", "river", "?", "[SEP]"]
    assert toks[-1] == "[SEP]" and enc["segments"].tolist().count(0) == 7
    s, e = enc["targets"]
    assert toks[s:e + 1] == ["old", "paris", "##ian", "town"]
    assert enc["passage"][s:e + 1].all() and not enc["passage"][:7].any()
    assert " ".join(enc["words"][enc["word_of"][s]:enc["word_of"][e] + 1]) == \
        "old Parisian town"                         # the passage's own words, cased


def test_an_answer_cut_off_by_the_window_is_no_answer():
    wp = WordPiece(VOCAB)
    enc = encode_qa(wp, "where is the river", "it flows past the old parisian town .",
                    max_len=13, answer=(4, 6))           # room for 13 - 4 - 3 = 6 pieces
    assert enc["targets"].tolist() == [0, 0]
    assert len(enc["ids"]) == 13


def test_bad_input():
    wp = WordPiece(VOCAB)
    with pytest.raises(ValueError, match="no room for the passage"):
        encode_qa(wp, "where is the river where is the river", "it flows", max_len=10)
    with pytest.raises(ValueError, match="word indices"):
        encode_qa(wp, "where", "it flows", max_len=16, answer=(1, 5))
    with pytest.raises(ValueError, match="no passage token"):
        best_spans(np.zeros((1, 4)), np.zeros((1, 4)), np.zeros((1, 4), dtype=bool), 3)
    with pytest.raises(ValueError, match="equally long"):
        best_threshold(np.zeros(2), np.zeros(2), ["a"], ["a", "b"])


def test_extractor_masks_outside_the_passage_and_trains():
    cfg = BertConfig(vocab_size=len(VOCAB), hidden_size=16, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=32, max_position_embeddings=32)
    torch.manual_seed(0)
    m = SpanExtractor(SpanConfig(dropout=0.0), BertEncoder(cfg))
    enc = encode_qa(WordPiece(VOCAB), "where is the river", "it flows past the old town .",
                    max_len=32, answer=(4, 5))
    ids = torch.as_tensor(enc["ids"])[None]
    passage = torch.as_tensor(enc["passage"])[None]
    logits, _ = m(ids, passage=passage)
    assert torch.isinf(logits[0, 1:5]).all() and torch.isfinite(logits[0, 0]).all()
    target = torch.as_tensor(enc["targets"])[None]
    opt = torch.optim.Adam(m.parameters(), lr=1e-2)
    for _ in range(60):
        loss = m(ids, target, segments=torch.as_tensor(enc["segments"])[None],
                 passage=passage)[1]
        opt.zero_grad()
        loss.backward()
        opt.step()
    logits, _ = m(ids, passage=passage)
    i, j, _, _ = best_spans(logits[..., 0].detach(), logits[..., 1].detach(), passage, 30)
    assert (i[0], j[0]) == tuple(enc["targets"])
    with pytest.raises(ValueError, match=r"\(batch, 2\)"):
        m(ids, torch.tensor([1, 2]))


EXAMPLES = [
    {"question": "where is the river", "passage": "it flows past the old parisian town .",
     "answer": "old parisian town", "span": (4, 6)},
    {"question": "where is it", "passage": "the river flows down .", "answer": "", "span": None},
    {"question": "is the town old", "passage": "the town is old .", "answer": "town",
     "span": (1, 1)},
]


def _tiny_bert(layers=2):
    cfg = BertConfig(vocab_size=len(VOCAB), hidden_size=16, num_hidden_layers=layers,
                     num_attention_heads=2, intermediate_size=32, max_position_embeddings=32)
    torch.manual_seed(0)
    return BertEncoder(cfg).eval()


def test_qa_data_pads_and_maps_targets_back_to_the_gold_text():
    from lmkit.models import qa_data

    data = qa_data(WordPiece(VOCAB), EXAMPLES, max_len=32)
    a = data.arrays
    assert len(data) == 3 and a["x"].shape == a["mask"].shape == a["passage"].shape
    assert a["mask"].sum(1).tolist() == [len(encode_qa(WordPiece(VOCAB), e["question"],
                                                       e["passage"], 32)["ids"])
                                         for e in EXAMPLES]
    for k, e in enumerate(EXAMPLES):
        s, t = a["targets"][k]
        assert data.text(k, s, t) == e["answer"]          # (0, 0) reads back as ''
    assert not (a["passage"] & ~a["mask"]).any()
    with pytest.raises(ValueError, match="missing"):
        qa_data(WordPiece(VOCAB), [{"question": "where"}])


def test_bert_top_over_cached_layers_equals_the_whole_encoder():
    from lmkit.models import BertTop, hidden_states, qa_data

    bert = _tiny_bert()
    a = qa_data(WordPiece(VOCAB), EXAMPLES, max_len=32).arrays
    ids, seg, mask = (torch.as_tensor(a[k]) for k in ("x", "segments", "mask"))
    with torch.no_grad():
        whole = bert(ids, seg, mask)
        for k in (0, 1, 2):
            h = hidden_states(bert, ids, seg, mask, k, batch=2, dtype=torch.float32)
            top = BertTop(bert, k)(h, seg, mask)
            real = mask.bool()
            assert torch.allclose(top[real], whole[real], atol=1e-5)
    assert len(BertTop(bert, 2).blocks) == 0
    with pytest.raises(ValueError, match="not token ids"):
        BertTop(bert, 1)(ids)
    with pytest.raises(ValueError, match="k must"):
        BertTop(bert, 3)


def test_answer_and_scores_with_the_null_threshold():
    from lmkit.models import BertTop, answer, qa_data, qa_scores

    bert = _tiny_bert()
    data = qa_data(WordPiece(VOCAB), EXAMPLES, max_len=32)
    frozen = data.frozen_below(bert, 1)
    assert frozen.arrays["x"].dtype == torch.float16 and frozen.gold == data.gold
    torch.manual_seed(0)
    m = SpanExtractor(SpanConfig(dropout=0.0), BertTop(bert, 1))
    pred, best, null = answer(m, frozen, batch=2)
    assert len(pred) == 3 and (best >= null - 1e9).all()
    for k, p in enumerate(pred):                          # each answer is passage words
        assert p in EXAMPLES[k]["passage"]
    every = qa_scores(pred, data.gold)
    assert every["answered"] == 1.0
    none = qa_scores(pred, data.gold, best, null, tau=np.inf)
    assert none == {"em": 1 / 3, "f1": 1 / 3, "answered": 0.0}     # only the '' one right
    assert qa_scores(["old parisian town", "", "the town"], data.gold) == \
        {"em": 1.0, "f1": 1.0, "answered": 2 / 3}
    with pytest.raises(ValueError, match="equally long"):
        qa_scores(pred, data.gold[:2])


def test_padding_columns_are_cut_without_changing_the_scores():
    from lmkit.models import qa_data

    bert = _tiny_bert()
    a = qa_data(WordPiece(VOCAB), EXAMPLES, max_len=32).arrays
    m = SpanExtractor(SpanConfig(dropout=0.0), bert).eval()
    x, seg, mask, psg = (torch.as_tensor(a[k]) for k in ("x", "segments", "mask", "passage"))
    wide = [torch.nn.functional.pad(t, (0, 5)) for t in (x, seg, mask, psg)]   # 5 more pads
    with torch.no_grad():
        narrow = m(x, segments=seg, mask=mask, passage=psg)[0]
        padded = m(*wide[:1], segments=wide[1], mask=wide[2], passage=wide[3])[0]
    assert padded.shape[1] == narrow.shape[1] + 5
    assert torch.isinf(padded[:, -5:]).all()
    ok = torch.isfinite(narrow)
    assert torch.allclose(padded[:, :-5][ok], narrow[ok], atol=1e-5)


def test_padding_is_never_a_start_or_an_end():
    bert = _tiny_bert()
    m = SpanExtractor(SpanConfig(dropout=0.0), bert).eval()
    ids = torch.tensor([[2, 5, 6, 3, 0, 0], [2, 5, 6, 7, 8, 3]])
    mask = ids != 0
    logits = m(ids, mask=mask)[0]
    assert torch.isinf(logits[0, 4:]).all() and torch.isfinite(logits[1]).all()


def test_answer_indices_count_space_separated_words_even_with_punctuation():
    # WikiText writes "'s" and "@-@" as words; WordPiece's basic split cuts them further,
    # and the answer's indices must still count the passage's space-separated words
    vocab = VOCAB + ["'", "s", "@", "-"]
    wp = WordPiece(vocab)
    passage = "the river 's old @-@ town flows past paris ."
    words = passage.split()
    enc = encode_qa(wp, "where", passage, max_len=40, answer=(5, 5))   # "town"
    s, e = enc["targets"]
    assert wp.decode(enc["ids"])[s:e + 1] == ["town"]
    assert " ".join(words[enc["word_of"][s]:enc["word_of"][e] + 1]) == "town"
    assert enc["words"] == words
