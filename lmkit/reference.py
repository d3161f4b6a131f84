"""Published numbers that the book sets beside its own, in one place, and the ledger of ours.

Notebooks, tests and benchmarks read a number from here instead of typing it, so that each
figure is stated once, with its source (a key of ``references.bib``, or ``"notes"`` for the
study notes), where in the source it stands, and what exactly it measures.

A notebook that sets its own result beside a published one calls ``reproduce(key, ours,
...)``.  With ``rel_tol`` (or ``holds``) the call is also the assert; either way it records the
pair in a ledger (one small JSON file per key, in ``results_dir()``), from which the book's
reproduction page is generated: no number on that page is typed by hand.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["PUBLISHED", "Published", "Result", "published", "read_results", "reproduce",
           "reproduction_rows", "results_dir", "table"]


@dataclass(frozen=True)
class Published:
    """One published number or claim.

    ``value`` is a float (a table's figure), a string (a claim, e.g. an ordering of methods) or
    ``None`` when the reference is a tool's output computed in the same run (KenLM's perplexity
    of our ARPA file).  ``chapter`` is the notebook that reproduces it (e.g. ``"02c"``);
    ``profile`` is ``"full"`` for rows that only ``LMKIT_PROFILE=full`` runs at paper size, and
    ``"benchmark"`` for rows that a script of ``benchmarks/`` measures (its table is in the
    README)."""

    value: float | str | None
    source: str
    where: str
    setting: str
    chapter: str
    profile: str = "default"


_PTB = "Penn Treebank (Mikolov's version), test perplexity"

PUBLISHED: dict[str, Published] = {
    # ---- chapter 1 ----
    # the notes' worked example (after Chen & Goodman): an ML bigram of three sentences
    "notes/brown-read-a-book": Published(0.06, "notes", "chapter 1, worked example",
                                         "p(BROWN READ A BOOK) under the maximum-likelihood "
                                         "bigram of the three-sentence corpus", "01"),
    # ---- chapter 2 ----
    # Mikolov (2012), thesis, Table 4.1: the landmarks of chapters 2 to 4
    "ptb/gt3": Published(165.2, "mikolov2012statistical", "Table 4.1",
                         f"{_PTB}, Good-Turing trigram (SRILM)", "02c"),
    "ptb/kn3": Published(148.3, "mikolov2012statistical", "Table 4.1",
                         f"{_PTB}, Kneser-Ney trigram", "02c"),
    "ptb/kn5": Published(141.2, "mikolov2012statistical", "Table 4.1",
                         f"{_PTB}, Kneser-Ney 5-gram", "02c"),
    # KenLM (Heafield 2011) scoring the ARPA files lmkit writes for the three rows above
    "ptb/gt3-kenlm": Published(None, "heafield2011kenlm", "kenlm.Model, same run",
                               f"{_PTB}, our Katz trigram read from its ARPA file", "02c"),
    "ptb/kn3-kenlm": Published(None, "heafield2011kenlm", "kenlm.Model, same run",
                               f"{_PTB}, our modified Kneser-Ney trigram read from its ARPA "
                               "file", "02c"),
    "ptb/kn5-kenlm": Published(None, "heafield2011kenlm", "kenlm.Model, same run",
                               f"{_PTB}, our modified Kneser-Ney 5-gram read from its ARPA "
                               "file", "02c"),
    # Chen and Goodman (1999), section 5: the ranking of the methods
    "chen-goodman/ordering": Published(
        "modified KN < KN < the other methods < additive (test cross-entropy)",
        "chen1999empirical", "section 5.1, overall results",
        "trigram models, large training sets, several English corpora", "02b"),
    # ---- chapter 3 ----
    "ptb/kn5+cache": Published(125.7, "mikolov2012statistical", "Table 4.1",
                               f"{_PTB}, Kneser-Ney 5-gram with a cache", "03a"),
    # ---- chapter 4 ----
    "ptb/ffnn": Published(140.2, "mikolov2012statistical", "Table 4.1",
                          f"{_PTB}, feed-forward neural network LM", "04a"),
    "ptb/rnn": Published(124.7, "mikolov2012statistical", "Table 4.1",
                         f"{_PTB}, RNN language model", "04c"),
    "ptb/rnn+kn5": Published(105.7, "mikolov2012statistical", "Table 4.1",
                             f"{_PTB}, RNN interpolated with the Kneser-Ney 5-gram", "04c"),
    # Zaremba et al. (2014), Table 1: the full profile of chapter 4
    "ptb/lstm-medium": Published(82.7, "zaremba2014recurrent", "Table 1",
                                 f"{_PTB}, 2 x 650 LSTM, dropout 0.5, 39 epochs", "04c",
                                 profile="full"),
    # ---- chapter 5 ----
    # Mikolov et al. (2013b), section 2: the claims that 05b measures on the novels
    "word2vec/negatives-k": Published(
        "k = 5-20 for small training sets; k = 2-5 suffices for large ones",
        "mikolov2013distributed", "section 2.2",
        "number of negative samples per positive pair, skip-gram, analogy accuracy", "05b"),
    "word2vec/noise-exponent": Published(
        "U(w)^(3/4) beats the unigram (exponent 1) and the uniform (exponent 0) noise",
        "mikolov2013distributed", "section 2.2",
        "noise distribution of negative sampling, every task they tried", "05b"),
    "word2vec/subsampling": Published(
        "subsampling frequent words speeds training and improves rare words' vectors",
        "mikolov2013distributed", "section 2.3",
        "discarding each occurrence with P = 1 - sqrt(t / f(w))", "05b"),
    "notes/skipgram-rare-words": Published(
        "skip-gram represents rare words better than CBOW", "notes", "chapter 5, word2vec",
        "skip-gram against CBOW, same corpus and settings", "05b"),
    # gensim 4.4 (Rehurek and Sojka 2010) trained in 05c on the same novels with the same
    # settings: lmkit's word2vec and fastText beside the reference implementation
    **{f"novels/{key}-{test}-gensim": Published(
        None, "rehurek2010software", "gensim.models, same run",
        f"{name}, {what}, the same novels and settings as ours", "05c")
       for key, name in (("sg", "skip-gram"), ("cbow", "CBOW"), ("ft", "fastText"))
       for test, what in (("analogy", "Google analogy accuracy (3CosAdd)"),
                          ("men", "MEN Spearman rho"),
                          ("ws353", "WordSim-353 Spearman rho"))},
    # ---- chapter 6 ----
    # Pennington et al. (2014), Table 1: co-occurrence probabilities of four probe words k
    # given ice and given steam, and their ratio, counted on 6 billion tokens
    **{f"glove/{target}-{k}": Published(
        v, "pennington2014glove", "Table 1",
        f"P({k} | {target}) = X_{target},{k} / X_{target}, 6 billion tokens", "06a")
       for target, values in (("ice", (1.9e-4, 6.6e-5, 3.0e-3, 1.7e-5)),
                              ("steam", (2.2e-5, 7.8e-4, 2.2e-3, 1.8e-5)))
       for k, v in zip(("solid", "gas", "water", "fashion"), values)},
    **{f"glove/ratio-{k}": Published(
        v, "pennington2014glove", "Table 1",
        f"P({k} | ice) / P({k} | steam), 6 billion tokens", "06a")
       for k, v in zip(("solid", "gas", "water", "fashion"), (8.9, 8.5e-2, 1.36, 0.96))},
    "glove/alpha": Published(
        "alpha = 3/4 gives a modest improvement over alpha = 1", "pennington2014glove",
        "section 3, the weighting function f (Figure 1)",
        "exponent alpha of f(x) = min((x / x_max)^alpha, 1), x_max = 100", "06a"),
    "glove/sum-vectors": Published(
        "W + W~ as the word vectors gives a small boost over W, largest on the semantic "
        "analogies", "pennington2014glove", "section 4.2",
        "word vectors W, context vectors W~ and their sum", "06a"),
    "glove/window": Published(
        "syntactic analogies do better with small windows; semantic ones gain from larger "
        "windows", "pennington2014glove", "Figure 2 (b) and its discussion",
        "symmetric window of 2 to 10 words, 100-dimensional vectors, 6 billion tokens",
        "06a"),
    # Pennington et al. (2014), Table 2: analogy accuracy (total, %) of 300-dimensional
    # vectors on their 6-billion-token corpus, beside 06b's table on the novels
    "glove/analogy-6b": Published(71.7, "pennington2014glove", "Table 2",
                                  "GloVe, 300-d vectors, 6B tokens (Wikipedia 2014 + Gigaword "
                                  "5), Google analogies, total accuracy (%)", "06b"),
    "glove/sg-analogy-6b": Published(69.1, "pennington2014glove", "Table 2",
                                     "skip-gram (word2vec), 300-d vectors, 6B tokens, Google "
                                     "analogies, total accuracy (%)", "06b"),
    # ... section 3.2: the non-zero cells of X grow as a power of the corpus size
    "glove/nnz-exponent": Published("|X| = O(|C|^0.8)", "pennington2014glove", "section 3.2",
                                    "non-zero cells |X| of X against the corpus size |C|, from "
                                    "a power law of the counts fitted to their corpora "
                                    "(exponent 1.25)", "06b"),
    # the notes' claims about GloVe against word2vec, measured in 06b
    "notes/glove-converges-faster": Published(
        "GloVe converges faster than word2vec", "notes", "chapter 6, GloVe",
        "quality against epochs and against training time, same corpus", "06b"),
    "notes/glove-less-time": Published(
        "GloVe reaches an equal result in less training time than word2vec", "notes",
        "chapter 6, GloVe", "time to reach skip-gram's score, counting included", "06b"),
    "notes/glove-parallel": Published(
        "GloVe parallelises more easily than word2vec", "notes", "chapter 6, GloVe",
        "speed-up of an epoch from 1 to 2 threads", "06b"),
    # ---- chapter 7 ----
    # nanoGPT's README (Karpathy 2022), the CPU ("I only have a macbook") run of
    # train_shakespeare_char: validation loss "about 1.88"
    "nanogpt/shakespeare-char-cpu": Published(
        1.88, "karpathy2022nanogpt", "README.md, quick start, the CPU configuration",
        "Tiny Shakespeare characters (first 90% train, last 10% validation), 4 layers, "
        "4 heads, width 128, block 64, batch 12, dropout 0, lr 1e-3, 2,000 iterations: "
        "validation loss in nats per character (benchmarks/bench_gpt.py trains it)", "07c",
        profile="benchmark"),
    # the same README, the GPU run of config/train_shakespeare_char.py: "the best validation
    # loss is 1.4697" (one A100, about 3 minutes)
    "nanogpt/shakespeare-char-gpu": Published(
        1.4697, "karpathy2022nanogpt", "README.md, quick start, train_shakespeare_char.py",
        "Tiny Shakespeare characters (first 90% train, last 10% validation), 6 layers, "
        "6 heads, width 384, block 256, batch 64, dropout 0.2, lr 1e-3, 5,000 iterations: "
        "best validation loss in nats per character", "07c", profile="full"),
    # ---- chapter 8 ----
    # Devlin et al. (2019), section 3: "BERT_BASE (L=12, H=768, A=12, Total Parameters=110M)
    # and BERT_LARGE (L=24, H=1024, A=16, Total Parameters=340M)"; the notes repeat them
    "bert/base-params": Published(
        110.0, "devlin2019bert", "section 3, model architecture",
        "BERT base: 12 layers, width 768, 12 heads, WordPiece vocabulary 30,522: "
        "parameters in millions", "08a"),
    "bert/large-params": Published(
        340.0, "devlin2019bert", "section 3, model architecture",
        "BERT large: 24 layers, width 1024, 16 heads, WordPiece vocabulary 30,522: "
        "parameters in millions", "08a"),
}


def published(key: str) -> float | str | None:
    """The published value for ``key`` (e.g. ``"ptb/kn5"``)."""
    return _entry(key).value


def _entry(key: str) -> Published:
    if key not in PUBLISHED:
        raise KeyError(f"no published number {key!r}; known: {', '.join(PUBLISHED)}. "
                       "Add it to lmkit.reference.PUBLISHED, with its source.")
    return PUBLISHED[key]


def table() -> list[tuple[str, float | str | None, str, str, str]]:
    """Every published number as ``(key, value, source, where, setting)`` rows."""
    return [(k, p.value, p.source, p.where, p.setting) for k, p in PUBLISHED.items()]


# ---------------------------------------------------------------- the ledger of our numbers

@dataclass(frozen=True)
class Result:
    """Our number beside a published one, as one notebook run recorded it."""

    key: str
    ours: float | str
    reference: float | str | None  # the published value, or the tool's output in this run
    setting: str                   # how we measured ours
    asserted: bool                 # whether the run checked it (rel_tol or holds)
    check: str                     # what was checked, in words ("" when nothing was)
    profile: str
    recorded: float                # time.time() of the run


def results_dir() -> Path:
    """Where runs record their results: ``$LMKIT_RESULTS``, else ``<lmkit cache>/results``."""
    if os.environ.get("LMKIT_RESULTS"):
        return Path(os.environ["LMKIT_RESULTS"]).expanduser()
    from .data.store import cache_dir
    return cache_dir() / "results"


def reproduce(key: str, ours: float | str, *, setting: str, rel_tol: float | None = None,
              holds: bool | None = None, check: str = "",
              reference: float | str | None = None) -> Result:
    r"""Set ``ours`` beside the published ``key``, check it if asked, and record the pair.

    ``rel_tol`` asserts :math:`|ours / published - 1| \le` ``rel_tol``; ``holds`` is a check
    the caller evaluated (e.g. an ordering of methods), described by ``check``.  A failed
    check raises ``AssertionError`` naming both numbers; nothing is recorded then.
    ``reference`` supplies the value for a row whose reference is a tool run in the same
    notebook (its ``PUBLISHED`` value is ``None``)."""
    entry = _entry(key)
    ref = entry.value if reference is None else reference
    if ref is None:
        raise ValueError(f"{key!r} is a tool's output: pass reference=<its value in this run>")
    if rel_tol is not None and holds is not None:
        raise ValueError("give rel_tol or holds, not both")
    asserted = rel_tol is not None or holds is not None
    if rel_tol is not None:
        if not (isinstance(ours, (int, float)) and isinstance(ref, (int, float))):
            raise TypeError(f"rel_tol compares numbers; {key!r} has ours={ours!r}, "
                            f"reference={ref!r}: use holds= for a claim")
        if not math.isfinite(ours):
            raise AssertionError(f"{key}: ours is {ours}, not a finite number")
        diff = abs(ours / ref - 1)
        if diff > rel_tol:
            raise AssertionError(f"{key}: ours {ours:.4g} differs from {ref:.4g} "
                                 f"({entry.source}, {entry.where}) by {diff:.1%} > {rel_tol:.1%}")
        check = check or f"within {rel_tol:.1%}"
    elif holds is not None:
        if not check:
            raise ValueError("holds= needs check=, the claim in words")
        if not holds:
            raise AssertionError(f"{key}: the check {check!r} fails (ours {ours!r}, "
                                 f"reference {ref!r})")
    from .runtime import profile
    result = Result(key, float(ours) if isinstance(ours, (int, float)) else str(ours), ref,
                    setting, asserted, check if asserted else "", profile(), time.time())
    _write(result)
    return result


def _path(key: str) -> Path:
    return results_dir() / (key.replace("/", "__") + ".json")


def _write(result: Result) -> None:
    """Atomically: a reader never sees a half-written file."""
    path = _path(result.key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
        with os.fdopen(fd, "w") as f:
            json.dump(asdict(result), f)
        os.replace(tmp, path)
    except OSError as err:
        raise OSError(f"cannot record {result.key!r} in {path.parent} ({err}); set "
                      "LMKIT_RESULTS to a writable folder") from err


def read_results() -> dict[str, Result]:
    """Every recorded result in ``results_dir()``, by key (unreadable files are skipped)."""
    out = {}
    folder = results_dir()
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            r = Result(**json.loads(path.read_text()))
        except (ValueError, TypeError, OSError):
            continue
        if r.key in PUBLISHED:
            out[r.key] = r
    return out


def _fmt(x: float | str | None) -> str:
    if isinstance(x, float):
        return f"{x:,.4g}" if abs(x) < 1e4 else f"{x:,.0f}"
    return "" if x is None else str(x)


def reproduction_rows() -> list[dict[str, str]]:
    """The reproduction page's table: one row per published number, ours from the ledger.

    Columns: chapter, source, where, published, ours, setting, asserted.  A row whose
    notebook has not run says so; a full-profile row says it is not run in CI."""
    results = read_results()
    rows = []
    for key, p in sorted(PUBLISHED.items(), key=lambda kv: (kv[1].chapter, kv[0])):
        r = results.get(key)
        if r is None:
            ours = {"full": "full profile, not run in CI",
                    "benchmark": "measured by benchmarks/, not run in CI (README)"
                    }.get(p.profile, f"not run yet (run {p.chapter})")
            setting, asserted = p.setting, ""
        else:
            ours = _fmt(r.ours) + ("" if r.profile == "default" else f" ({r.profile} profile)")
            setting = r.setting
            asserted = f"yes: {r.check}" if r.asserted else "no"
        published_value = _fmt(p.value if p.value is not None else (r.reference if r else None))
        rows.append({"chapter": p.chapter, "source": p.source, "where": p.where,
                     "published": published_value or "(tool, same run)", "ours": ours,
                     "setting": setting, "asserted": asserted})
    return rows
