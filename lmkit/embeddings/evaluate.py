r"""Intrinsic evaluation of word vectors: analogy accuracy and word-pair correlation.

Both follow gensim 4.4's ``KeyedVectors.evaluate_word_analogies`` and ``evaluate_word_pairs``
rule for rule, so that the book's numbers can be set beside gensim's:

- only the first ``restrict_vocab`` words (the most frequent, by convention) count: a question
  or a pair with a word outside them is out of vocabulary (OOV) and is skipped, or with
  ``dummy4unknown`` scored as wrong (analogies) or as similarity 0 (pairs);
- ``case_insensitive`` compares words in upper case, a word standing for the first (most
  frequent) of its case variants;
- an analogy "a : b :: c : d" is answered by the best of the first 5 candidates (3CosAdd over
  the first ``restrict_vocab`` words, the query words excluded) that is not, in any case, one
  of a, b, c (failing that, by the fifth: gensim's rule).

``method="mul"`` answers with 3CosMul instead (Levy and Goldberg 2014); gensim's evaluation
offers only 3CosAdd.  Correlations are computed here in numpy (Pearson's :math:`r` and
Spearman's :math:`\rho`, the Pearson correlation of the ranks, ties given their average rank).
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ..checks import check_int
from .keyed import KeyedVectors, query_scores, top_candidates

__all__ = ["PairScores", "evaluate_word_analogies", "evaluate_word_pairs", "pearson", "spearman"]

PAIR_SETS = ("wordsim353", "simlex999", "men")
TOPN = 5  # gensim looks at the 5 best candidates for one that is not a query word
_BATCH_FLOATS = 1 << 22  # scores held at once (16 MB of float32, reused by malloc)


# --- correlations ---------------------------------------------------------------------------

def _paired(x, y) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(f"correlation needs two 1-d arrays of equal length, got shapes "
                         f"{x.shape} and {y.shape}")
    if len(x) < 2:
        raise ValueError(f"correlation needs at least 2 pairs, got {len(x)}")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError("correlation needs finite numbers, got NaN or inf")
    return x, y


def pearson(x, y) -> float:
    r"""Pearson's :math:`r = \frac{\sum_i (x_i - \bar x)(y_i - \bar y)}{\sqrt{\sum_i (x_i -
    \bar x)^2 \sum_i (y_i - \bar y)^2}}`; a constant input (undefined :math:`r`) is refused."""
    x, y = _paired(x, y)
    for name, v in (("first", x), ("second", y)):
        if np.ptp(v) == 0:
            raise ValueError(f"correlation is undefined: the {name} input is constant "
                             f"({v[0]:g} throughout)")
    xm, ym = x - x.mean(), y - y.mean()
    xm, ym = xm / np.abs(xm).max(), ym / np.abs(ym).max()  # as scipy: no overflow, no underflow
    r = np.dot(xm / np.linalg.norm(xm), ym / np.linalg.norm(ym))
    return float(np.clip(r, -1.0, 1.0))


def rank_average(x) -> np.ndarray:
    """Ranks 1..n of ``x``, tied values sharing the average of their ranks."""
    x = np.asarray(x, dtype=np.float64)
    order = np.argsort(x, kind="stable")
    xs = x[order]
    first = np.r_[True, xs[1:] != xs[:-1]]
    starts = np.flatnonzero(first)
    ends = np.r_[starts[1:], len(x)]
    ranks = np.empty(len(x))
    ranks[order] = ((starts + 1 + ends) / 2)[np.cumsum(first) - 1]
    return ranks


def spearman(x, y) -> float:
    r"""Spearman's :math:`\rho`: Pearson's :math:`r` of the ranks (ties: average ranks)."""
    x, y = _paired(x, y)
    return pearson(rank_average(x), rank_average(y))


# --- vocabulary as gensim's evaluations see it ----------------------------------------------

def _ok_vocab(kv: KeyedVectors, restrict_vocab, case_insensitive: bool):
    """``(lookup, canon, r)``: word (upper-cased if ``case_insensitive``) -> row of its first
    variant among the first ``r`` words, and for each of those rows the row that stands for it."""
    if not isinstance(kv, KeyedVectors):
        raise TypeError(f"evaluation takes a KeyedVectors, got {type(kv).__name__}")
    r = len(kv) if restrict_vocab is None else min(
        check_int("restrict_vocab", restrict_vocab, low=1), len(kv))
    if not isinstance(case_insensitive, bool):
        raise TypeError(f"case_insensitive must be True or False, got {case_insensitive!r}")
    if not case_insensitive:
        return kv.key_to_index if r == len(kv) else {w: i for i, w in
                                                     enumerate(kv.index_to_key[:r])}, None, r
    lookup: dict[str, int] = {}
    canon = np.empty(r, dtype=np.int64)
    for i, w in enumerate(kv.index_to_key[:r]):
        canon[i] = lookup.setdefault(w.upper(), i)
    return lookup, canon, r


def _norm(word: str, case_insensitive: bool) -> str:
    return word.upper() if case_insensitive else word


# --- analogies ------------------------------------------------------------------------------

def _read_analogies(path: Path) -> list[tuple[str, list[tuple[str, ...]]]]:
    """Sections of a questions-words file, read as gensim reads it: ``": name"`` starts a
    section, a line of other than four words is skipped."""
    sections: list[tuple[str, list[tuple[str, ...]]]] = []
    with open(path, "rb") as f:
        for line_no, raw in enumerate(f):
            line = raw.decode("utf-8")
            if line.startswith(": "):
                sections.append((line.lstrip(": ").strip(), []))
                continue
            if not sections:
                raise ValueError(f"{path}, line {line_no + 1}: a question before the first "
                                 f"section header (': name')")
            words = line.split()
            if len(words) == 4:
                sections[-1][1].append(tuple(words))
    return sections


def _analogy_sections(analogies) -> list[tuple[str, list[tuple[str, ...]]]]:
    if analogies is None:
        from ..data import load_analogies
        analogies = load_analogies()
    if isinstance(analogies, (str, PathLike)):
        path = Path(analogies)
        if not path.is_file():
            raise FileNotFoundError(f"no analogy file at {path}; pass None for the Google "
                                    f"analogies of lmkit.data, a path, or a dict")
        return _read_analogies(path)
    if not isinstance(analogies, dict):
        raise TypeError(f"analogies must be None (the Google set), a path to a questions-words "
                        f"file, or a dict section -> [(a, b, c, d), ...]; got "
                        f"{type(analogies).__name__}")
    out = []
    for name, questions in analogies.items():
        qs = []
        for q in questions:
            if isinstance(q, str) or len(q) != 4 or not all(isinstance(w, str) for w in q):
                raise ValueError(f"section {name!r}: a question must be 4 words (a, b, c, d) for "
                                 f"'a is to b as c is to d', got {q!r}")
            qs.append(tuple(q))
        out.append((str(name), qs))
    return out


def evaluate_word_analogies(kv: KeyedVectors, analogies=None, restrict_vocab: int | None = 300_000,
                            case_insensitive: bool = True, dummy4unknown: bool = False,
                            method: str = "add") -> tuple[float, list[dict]]:
    r"""Accuracy on analogy questions "a is to b as c is to d", as gensim 4.4 counts it.

    The answer is the best word by 3CosAdd, :math:`\cos(v_x, \hat v_b - \hat v_a + \hat v_c)`
    (``method="add"``, gensim's only method) or 3CosMul (``"mul"``) over the first
    ``restrict_vocab`` words, a, b and c excluded; the question is right when it is d.

    ``analogies``: None (the Google set, ``lmkit.data.load_analogies()``), a dict
    ``section -> [(a, b, c, d), ...]``, or a questions-words file.

    Returns ``(score, sections)``: the accuracy over the questions answered (0.0 when there
    were none), and per section, then ``"Total accuracy"``, a dict with ``"section"``,
    ``"correct"`` and ``"incorrect"`` (lists of the questions, upper-cased when
    ``case_insensitive``, as gensim's), ``"oov"`` (questions with a word outside the first
    ``restrict_vocab``: skipped, or counted incorrect with ``dummy4unknown``) and
    ``"oov_ratio"`` (their percentage of the section's questions).
    """
    if method not in ("add", "mul"):
        raise ValueError(f"method must be 'add' (3CosAdd, as gensim) or 'mul' (3CosMul), "
                         f"got {method!r}")
    lookup, canon, r = _ok_vocab(kv, restrict_vocab, case_insensitive)
    sections = _analogy_sections(analogies)
    questions = [tuple(_norm(w, case_insensitive) for w in q) for _, qs in sections for q in qs]
    if not questions:
        raise ValueError("no analogy questions to evaluate")
    ids = np.array([[lookup.get(w, -1) for w in q] for q in questions], dtype=np.int64)
    known = (ids >= 0).all(axis=1)
    correct = np.zeros(len(questions), dtype=bool)
    todo = np.flatnonzero(known)
    if len(todo):
        correct[todo] = _answer(kv, ids[todo], canon, r, method)
    out, start = [], 0
    for name, qs in sections:
        stop = start + len(qs)
        ok, seen = correct[start:stop], known[start:stop]
        qq = questions[start:stop]
        out.append({"section": name,
                    "correct": [q for q, c in zip(qq, ok) if c],
                    "incorrect": [q for q, c, s in zip(qq, ok, seen)
                                  if not c and (s or dummy4unknown)],
                    "oov": int((~seen).sum()),
                    "oov_ratio": float(100.0 * (~seen).sum() / len(qs)) if qs else 0.0})
        start = stop
    total = {"section": "Total accuracy",
             "correct": [q for s in out for q in s["correct"]],
             "incorrect": [q for s in out for q in s["incorrect"]],
             "oov": int((~known).sum()),
             "oov_ratio": float(100.0 * (~known).sum() / len(questions))}
    out.append(total)
    n = len(total["correct"]) + len(total["incorrect"])
    return (len(total["correct"]) / n if n else 0.0), out


def _answer(kv: KeyedVectors, ids: np.ndarray, canon: np.ndarray | None, r: int,
            method: str) -> np.ndarray:
    """Whether each question (rows ``a, b, c, d`` of ids) is answered right, in batches."""
    unit = kv.unit_vectors()
    candidates = unit[:r]
    batch = max(1, min(4096, _BATCH_FLOATS // (r * (3 if method == "mul" else 1))))
    right = np.zeros(len(ids), dtype=bool)
    for s in range(0, len(ids), batch):
        q = ids[s:s + batch]
        scores = query_scores(unit, candidates, q[:, 1:3], q[:, :1], method)
        top, _ = top_candidates(scores, q[:, :3], TOPN)
        valid = top >= 0
        stands = np.where(valid, top if canon is None else canon[np.maximum(top, 0)], -1)
        # the first candidate that is no query word in any case; failing that, the last one
        usable = valid & (stands != q[:, :1]) & (stands != q[:, 1:2]) & (stands != q[:, 2:3])
        last = valid.sum(axis=1) - 1
        pick = np.where(usable.any(axis=1), usable.argmax(axis=1), last)
        answer = np.where(last >= 0, stands[np.arange(len(q)), np.maximum(pick, 0)], -1)
        right[s:s + batch] = answer == q[:, 3]
    return right


# --- word pairs -----------------------------------------------------------------------------

class PairScores(NamedTuple):
    """Correlations of model cosines with human scores, and the share of pairs out of
    vocabulary (in percent, as gensim reports it)."""
    pearson: float
    spearman: float
    oov_ratio: float


def _read_pairs(path: Path, delimiter: str) -> list[tuple[str, str, float]]:
    """Pairs of a file, read as gensim reads it: ``#`` lines are comments, a line of other than
    three fields or with a non-numeric score is skipped."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line or line.startswith("#"):
                continue
            fields = line.split(delimiter)
            if len(fields) != 3:
                continue
            try:
                out.append((fields[0], fields[1], float(fields[2])))
            except ValueError:
                continue
    return out


def _pair_list(pairs, delimiter: str) -> list[tuple[str, str, float]]:
    if pairs is None:
        pairs = "wordsim353"
    if isinstance(pairs, str) and pairs.lower() in PAIR_SETS:
        from ..data import evalsets
        return getattr(evalsets, f"load_{pairs.lower()}")()
    if isinstance(pairs, (str, PathLike)):
        path = Path(pairs)
        if not path.is_file():
            raise FileNotFoundError(f"no word-pair file at {path}; name one of {PAIR_SETS}, or "
                                    f"pass a path or a list of (word1, word2, score)")
        return _read_pairs(path, delimiter)
    out = []
    for p in pairs:
        if isinstance(p, str) or len(p) != 3 or not all(isinstance(w, str) for w in p[:2]):
            raise ValueError(f"a word pair must be (word1, word2, score), got {p!r}")
        out.append((p[0], p[1], float(p[2])))
    return out


def evaluate_word_pairs(kv: KeyedVectors, pairs=None, restrict_vocab: int | None = 300_000,
                        case_insensitive: bool = True, dummy4unknown: bool = False,
                        delimiter: str = "\t") -> PairScores:
    r"""Correlation of the cosines :math:`\cos(v_1, v_2)` with human judgements, as gensim
    4.4's ``evaluate_word_pairs``: ``(pearson, spearman, oov_ratio)``.

    ``pairs``: None or ``"wordsim353"``, ``"simlex999"``, ``"men"`` (from ``lmkit.data``), a
    list of ``(word1, word2, score)``, or a file of lines ``word1<delimiter>word2<delimiter>
    score``.  A pair with a word outside the first ``restrict_vocab`` is skipped, or with
    ``dummy4unknown`` given similarity 0; ``oov_ratio`` is their percentage of all pairs.
    gensim also returns p-values; here only the coefficients (its cosines are float32, so the
    two agree to about 1e-7).
    """
    lookup, _, r = _ok_vocab(kv, restrict_vocab, case_insensitive)
    items = _pair_list(pairs, delimiter)
    gold = np.array([s for _, _, s in items], dtype=np.float64)
    ia = np.array([lookup.get(_norm(a, case_insensitive), -1) for a, _, _ in items], np.int64)
    ib = np.array([lookup.get(_norm(b, case_insensitive), -1) for _, b, _ in items], np.int64)
    known = (ia >= 0) & (ib >= 0)
    keep = np.ones_like(known) if dummy4unknown else known
    if not keep.any():
        raise ValueError("no word pair to evaluate: the set is empty" if not items else
                         f"no word pair to evaluate: each of the {len(items)} pairs has a word "
                         f"outside the first {r:,} words of the vocabulary (check the case, "
                         f"restrict_vocab, or pass dummy4unknown=True)")
    unit = kv.unit_vectors()
    model = np.zeros(len(items))
    model[known] = np.einsum("ij,ij->i", unit[ia[known]].astype(np.float64), unit[ib[known]])
    oov = int((~known).sum())
    return PairScores(pearson(gold[keep], model[keep]), spearman(gold[keep], model[keep]),
                      oov / len(items) * 100)  # in gensim's order of operations
