r"""Comparing word vectors on the evaluation sets, as chapter 5's fastText notebook does
(numpy only).

- ``intrinsic_scores``: one row of the evaluation table, the analogy accuracy (all, semantic,
  syntactic; 3CosAdd over the first ``restrict_vocab`` words) and the Spearman :math:`\rho`
  of WordSim-353, SimLex-999 and MEN, each with its out-of-vocabulary (OOV) share;
- ``analogy_summary``: the semantic and syntactic accuracy from the sections of
  ``evaluate_word_analogies`` (or gensim's);
- ``pair_spearman``: :math:`\rho` over every pair a model can score, with the share it covers
  (fastText scores words it never saw);
- ``neighbour_ranks``: where the intended word ranks among a query word's nearest neighbours
  (a misspelling and its correct spelling);
- ``context_pairs``: the (centre, context) pairs of a sentence within a full window, the
  "bag of contexts" skip-gram learns from.
"""

from __future__ import annotations

from collections import Counter
from typing import Sequence


from ..checks import check_int
from .evaluate import PAIR_SETS, evaluate_word_analogies, evaluate_word_pairs, spearman
from .keyed import KeyedVectors

__all__ = ["analogy_summary", "context_pairs", "intrinsic_scores",
           "is_syntactic", "neighbour_ranks", "pair_spearman"]


def is_syntactic(section: str) -> bool:
    """Whether a section of the Google analogies is syntactic: their names start with
    ``gram`` (``gram1-adjective-to-adverb`` ...); the others are semantic."""
    return section.startswith("gram")


def _sections(sections) -> list[dict]:
    try:
        rows = [s for s in sections if s["section"] != "Total accuracy"]
    except (TypeError, KeyError):
        raise TypeError("sections must be the list of dicts that evaluate_word_analogies "
                        "returns (second item), each with 'section', 'correct', 'incorrect'"
                        ) from None
    return rows


def analogy_summary(sections) -> dict[str, float]:
    r"""Accuracy over the questions answered, in all and by kind (``"semantic"``,
    ``"syntactic"``), with the numbers answered (``"n"``, ``"n_semantic"``,
    ``"n_syntactic"``), from the per-section results of ``evaluate_word_analogies``; an
    accuracy with no question answered is NaN."""
    out: dict[str, float] = {}
    rows = _sections(sections)
    for kind, pick in (("", lambda s: True), ("semantic", lambda s: not is_syntactic(s)),
                       ("syntactic", is_syntactic)):
        right = sum(len(s["correct"]) for s in rows if pick(s["section"]))
        n = right + sum(len(s["incorrect"]) for s in rows if pick(s["section"]))
        out[kind or "accuracy"] = right / n if n else float("nan")
        out["n" + (f"_{kind}" if kind else "")] = n
    return out


def intrinsic_scores(kv: KeyedVectors, restrict_vocab: int | None = 30_000,
                     analogies=None, pair_sets: Sequence[str] = PAIR_SETS) -> dict[str, float]:
    """One row of the evaluation table: ``analogy_summary`` of the Google analogies (or
    ``analogies``) and ``"analogy_oov"`` (the share of questions skipped), then for each of
    ``pair_sets`` its Spearman :math:`\\rho` (key: the set's name) and OOV share
    (``"<name>_oov"``), shares as fractions; as gensim counts them (``evaluate``)."""
    _, sections = evaluate_word_analogies(kv, analogies, restrict_vocab=restrict_vocab)
    row = analogy_summary(sections)
    row["analogy_oov"] = sections[-1]["oov_ratio"] / 100
    for name in pair_sets:
        got = evaluate_word_pairs(kv, name, restrict_vocab=restrict_vocab)
        row[name], row[f"{name}_oov"] = got.spearman, got.oov_ratio / 100
    return row


def pair_spearman(kv: KeyedVectors, pairs: Sequence[tuple[str, str, float]]
                  ) -> tuple[float, float]:
    r"""Spearman :math:`\rho` between the cosines :math:`\cos(v_1, v_2)` and the human scores
    over every pair that ``kv`` can give both words a vector (lower-cased; for a
    ``FastTextKeyedVectors`` every pair, from n-grams if unseen), and the share of pairs
    used."""
    got, gold = [], []
    for a, b, s in pairs:
        try:
            got.append(kv.similarity(a.lower(), b.lower()))
        except KeyError:
            continue
        gold.append(float(s))
    if len(got) < 2:
        raise ValueError(f"only {len(got)} of {len(pairs)} pairs have vectors for both words; "
                         f"a correlation needs at least 2")
    return spearman(got, gold), len(got) / len(pairs)


def neighbour_ranks(kv: KeyedVectors, queries: Sequence[tuple[str, str]], topn: int = 10,
                    restrict_vocab: int | None = None) -> list[tuple[str, str, int | None, str]]:
    """For each ``(query, intended)``: the rank (1 = nearest) of ``intended`` among the
    ``topn`` nearest words of ``query`` by cosine (``None`` if not among them) and the
    nearest word itself.  ``query`` may be outside the vocabulary for a
    ``FastTextKeyedVectors``."""
    topn = check_int("topn", topn, 1)
    out = []
    for q, want in queries:
        near = [w for w, _ in kv.most_similar(q, topn=topn, restrict_vocab=restrict_vocab)]
        out.append((q, want, near.index(want) + 1 if want in near else None,
                    near[0] if near else ""))
    return out


def context_pairs(tokens: Sequence[str], window: int) -> Counter:
    """The multiset of (centre, context) pairs of one sentence: every context word within
    ``window`` positions of each centre word (skip-gram's pairs with the full window, no
    subsampling).  Word order enters only through the distance limit."""
    window = check_int("window", window, 1)
    if isinstance(tokens, str) or not all(isinstance(t, str) for t in tokens):
        raise TypeError("tokens must be a list of str words, e.g. 'the dog bit'.split()")
    n = len(tokens)
    return Counter((tokens[i], tokens[j]) for i in range(n)
                   for j in range(max(0, i - window), min(n, i + window + 1)) if j != i)
