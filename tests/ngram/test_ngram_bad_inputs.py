"""Bad input to lmkit.ngram: every public constructor and method, each bad value a clear error
that names the problem (and numpy scalars, where a number is valid, accepted)."""

from pathlib import Path

import numpy as np
import pytest

from lmkit import NgramLM, UniformLM, Vocab
from lmkit.ngram import (KATZ_MAX_K, MAX_ORDER, Katz, KneserNey, NgramCounts, bits_by_count,
                         count_of_counts, learning_curves, length_mass, simple_good_turing)
from lmkit.text import pad_sentences

NAN, INF = float("nan"), float("inf")
BOOKS = [s.split() for s in ["BROWN READ HOLY BIBLE", "MARK READ A TEXT BOOK", "HE READ A BOOK BY DAVID"]]
HELD = [["HE", "READ", "A", "BOOK"]]
TINY = [["a", "b", "c"], ["b", "c", "a", "b"]]  # its trigram discounts are out of range

# the tiny fitted objects, built once
KN2 = NgramLM(2, "kneser-ney").fit(BOOKS)
MLE2 = NgramLM(2).fit(BOOKS)
MLE3 = NgramLM(3).fit(BOOKS)
CHAR = NgramLM(3, "kneser-ney", discount_fallback=True).fit([list("ab ab")])  # holds the token " "
EMPTY_TOKEN = NgramLM(2, "kneser-ney", discount_fallback=True).fit([["a", "", "b"], ["b", "a"]])
TAB_TOKEN = NgramLM(2, "kneser-ney", discount_fallback=True).fit([["a", "x\ty", "b"], ["b", "a"]])
NUL_TOKEN = NgramLM(2, "kneser-ney", discount_fallback=True).fit([["a", "x\0", "b"], ["b", "a"]])
BIG_VOCAB = NgramLM(1).fit([[f"w{i}" for i in range(5_001)]])
VOCAB = KN2.vocab
TOKENS, POS = pad_sentences(VOCAB, BOOKS)
COUNTS = NgramCounts(TOKENS, POS, 2, len(VOCAB))
UNIFORM = UniformLM(VOCAB)
NO_BOS = Vocab([["a"]], specials=("<unk>",))
ONLY_BOS = Vocab(specials=("<s>",), unk="<s>")
TMP = Path("not-made-yet")  # the folder the write_arpa cases write to, made by the fixture below


@pytest.fixture(scope="module", autouse=True)
def arpa_folder(tmp_path_factory):
    global TMP
    TMP = tmp_path_factory.mktemp("arpa")
    yield
    left = list(TMP.iterdir())
    assert not left, f"a refused write_arpa left {left}"


def lm(order=2, smoothing="mle", **kw):
    return NgramLM(order, smoothing, **kw)


def fit(smoothing, heldout=HELD, order=2, **kw):
    return NgramLM(order, smoothing, **kw).fit(BOOKS, heldout=heldout)


def curves(methods=("kneser-ney",), orders=(2,), sizes=(2,), **kw):
    return learning_curves(methods, orders, BOOKS, HELD, sizes, progress=False, discount_fallback=True, **kw)


ORDER = r"order must be an integer in \[1, 64\]"
CASES = [  # (id, callable, exception type, fragment of the message that names the problem)
    # -- NgramLM(order, smoothing, vocab, discount_fallback, **options)
    ("order=0", lambda: lm(0), ValueError, ORDER + r".*1 = unigram"),
    ("order=-1", lambda: lm(-1), ValueError, ORDER),
    ("order=MAX_ORDER+1", lambda: lm(MAX_ORDER + 1),
     ValueError, ORDER + r", got 65 \(above 64, almost every n-gram is seen once"),
    ("order=10**6", lambda: lm(10 ** 6), ValueError, ORDER),
    ("order=1.5", lambda: lm(1.5), TypeError, "order must be an integer, got float"),
    ("order=nan", lambda: lm(NAN), TypeError, "order must be an integer"),
    ("order=inf", lambda: lm(INF), TypeError, "order must be an integer"),
    ("order=True", lambda: lm(True), TypeError, "order must be an integer, got bool"),
    ("order='2'", lambda: lm("2"), TypeError, "order must be an integer, got str"),
    ("order=None", lambda: lm(None), TypeError, "order must be an integer"),
    ("smoothing unknown", lambda: lm(2, "magic"), ValueError, "unknown smoothing 'magic'.*mle"),
    ("smoothing misspelt", lambda: lm(2, "kneser_ney"), ValueError, "unknown smoothing 'kneser_ney'"),
    ("smoothing=None", lambda: lm(2, None), ValueError, "unknown smoothing None"),
    ("smoothing a list", lambda: lm(2, ["mle"]), ValueError, r"unknown smoothing \['mle'\]"),
    ("option it lacks", lambda: lm(2, "add-one", delta=0.5), TypeError,
     "'add-one' has no option 'delta'; its options are: none"),
    ("option of another", lambda: lm(2, "katz", discount=0.5), TypeError,
     "'katz' has no option 'discount'; its options are: k"),
    ("discount_fallback='yes'", lambda: lm(2, "katz", discount_fallback="yes"), ValueError,
     "discount_fallback must be True or False"),
    ("discount_fallback=1", lambda: lm(2, "kneser-ney", discount_fallback=1), ValueError,
     "discount_fallback must be True or False"),
    ("vocab a list", lambda: lm(2, vocab=["a", "b"]), TypeError, "vocab must be a lmkit.text.Vocab"),
    ("vocab without <s>", lambda: lm(2, vocab=NO_BOS), ValueError, "must contain '<s>'"),
    # -- the smoothing options: 0, negative, NaN, inf, a bool, a non-number
    ("delta=0", lambda: lm(2, "additive", delta=0),
     ValueError, r"delta .*must be a finite number in \(0, inf\)"),
    ("delta=-1", lambda: lm(2, "additive", delta=-1.0), ValueError, r"delta .*in \(0, inf\), got -1"),
    ("delta=nan", lambda: lm(2, "additive", delta=NAN), ValueError, "delta .*finite.*got nan"),
    ("delta=inf", lambda: lm(2, "additive", delta=INF), ValueError, "delta .*finite.*got inf"),
    ("delta=True", lambda: lm(2, "additive", delta=True), TypeError, "delta .*must be a number, got bool"),
    ("delta='0.5'", lambda: lm(2, "additive", delta="0.5"), TypeError, "delta .*must be a number, got str"),
    ("delta overflows", lambda: fit("additive", delta=1e308),
     ValueError, "delta = 1e.308 times the 13 outcomes overflows"),
    ("mu=0", lambda: lm(2, "dirichlet", mu=0),
     ValueError, r"mu \(the prior's strength\) must be a finite number in \(0"),
    ("mu=-2", lambda: lm(2, "dirichlet", mu=-2), ValueError, "mu .*got -2"),
    ("mu=nan", lambda: lm(2, "dirichlet", mu=NAN), ValueError, "mu .*finite.*got nan"),
    ("mu=inf", lambda: lm(2, "dirichlet", mu=INF), ValueError, "mu .*finite.*got inf"),
    ("mu=True", lambda: lm(2, "dirichlet", mu=True), TypeError, "mu .*must be a number, got bool"),
    ("discount=0", lambda: lm(2, "absolute", discount=0.0),
     ValueError, r"discount must be a finite number in \(0, 1\]"),
    ("discount=-0.5", lambda: lm(2, "absolute", discount=-0.5), ValueError, r"discount .*\(0, 1\], got -0.5"),
    ("discount=1.5", lambda: lm(2, "kneser-ney", discount=1.5), ValueError, r"discount .*\(0, 1\], got 1.5"),
    ("discount=nan", lambda: lm(2, "kneser-ney", discount=NAN), ValueError, "discount .*finite.*got nan"),
    ("discount=inf", lambda: lm(2, "absolute", discount=INF), ValueError, "discount .*finite.*got inf"),
    ("discount=True", lambda: lm(2, "absolute", discount=True),
     TypeError, "discount must be a number, got bool"),
    ("k=0", lambda: lm(2, "katz", k=0),
     ValueError, r"Katz's k .*must be an integer in \[1, 100\].*Katz used k = 5"),
    ("k=-3", lambda: lm(2, "katz", k=-3), ValueError, "Katz's k .*got -3"),
    ("k=KATZ_MAX_K+1", lambda: lm(2, "katz", k=KATZ_MAX_K + 1), ValueError, "Katz's k .*cost memory in k"),
    ("k=10**9", lambda: lm(2, "katz", k=10 ** 9), ValueError, r"Katz's k .*\[1, 100\], got 1000000000"),
    ("k=nan", lambda: lm(2, "katz", k=NAN), TypeError, "Katz's k .*must be an integer, got float"),
    ("k=inf", lambda: lm(2, "katz", k=INF), TypeError, "Katz's k .*must be an integer"),
    ("k=True", lambda: lm(2, "katz", k=True), TypeError, "Katz's k .*must be an integer, got bool"),
    ("k=2.5", lambda: lm(2, "katz", k=2.5), TypeError, "Katz's k .*must be an integer, got float"),
    ("JM buckets=0", lambda: lm(2, "jelinek-mercer", buckets=0),
     ValueError, r"buckets must be an integer in \[1, 64\]"),
    ("JM buckets=-1", lambda: lm(2, "jelinek-mercer", buckets=-1), ValueError, "buckets .*got -1"),
    ("JM buckets=65", lambda: lm(2, "jelinek-mercer", buckets=65), ValueError, r"buckets .*\[1, 64\], got 65"),
    ("JM buckets=nan", lambda: lm(2, "jelinek-mercer", buckets=NAN), TypeError, "buckets must be an integer"),
    ("JM buckets=inf", lambda: lm(2, "jelinek-mercer", buckets=INF), TypeError, "buckets must be an integer"),
    ("JM buckets=True", lambda: lm(2, "jelinek-mercer", buckets=True),
     TypeError, "buckets must be an integer, got bool"),
    ("JM iterations=0", lambda: lm(2, "jelinek-mercer", iterations=0), ValueError,
     r"iterations \(of EM\) must be an integer in \[1, 10000\]"),
    ("JM iterations=-5", lambda: lm(2, "jelinek-mercer", iterations=-5), ValueError, "iterations .*got -5"),
    ("JM iterations=10**9", lambda: lm(2, "jelinek-mercer", iterations=10 ** 9),
     ValueError, "iterations .*10000"),
    ("JM iterations=nan", lambda: lm(2, "jelinek-mercer", iterations=NAN),
     TypeError, "iterations .*must be an integer"),
    ("JM iterations=inf", lambda: lm(2, "jelinek-mercer", iterations=INF),
     TypeError, "iterations .*must be an integer"),
    ("JM iterations=True", lambda: lm(2, "jelinek-mercer", iterations=True),
     TypeError, "iterations .*got bool"),
    ("CG buckets=0", lambda: lm(2, "church-gale", buckets=0),
     ValueError, r"buckets must be an integer in \[1, inf\)"),
    ("CG buckets=-1", lambda: lm(2, "church-gale", buckets=-1), ValueError, "buckets .*got -1"),
    ("CG buckets=nan", lambda: lm(2, "church-gale", buckets=NAN), TypeError, "buckets must be an integer"),
    ("CG buckets=inf", lambda: lm(2, "church-gale", buckets=INF), TypeError, "buckets must be an integer"),
    ("CG buckets=True", lambda: lm(2, "church-gale", buckets=True),
     TypeError, "buckets must be an integer, got bool"),
    ("CG order 3", lambda: lm(3, "church-gale"),
     ValueError, r"Church-Gale is defined for bigrams \(order=2\), not order=3"),
    ("MKN discounts a list", lambda: lm(2, "modified-kneser-ney", discounts=[0.5, 1.0, 1.5]), TypeError,
     r"discounts must be a dict \{order: \(D1, D2, D3\+\)\}, e.g. \{2: \(0.5, 1.0, 1.5\)\}"),
    ("MKN two discounts", lambda: lm(2, "modified-kneser-ney", discounts={2: (0.5, 1.0)}), ValueError,
     r"discounts\[2\] must be \(D1, D2, D3\+\), three numbers"),
    ("MKN one number", lambda: lm(2, "modified-kneser-ney", discounts={2: 0.5}), ValueError,
     r"discounts\[2\] must be \(D1, D2, D3\+\)"),
    ("MKN order it lacks", lambda: lm(2, "modified-kneser-ney", discounts={3: (0.5, 1.0, 1.5)}), ValueError,
     "discounts gives .* for order 3, but this 2-gram model has orders 1 to 2: remove it, or raise"),
    ("MKN order 0", lambda: lm(2, "modified-kneser-ney", discounts={0: (0.5, 1.0, 1.5)}), ValueError,
     "for order 0, but this 2-gram model has orders 1 to 2"),
    ("MKN order '2'", lambda: lm(2, "modified-kneser-ney", discounts={"2": (0.5, 1.0, 1.5)}), TypeError,
     "an order of discounts must be an integer, got str"),
    ("MKN order True", lambda: lm(2, "modified-kneser-ney", discounts={True: (0.5, 1.0, 1.5)}), TypeError,
     "an order of discounts must be an integer, got bool"),
    ("MKN D2 too big", lambda: lm(2, "modified-kneser-ney", discounts={2: (0.5, 2.5, 1.0)}), ValueError,
     r"D2 of discounts\[2\] must be a finite number in \(0, 2\], got 2.5"),
    ("MKN D1=0", lambda: lm(2, "modified-kneser-ney", discounts={2: (0, 1.0, 1.5)}), ValueError,
     r"D1 of discounts\[2\] .*\(0, 1\], got 0"),
    ("MKN D3 negative", lambda: lm(2, "modified-kneser-ney", discounts={1: (0.5, 1.0, -1)}), ValueError,
     r"D3 of discounts\[1\] .*\(0, 3\], got -1"),
    ("MKN D1=nan", lambda: lm(2, "modified-kneser-ney", discounts={2: (NAN, 1.0, 1.5)}), ValueError,
     "D1 of discounts.*finite.*got nan"),
    ("MKN D2=inf", lambda: lm(2, "modified-kneser-ney", discounts={2: (0.5, INF, 1.5)}), ValueError,
     "D2 of discounts.*finite.*got inf"),
    ("MKN D1=True", lambda: lm(2, "modified-kneser-ney", discounts={2: (True, 1.0, 1.5)}), TypeError,
     "D1 of discounts.*must be a number, got bool"),
    # -- fit(sentences, heldout)
    ("fit no sentences", lambda: lm().fit([]), ValueError, "empty corpus"),
    ("fit one empty sentence", lambda: lm().fit([[]]), ValueError, "empty corpus"),
    ("fit empty sentences", lambda: lm().fit([[], []]), ValueError, "empty corpus"),
    ("fit a string", lambda: lm().fit("a b"), TypeError, "not one string"),
    ("fit string sentences", lambda: lm().fit(["a b", "c"]), TypeError, "got the string 'a b'"),
    ("fit an int token", lambda: lm().fit([["a", 1]]), TypeError, "tokens must be str"),
    ("fit a literal <s>", lambda: lm().fit([["a", "<s>", "b"]]), ValueError, "contains the token '<s>'"),
    ("fit a literal </s>", lambda: lm().fit([["</s>", "b"]]), ValueError, "contains the token '</s>'"),
    ("heldout a string", lambda: fit("jelinek-mercer", heldout="a b"), TypeError, "not one string"),
    ("heldout empty", lambda: fit("jelinek-mercer", heldout=[]), ValueError, "held-out set is empty"),
    ("JM without heldout", lambda: fit("jelinek-mercer", heldout=None), ValueError,
     "jelinek-mercer fits its parameters on held-out data: call fit"),
    ("dirichlet without heldout", lambda: fit("dirichlet", heldout=None), ValueError,
     "dirichlet fits its parameters on held-out"),
    ("additive without heldout", lambda: fit("additive", heldout=None), ValueError,
     "additive fits its parameters on held-out"),
    ("KN discounts out of range", lambda: NgramLM(3, "kneser-ney").fit(TINY), ValueError,
     "kneser-ney: the order-3 discounts are out of range.*Pass discount_fallback=True"),
    ("Katz discounts out of range", lambda: NgramLM(2, "katz").fit(BOOKS), ValueError,
     r"order-1 .* n_1..n_6 = 8, 2, 2, 0, 0, 0 include a zero.*choose a smaller k"),
    # -- queries
    ("prob context a string", lambda: KN2.prob("A", "READ"), TypeError,
     r"context must be a sequence of tokens, e.g. \['<s>', 'the'\], not a string"),
    ("prob context None", lambda: KN2.prob("A", None),
     TypeError, "context must be a sequence of tokens.*NoneType"),
    ("prob context an int", lambda: KN2.prob("A", [1]), TypeError, r"context token 1 \(int\) is not a string"),
    ("prob word an int", lambda: KN2.prob(5), TypeError, "word must be a string, got int"),
    ("logprob <s>", lambda: KN2.logprob("<s>", []), ValueError, "<s> is never predicted"),
    ("distribution a string", lambda: KN2.distribution("READ"), TypeError, "not a string"),
    ("distribution an int", lambda: KN2.distribution(5),
     TypeError, "context must be a sequence of tokens.*int"),
    ("count a string", lambda: MLE2.count("READ A"),
     TypeError, "ngram must be a sequence of tokens.*not a string"),
    ("count empty", lambda: MLE2.count([]), ValueError, "ngram is empty: give 1 to order tokens"),
    ("count too long", lambda: MLE2.count(["A", "BOOK", "BY"]),
     ValueError, "has 3 tokens; this 2-gram model .*at most 2"),
    ("count None", lambda: MLE2.count(None), TypeError, "ngram must be a sequence of tokens"),
    ("count an int token", lambda: MLE2.count([1]), TypeError, r"ngram token 1 \(int\) is not a string"),
    ("history_count too long", lambda: MLE2.history_count(["A", "BOOK"]), ValueError, "at most 1"),
    ("history_count a string", lambda: MLE2.history_count("A"), TypeError, "history must be a sequence"),
    ("next_counts too long", lambda: MLE2.next_counts(["A", "BOOK"]), ValueError, "at most 1"),
    ("continuation_count empty", lambda: MLE3.continuation_count([]), ValueError, "ngram is empty"),
    ("continuation_count too long", lambda: MLE3.continuation_count(["A", "BOOK", "BY"]),
     ValueError, "at most 2"),
    ("counts_of_order 3", lambda: MLE2.counts_of_order(3),
     ValueError, r"k must be an order from 1 to 2 \(this model's\), got 3"),
    ("counts_of_order 0", lambda: MLE2.counts_of_order(0), ValueError, "k must be an order from 1 to 2"),
    ("counts_of_order -1", lambda: MLE2.counts_of_order(-1), ValueError, "k must be an order from 1 to 2"),
    ("counts_of_order nan", lambda: MLE2.counts_of_order(NAN), TypeError, "k must be an integer, got float"),
    ("counts_of_order inf", lambda: MLE2.counts_of_order(INF), TypeError, "k must be an integer"),
    ("counts_of_order True", lambda: MLE2.counts_of_order(True), TypeError, "k must be an integer, got bool"),
    ("counts_of_order 1.0", lambda: MLE2.counts_of_order(1.0), TypeError, "k must be an integer, got float"),
    ("perplexity an int token", lambda: KN2.perplexity([["a", 7]]),
     TypeError, "token 7 .*int.* is not a string"),
    ("perplexity a string", lambda: KN2.perplexity("a b"), TypeError, "not one string"),
    ("perplexity no sentences", lambda: KN2.perplexity([]), ValueError, "empty test set"),
    ("token_logprobs a literal <s>", lambda: KN2.token_logprobs([["<s>", "A"]]), ValueError,
     "contains the token '<s>'"),
    ("unseen_fraction no sentences", lambda: MLE2.unseen_fraction([]),
     ValueError, "needs test sentences: got none"),
    ("training_counts a string", lambda: MLE2.training_counts("a b"), TypeError, "not one string"),
    ("not fitted: count", lambda: lm().count(["a"]),
     ValueError, r"not fitted yet: call .fit\(train_sentences\)"),
    ("not fitted: perplexity", lambda: lm().perplexity([["a"]]), ValueError, "not fitted"),
    ("not fitted: distribution", lambda: lm().distribution([]), ValueError, "not fitted"),
    ("not fitted: parameters", lambda: lm().parameters, ValueError, "not fitted"),
    ("not fitted: generate", lambda: lm().generate(), ValueError, "not fitted"),
    ("not fitted: write_arpa", lambda: lm(2, "kneser-ney").write_arpa(TMP / "x.arpa"),
     ValueError, "not fitted"),
    # -- generate(max_len, seed, context)
    ("generate context a string", lambda: KN2.generate(context="a b"), TypeError,
     r"context must be a sequence of tokens, e.g. \['the', 'cat'\], not a string"),
    ("generate context <s>", lambda: KN2.generate(context=["<s>", "A"]), ValueError,
     "context holds '<s>', which lmkit adds itself"),
    ("generate context </s>", lambda: KN2.generate(context=["A", "</s>"]), ValueError, "context holds '</s>'"),
    ("generate context an int", lambda: KN2.generate(context=[1]),
     TypeError, r"context token 1 \(int\) is not a string"),
    ("generate max_len=0", lambda: KN2.generate(max_len=0),
     ValueError, r"max_len must be an integer in \[1, inf\), got 0"),
    ("generate max_len=-1", lambda: KN2.generate(max_len=-1), ValueError, "max_len .*got -1"),
    ("generate max_len=nan", lambda: KN2.generate(max_len=NAN),
     TypeError, "max_len must be an integer, got float"),
    ("generate max_len=inf", lambda: KN2.generate(max_len=INF), TypeError, "max_len must be an integer"),
    ("generate max_len=True", lambda: KN2.generate(max_len=True),
     TypeError, "max_len must be an integer, got bool"),
    ("generate max_len=2.5", lambda: KN2.generate(max_len=2.5),
     TypeError, "max_len must be an integer, got float"),
    ("generate seed=-1", lambda: KN2.generate(seed=-1),
     ValueError, r"seed must be an integer in \[0, inf\), got -1"),
    ("generate seed=nan", lambda: KN2.generate(seed=NAN), TypeError, "seed must be an integer"),
    ("generate seed=inf", lambda: KN2.generate(seed=INF), TypeError, "seed must be an integer"),
    ("generate seed=True", lambda: KN2.generate(seed=True), TypeError, "seed must be an integer, got bool"),
    ("generate seed='a'", lambda: KN2.generate(seed="a"), TypeError, "seed must be an integer, got str"),
    ("generate after an unseen history", lambda: MLE2.generate(context=["NEVER-SEEN"]), ValueError,
     "an unsmoothed model cannot continue from an unseen history"),
    # -- write_arpa(path)
    ("arpa: a character model's space", lambda: CHAR.write_arpa(TMP / "char.arpa"), ValueError,
     r"token ' ' \(id \d+\) holds whitespace, so an ARPA file cannot hold it.*Map it to a visible symbol"),
    ("arpa: an empty token", lambda: EMPTY_TOKEN.write_arpa(TMP / "empty.arpa"), ValueError,
     r"token '' \(id \d+\) is empty, so an ARPA file cannot hold it"),
    ("arpa: a tab inside a token", lambda: TAB_TOKEN.write_arpa(TMP / "tab.arpa"), ValueError,
     r"token 'x\\ty' \(id \d+\) holds whitespace"),
    ("arpa: a NUL inside a token", lambda: NUL_TOKEN.write_arpa(TMP / "nul.arpa"), ValueError,
     r"token 'x\\x00' \(id \d+\) holds a NUL, so an ARPA file cannot hold it"),
    ("arpa: add-one", lambda: fit("add-one").write_arpa(TMP / "x.arpa"), ValueError,
     "'add-one' backs off to the uniform distribution.*no ARPA form"),
    ("arpa: mle", lambda: MLE2.write_arpa(TMP / "x.arpa"),
     ValueError, "gives unseen n-grams probability 0.*no ARPA form"),
    ("arpa: path an int", lambda: KN2.write_arpa(5), TypeError, "path must be a file name .*got int"),
    ("arpa: path None", lambda: KN2.write_arpa(None), TypeError, "path must be a file name"),
    ("arpa: missing folder", lambda: KN2.write_arpa(TMP / "no" / "such" / "x.arpa"), FileNotFoundError,
     "does not exist: create it first"),
    ("arpa: path a folder", lambda: KN2.write_arpa(TMP), IsADirectoryError, "is a directory: give a file name"),
    # -- UniformLM
    ("UniformLM vocab a list", lambda: UniformLM(["a", "b"]), TypeError, "vocab must be a lmkit.text.Vocab"),
    ("UniformLM no outcomes", lambda: UniformLM(ONLY_BOS), ValueError, "needs a non-empty vocabulary"),
    ("UniformLM word an int", lambda: UNIFORM.logprob(5), TypeError, "word must be a string"),
    ("UniformLM context a string", lambda: UNIFORM.logprob("A", "READ"), TypeError, "not a string"),
    ("UniformLM sentences a string", lambda: UNIFORM.perplexity("a b"), TypeError, "not one string"),
    # -- NgramCounts(tokens, pos, order, vocab_size)
    ("NgramCounts order=0", lambda: NgramCounts(TOKENS, POS, 0, len(VOCAB)), ValueError, ORDER),
    ("NgramCounts order=65", lambda: NgramCounts(TOKENS, POS, 65, len(VOCAB)), ValueError, ORDER),
    ("NgramCounts order=nan", lambda: NgramCounts(TOKENS, POS, NAN, len(VOCAB)),
     TypeError, "order must be an integer"),
    ("NgramCounts order=True", lambda: NgramCounts(TOKENS, POS, True, len(VOCAB)),
     TypeError, "order must be an integer"),
    ("NgramCounts vocab_size=0", lambda: NgramCounts(TOKENS, POS, 2, 0), ValueError,
     r"vocab_size must be an integer in \[1, inf\)"),
    ("NgramCounts vocab_size=inf", lambda: NgramCounts(TOKENS, POS, 2, INF),
     TypeError, "vocab_size must be an integer"),
    ("NgramCounts ids too big", lambda: NgramCounts(TOKENS, POS, 2, 3), ValueError,
     r"tokens must be integer ids in \[0, 3\).*pad_sentences"),
    ("NgramCounts float ids", lambda: NgramCounts(TOKENS.astype(float), POS, 2, len(VOCAB)), ValueError,
     "tokens must be integer ids"),
    ("NgramCounts shapes differ", lambda: NgramCounts(TOKENS, POS[:-1], 2, len(VOCAB)), ValueError,
     "1-D arrays of one length"),
    ("NgramCounts bad positions", lambda: NgramCounts(TOKENS, POS + 1, 2, len(VOCAB)), ValueError,
     r"each token's position in its sentence \(0, 1, 2, ..., then 0 again\)"),
    # -- the smoothing classes built directly
    ("KneserNey from no counts", lambda: KneserNey("counts", VOCAB),
     TypeError, "takes an NgramCounts and the Vocab it counted"),
    ("KneserNey another vocab", lambda: KneserNey(COUNTS, Vocab([["a"]])), ValueError,
     r"the vocabulary \(4 tokens\) is not the one counted \(14 ids"),
    ("Katz k=0 directly", lambda: Katz(COUNTS, VOCAB, k=0), ValueError, "Katz's k"),
    # -- simple_good_turing, count_of_counts
    ("SGT lengths differ", lambda: simple_good_turing([1, 2], [3]), ValueError, "1-D arrays of one length"),
    ("SGT r not increasing", lambda: simple_good_turing([2, 1], [3, 4]), ValueError, "increasing"),
    ("SGT r=0", lambda: simple_good_turing([0, 1], [3, 4]), ValueError, r"distinct observed counts \(>= 1"),
    ("SGT n_r=0", lambda: simple_good_turing([1, 2], [0, 4]), ValueError, r"n_r how many .* \(>= 1\)"),
    ("SGT r=nan", lambda: simple_good_turing([1, NAN], [3, 4]), ValueError, "count_of_counts returns"),
    ("SGT confidence=0", lambda: simple_good_turing([1, 2], [3, 1], confidence=0), ValueError,
     r"confidence must be a finite number in \(0, inf\)"),
    ("SGT confidence=-1", lambda: simple_good_turing([1, 2], [3, 1], confidence=-1), ValueError, "confidence"),
    ("SGT confidence=nan", lambda: simple_good_turing([1, 2], [3, 1], confidence=NAN),
     ValueError, "confidence"),
    ("SGT confidence=inf", lambda: simple_good_turing([1, 2], [3, 1], confidence=INF),
     ValueError, "confidence"),
    ("SGT confidence=True", lambda: simple_good_turing([1, 2], [3, 1], confidence=True), TypeError,
     "confidence must be a number, got bool"),
    ("count_of_counts negative", lambda: count_of_counts([1, -2]), ValueError, "counts must be >= 0, got -2"),
    ("count_of_counts fractions", lambda: count_of_counts([1.5, 2]), ValueError, "1-D array of whole counts"),
    ("count_of_counts 2-D", lambda: count_of_counts([[1, 2]]), ValueError, "1-D array of whole counts"),
    ("count_of_counts strings", lambda: count_of_counts(["a"]), ValueError, "whole counts"),
    # -- length_mass, bits_by_count, learning_curves
    ("length_mass trigram", lambda: length_mass(MLE3, 5), ValueError, "unigram or bigram"),
    ("length_mass not fitted", lambda: length_mass(lm(), 5), ValueError, "not fitted"),
    ("length_mass not a model", lambda: length_mass("lm", 5),
     TypeError, "model must be a fitted NgramLM, got str"),
    ("length_mass max_len=-1", lambda: length_mass(MLE2, -1),
     ValueError, r"max_len must be an integer in \[0, 100000\]"),
    ("length_mass max_len=10**9", lambda: length_mass(MLE2, 10 ** 9), ValueError, "max_len .*100000"),
    ("length_mass max_len=nan", lambda: length_mass(MLE2, NAN), TypeError, "max_len must be an integer"),
    ("length_mass max_len=inf", lambda: length_mass(MLE2, INF), TypeError, "max_len must be an integer"),
    ("length_mass max_len=True", lambda: length_mass(MLE2, True),
     TypeError, "max_len must be an integer, got bool"),
    ("length_mass big vocabulary", lambda: length_mass(BIG_VOCAB, 5), ValueError,
     r"\|V\| x \|V\| matrix: \|V\| = 5,004 would take 0.2 GB; use a model of at most 5,000 words"),
    ("bits_by_count max_count=0", lambda: bits_by_count(KN2, HELD, 0), ValueError,
     r"max_count must be an integer in \[1, inf\)"),
    ("bits_by_count max_count=-1", lambda: bits_by_count(KN2, HELD, -1), ValueError, "max_count .*got -1"),
    ("bits_by_count max_count=nan", lambda: bits_by_count(KN2, HELD, NAN),
     TypeError, "max_count must be an integer"),
    ("bits_by_count max_count=inf", lambda: bits_by_count(KN2, HELD, INF),
     TypeError, "max_count must be an integer"),
    ("bits_by_count max_count=True", lambda: bits_by_count(KN2, HELD, True), TypeError, "max_count .*got bool"),
    ("bits_by_count not a model", lambda: bits_by_count(None, HELD),
     TypeError, "model must be a fitted NgramLM"),
    ("curves unknown method", lambda: curves(methods=["magic"]),
     ValueError, "unknown smoothing 'magic'; choose from"),
    ("curves size 0", lambda: curves(sizes=[0]),
     ValueError, r"a size \(training sentences\) must be an integer in \[1, 3\]"),
    ("curves size too big", lambda: curves(sizes=[4]), ValueError, r"a size .*\[1, 3\], got 4"),
    ("curves size -1", lambda: curves(sizes=[-1]), ValueError, "a size .*got -1"),
    ("curves size nan", lambda: curves(sizes=[NAN]), TypeError, "a size .*must be an integer"),
    ("curves size inf", lambda: curves(sizes=[INF]), TypeError, "a size .*must be an integer"),
    ("curves size True", lambda: curves(sizes=[True]), TypeError, "a size .*got bool"),
    ("curves order 0", lambda: curves(orders=[0]), ValueError, r"an order must be an integer in \[1, 64\]"),
    ("curves order nan", lambda: curves(orders=[NAN]), TypeError, "an order must be an integer"),
    ("curves no sizes", lambda: curves(sizes=[]), ValueError, "at least one method, one order and one size"),
    ("curves test a string", lambda: learning_curves(["mle"], [1], BOOKS, "a b", [1], progress=False),
     TypeError, "test sentences must be a list of sentences"),
    ("curves progress='no'", lambda: learning_curves(["mle"], [1], BOOKS, HELD, [1], progress="no"),
     ValueError, "progress must be True or False"),
]


@pytest.mark.parametrize("call, exc, fragment", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_gets_a_clear_error(call, exc, fragment):
    with pytest.raises(exc, match=fragment):
        call()


def test_the_table_is_large_and_its_ids_unique():
    assert len(CASES) >= 70 and len({c[0] for c in CASES}) == len(CASES)


def _same(a, b):
    return np.array_equal(a, b) if isinstance(a, np.ndarray) else a == b


def p_read_a(model):
    return model.prob("A", ["READ"])


MKN_NUMPY = {np.int64(1): (np.float32(0.5), 1, 1.5), 2: (0.5, np.float64(1.0), 1.5)}
MKN_PLAIN = {1: (0.5, 1.0, 1.5), 2: (0.5, 1.0, 1.5)}
DEEP = [list("abracadabra" * 7)]  # long enough for every order up to MAX_ORDER

ACCEPTED = [  # (id, callable giving (the result with numpy scalars or a bound's value, the result expected))
    ("order=np.int64", lambda: (p_read_a(NgramLM(np.int64(2)).fit(BOOKS)), p_read_a(MLE2))),
    ("delta=np.float32", lambda: (p_read_a(fit("additive", delta=np.float32(0.5))),
                                  p_read_a(fit("additive", delta=0.5)))),
    ("mu=np.float64", lambda: (fit("dirichlet", mu=np.float64(3.9)).parameters, {"mu": {1: 3.9, 2: 3.9}})),
    ("discount=np.float32", lambda: (p_read_a(fit("absolute", discount=np.float32(0.5))),
                                     p_read_a(fit("absolute", discount=0.5)))),
    ("k=np.int64", lambda: (p_read_a(fit("katz", k=np.int64(3), discount_fallback=True)),
                            p_read_a(fit("katz", k=3, discount_fallback=True)))),
    ("JM np.int64 and np.int32",
     lambda: (p_read_a(fit("jelinek-mercer", buckets=np.int64(3), iterations=np.int32(5))),
              p_read_a(fit("jelinek-mercer", buckets=3, iterations=5)))),
    ("CG buckets=np.int64", lambda: (p_read_a(fit("church-gale", buckets=np.int64(3))),
                                     p_read_a(fit("church-gale", buckets=3)))),
    ("MKN numpy discounts", lambda: (fit("modified-kneser-ney", discounts=MKN_NUMPY).parameters,
                                     {"discounts": MKN_PLAIN, "fallback_orders": []})),
    ("discount_fallback=np.bool_", lambda: (p_read_a(fit("kneser-ney", discount_fallback=np.bool_(True))),
                                            p_read_a(fit("kneser-ney", discount_fallback=True)))),
    ("counts_of_order np.int64", lambda: (MLE2.counts_of_order(np.int64(2)), MLE2.counts_of_order(2))),
    ("generate numpy max_len and seed", lambda: (KN2.generate(max_len=np.int64(5), seed=np.int64(3)),
                                                 KN2.generate(max_len=5, seed=3))),
    ("generate a Generator", lambda: (KN2.generate(seed=np.random.default_rng(3)), KN2.generate(seed=3))),
    ("length_mass max_len=0", lambda: (length_mass(MLE2, 0), length_mass(MLE2, 1)[:1])),
    ("length_mass np.int64", lambda: (length_mass(MLE2, np.int64(4)), length_mass(MLE2, 4))),
    ("bits_by_count np.int64", lambda: (bits_by_count(KN2, HELD, np.int64(2)), bits_by_count(KN2, HELD, 2))),
    ("SGT confidence np.float32", lambda: (simple_good_turing([1, 2, 3], [9, 4, 1], np.float32(2.0)),
                                           simple_good_turing([1, 2, 3], [9, 4, 1], 2.0))),
    ("count_of_counts of whole floats", lambda: (count_of_counts(np.array([1.0, 2.0, 1.0]))[1], np.array([2, 1]))),
    ("curves numpy sizes and orders", lambda: (curves(orders=[np.int64(2)], sizes=[np.int32(3)])["kneser-ney", 2],
                                               curves(orders=[2], sizes=[3])["kneser-ney", 2])),
    ("Katz k=KATZ_MAX_K", lambda: (round(fit("katz", k=KATZ_MAX_K, discount_fallback=True)
                                         .distribution(["READ"]).sum(), 12), 1.0)),
    ("order=MAX_ORDER", lambda: (round(NgramLM(MAX_ORDER, "kneser-ney", discount_fallback=True).fit(DEEP)
                                       .distribution(list("abra" * 20)).sum(), 12), 1.0)),
]


@pytest.mark.parametrize("call", [c[1] for c in ACCEPTED], ids=[c[0] for c in ACCEPTED])
def test_numpy_scalars_and_bounds_are_accepted(call):
    got, want = call()
    assert _same(got, want), (got, want)

