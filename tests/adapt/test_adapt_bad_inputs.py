"""Bad input to lmkit.adapt (cache, mixture, skip-bigram, topics, domains; max-ent has its own
table), lmkit.interpolate and lmkit.embeddings: a clear error naming the problem, and the
numpy scalars that must be accepted."""

import numpy as np
import pytest
from badinputs import int_cases, real_cases

from lmkit import NgramLM, UniformLM, Vocab, embeddings
from lmkit.adapt import (CacheLM, MixtureLM, RelatedWords, SkipBigram, kmeans, load_domains,
                         split_articles, tfidf)
from lmkit.interpolate import em_weights
from lmkit.lm import LanguageModel
from lmkit.text import stream

NAN, INF = float("nan"), float("inf")


class TextOnly(LanguageModel):
    """A model that scores text (the protocol) and has no per-query methods."""

    def __init__(self):
        self.vocab = LM.vocab

    def token_logprobs(self, sentences):
        return UniformLM(self.vocab).token_logprobs(sentences)

TRAIN = [s.split() for s in ["the cat sat on the mat", "the dog sat on the cat",
                             "a cat and a dog", "the mat is red"]] * 3
HELD = [s.split() for s in ["the dog sat on the mat", "a red cat"]]
LM = NgramLM(2, "kneser-ney", discount_fallback=True).fit(TRAIN)
V = len(LM.vocab)
IDS = stream(LM.vocab, TRAIN)
REL = RelatedWords(IDS, V, window=2, top=3, min_count=1)
CACHE = CacheLM(LM, size=5, lam=0.2)
SEMANTIC = CacheLM(LM, size=5, lam=0.2, related=REL, lam_sem=0.1)
MIX = MixtureLM([LM, LM])
SKIP = SkipBigram(2).fit(TRAIN)
ON_IDS = SkipBigram(2).fit_ids(IDS, V)
OTHER = NgramLM(2, "kneser-ney", discount_fallback=True).fit(HELD)  # another vocabulary
DOCS = [["oil", "oil", "barrel"], ["oil", "crude"], ["goal", "match"], ["match", "team", "goal"]]
X = tfidf(DOCS, Vocab(DOCS))
P = np.array([[0.5, 0.1, 0.2], [0.1, 0.3, 0.2]])  # 2 components x 3 tokens


CASES = [
    # -- em_weights (lmkit.interpolate)
    *int_cases("em iterations", lambda v: em_weights(P, iterations=v), "iterations", 1),
    ("em tol=nan", lambda: em_weights(P, tol=NAN),
     ValueError, r"tol must be a finite number.*-inf: run every"),
    ("em tol=inf", lambda: em_weights(P, tol=INF), ValueError, r"tol must be a finite number.*got inf"),
    ("em tol=True", lambda: em_weights(P, tol=True), TypeError, "tol must be a number, got bool"),
    ("em probs 1-d", lambda: em_weights([0.5, 0.5]),
     ValueError, r"\(components x tokens\) array.*shape \(2,\)"),
    ("em probs no token", lambda: em_weights(np.zeros((2, 0))), ValueError, "is the held-out set empty"),
    ("em probs ragged", lambda: em_weights([[0.5, 0.5], [0.2]]), ValueError, "one row of equal length"),
    ("em probs strings", lambda: em_weights([["a", "b"]]),
     TypeError, "numeric .* array of probabilities"),
    ("em probs negative", lambda: em_weights([[0.5, -0.1]]),
     ValueError, r"finite and >= 0.*token 1 -0.1"),
    ("em probs log-probs", lambda: em_weights(np.log(P)), ValueError, "not log-probabilities"),
    ("em probs nan", lambda: em_weights([[0.5, NAN]]), ValueError, "must be finite and >= 0"),
    ("em probs inf", lambda: em_weights([[INF, 0.5]]), ValueError, "must be finite and >= 0"),
    ("em probs bools", lambda: em_weights([[True, False]]),
     TypeError, "numeric .* array of probabilities"),
    ("em probs all zero", lambda: em_weights(np.zeros((2, 3))),
     ValueError, "no held-out token has a probability above 0"),
    ("em init wrong length", lambda: em_weights(P, init=[1.0]),
     ValueError, r"init needs 2 weights.*shape \(1,\)"),
    ("em init sum", lambda: em_weights(P, init=[0.5, 0.6]), ValueError, "init must be .* sum to 1"),
    ("em init nan", lambda: em_weights(P, init=[NAN, 0.5]), ValueError, "init must be finite"),
    ("em init inf", lambda: em_weights(P, init=[INF, 0.5]), ValueError, "init must be finite"),
    ("em init negative", lambda: em_weights(P, init=[1.5, -0.5]),
     ValueError, "init must be finite weights >= 0"),
    ("em init bools", lambda: em_weights(P, init=[True, False]), TypeError, "init must be 2 numbers"),
    # -- MixtureLM
    ("mixture of one model, not a list", lambda: MixtureLM(LM),
     TypeError, r"a list of language models, e.g. MixtureLM\(\[a, b\]\)"),
    ("mixture of nothing", lambda: MixtureLM([]), ValueError, "at least one model"),
    ("mixture of a non-model", lambda: MixtureLM([LM, "model"]),
     TypeError, "model 1 of the mixture must be a language model"),
    ("mixture of an unfitted model", lambda: MixtureLM([LM, NgramLM(2)]),
     ValueError, "no vocabulary yet: fit it first"),
    ("mixture of two vocabularies", lambda: MixtureLM([LM, OTHER]),
     ValueError, "must share one vocabulary"),
    ("weights nan", lambda: MixtureLM([LM, LM], [NAN, 0.5]),
     ValueError, r"weights must be finite weights >= 0 that sum to 1.*call fit_weights"),
    ("weights inf", lambda: MixtureLM([LM, LM], [INF, 0.0]), ValueError, "weights must be finite"),
    ("weights negative", lambda: MixtureLM([LM, LM], [1.5, -0.5]),
     ValueError, "weights must be finite weights >= 0"),
    ("weights zero", lambda: MixtureLM([LM, LM], [0.0, 0.0]), ValueError, r"sum to 1.*\(sum 0.000000\)"),
    ("weights sum", lambda: MixtureLM([LM, LM], [0.5, 0.6]),
     ValueError, "normalise them or call fit_weights"),
    ("weights count", lambda: MixtureLM([LM, LM], [1.0]),
     ValueError, "needs 2 weights, one per component"),
    ("weights bools", lambda: MixtureLM([LM, LM], [True, False]),
     TypeError, "weights must be 2 numbers"),
    ("weights strings", lambda: MixtureLM([LM, LM], ["a", "b"]), TypeError, "weights must be 2 numbers"),
    ("weights ragged", lambda: MixtureLM([LM, LM], [[0.5], 0.5]),
     ValueError, "weights must be 2 numbers"),
    *int_cases("fit_weights iterations", lambda v: MIX.fit_weights(HELD, iterations=v), "iterations", 1),
    ("fit_weights tol=nan", lambda: MIX.fit_weights(HELD, tol=NAN),
     ValueError, "tol must be a finite number"),
    ("fit_weights tol=inf", lambda: MIX.fit_weights(HELD, tol=INF),
     ValueError, "tol must be a finite number"),
    ("fit_weights tol=True", lambda: MIX.fit_weights(HELD, tol=True),
     TypeError, "tol must be a number, got bool"),
    ("fit_weights empty", lambda: MIX.fit_weights([]), ValueError, "held-out set is empty"),
    ("fit_weights a string", lambda: MIX.fit_weights("the cat"), TypeError, "not one string"),
    ("mixture token_logprobs <s>", lambda: MIX.token_logprobs([["the", "<s>"]]),
     ValueError, "contains the token '<s>'"),
    ("mixture perplexity a string", lambda: MIX.perplexity("the cat"), TypeError, "not one string"),
    ("mixture components a string", lambda: MIX.components("the cat"), TypeError, "not one string"),
    ("mixture sentence_logprob a string", lambda: MIX.sentence_logprob("the cat"),
     TypeError, "Split it"),
    ("mixture logprob of an int", lambda: MIX.logprob(3, ["the"]), TypeError, "word must be a string"),
    ("mixture distribution of a string", lambda: MIX.distribution("the cat"), TypeError, "not a string"),
    ("mixture distribution without",
     lambda: MixtureLM([LM, TextOnly()]).distribution(["the"]), TypeError,
     r"model 1 of the mixture \(TextOnly\) has no distribution"),
    # -- CacheLM
    ("cache of a non-model", lambda: CacheLM("model"), TypeError, "must be a language model"),
    ("cache of an unfitted model", lambda: CacheLM(NgramLM(2)),
     ValueError, "no vocabulary yet: fit it first"),
    *int_cases("cache size", lambda v: CacheLM(LM, size=v), "size (the cache size K)", 1),
    *real_cases("cache decay", lambda v: CacheLM(LM, decay=v), "decay"),
    *real_cases("cache lam", lambda v: CacheLM(LM, lam=v), "lam"),
    ("cache lam=1", lambda: CacheLM(LM, lam=1.0),
     ValueError, r"lam must be a finite number in \[0, 1\), got 1"),
    *real_cases("cache lam_sem", lambda v: CacheLM(LM, related=REL, lam_sem=v), "lam_sem"),
    ("cache lam + lam_sem >= 1", lambda: CacheLM(LM, lam=0.7, related=REL, lam_sem=0.4), ValueError,
     "must be >= 0 and sum to < 1"),
    ("cache lam_sem without related", lambda: CacheLM(LM, lam_sem=0.2),
     ValueError, "there is none: pass related="),
    ("cache related of another type", lambda: CacheLM(LM, related={"a": 1}),
     TypeError, "related must be a RelatedWords"),
    ("cache related of another size", lambda: CacheLM(LM, related=RelatedWords([0, 1, 2, 1], 3), lam_sem=0.1),
     ValueError, "same vocabulary"),
    ("cache fit decays=nan", lambda: CacheLM(LM).fit(HELD, decays=[0.0, NAN]), ValueError,
     r"decays\[1\] must be a finite number in \[0, inf\), got nan"),
    ("cache fit decays=-1", lambda: CacheLM(LM).fit(HELD, decays=[-1.0]),
     ValueError, r"decays\[0\] must be a finite number"),
    ("cache fit decays=inf", lambda: CacheLM(LM).fit(HELD, decays=[INF]),
     ValueError, r"decays\[0\] must be a finite number"),
    ("cache fit decays=True", lambda: CacheLM(LM).fit(HELD, decays=[True]),
     TypeError, r"decays\[0\] must be a number"),
    ("cache fit decays a number", lambda: CacheLM(LM).fit(HELD, decays=0.1),
     TypeError, "for one ρ, pass decay="),
    ("cache fit decays empty", lambda: CacheLM(LM).fit(HELD, decays=[]), ValueError, "decays is empty"),
    ("cache fit empty", lambda: CacheLM(LM).fit([]), ValueError, "held-out set is empty"),
    ("cache fit a string", lambda: CacheLM(LM).fit("the cat sat"), TypeError, "not one string"),
    ("cache token_logprobs <s>", lambda: CACHE.token_logprobs([["<s>", "the"]]),
     ValueError, "contains the token '<s>'"),
    ("cache_probs -1", lambda: CACHE.cache_probs([3, -1]),
     ValueError, rf"ids must lie in \[0, {V}\).*got min -1"),
    ("cache_probs too big", lambda: CACHE.cache_probs([3, V]),
     ValueError, rf"ids must lie in \[0, {V}\).*max {V}"),
    ("cache_probs floats", lambda: CACHE.cache_probs([3.0, 1.5]),
     TypeError, "ids must be integer ids, got dtype float64"),
    ("cache_probs 2-d", lambda: CACHE.cache_probs([[3, 4]]),
     ValueError, r"1-d sequence of integer ids, got shape \(1, 2\)"),
    ("semantic_probs out of range", lambda: SEMANTIC.semantic_probs([3, V + 5]),
     ValueError, rf"ids must lie in \[0, {V}\)"),
    ("semantic_probs without", lambda: CACHE.semantic_probs([3, 4]),
     ValueError, "no semantic part: pass related="),
    ("components base wrong length", lambda: CACHE.components(HELD, base=np.ones(3) / 2), ValueError,
     "base must hold p_base of each of the 11 predicted tokens"),
    ("components base log-probs", lambda: CACHE.components(HELD, base=-np.ones(11)),
     ValueError, "not log-probabilities"),
    ("components base nan", lambda: CACHE.components(HELD, base=np.full(11, NAN)),
     ValueError, r"probabilities in \[0, 1\]"),
    ("cache history a string", lambda: CACHE.distribution(["<s>"], "the cat"),
     TypeError, "history must be a sequence of tokens"),
    ("cache history <s>", lambda: CACHE.distribution(["<s>"], ["<s>", "the"]),
     ValueError, "history holds '<s>', which is never predicted"),
    ("cache history of ints", lambda: CACHE.distribution(["<s>"], [3, 4]), TypeError, "is not a string"),
    ("cache logprob of an int", lambda: CACHE.logprob(3, ["<s>"]), TypeError, "word must be a string"),
    ("cache distribution without", lambda: CacheLM(TextOnly()).distribution(), TypeError,
     r"has no distribution\(context\)"),
    # -- RelatedWords
    *int_cases("related size", lambda v: RelatedWords(IDS, v), "size", 1),
    ("related size too big", lambda: RelatedWords(IDS, 10**10),
     ValueError, r"size must be an integer in \[1, 1000000000\]"),
    *int_cases("related window", lambda v: RelatedWords(IDS, V, window=v), "window", 1),
    *int_cases("related top", lambda v: RelatedWords(IDS, V, top=v), "top", 1),
    *int_cases("related min_count", lambda v: RelatedWords(IDS, V, min_count=v), "min_count", 1),
    ("related ids -1", lambda: RelatedWords([0, 1, -1], V),
     ValueError, rf"ids must lie in \[0, {V}\).*min -1"),
    ("related ids too big", lambda: RelatedWords([0, 1, 2], 2), ValueError, r"ids must lie in \[0, 2\)"),
    ("related ids floats", lambda: RelatedWords([0.0, 1.5], V), TypeError, "integer ids"),
    ("related ids 2-d", lambda: RelatedWords([[0, 1], [2, 3]], V), ValueError, "1-d sequence"),
    ("related ids short", lambda: RelatedWords([3], V), ValueError, "at least 2 tokens"),
    ("related value out of range", lambda: REL.value([3], [V]),
     ValueError, rf"b must lie in \[0, {V}\)"),
    ("related value -1", lambda: REL.value(-1, 3), ValueError, r"a must lie in \[0, "),
    ("related value shapes", lambda: REL.value([1, 2], [1, 2, 3]), ValueError, "matching shapes"),
    *int_cases("related neighbours", lambda v: REL.neighbours(v), "a", 0),
    ("related neighbours too big", lambda: REL.neighbours(V),
     ValueError, rf"a must be an integer in \[0, {V - 1}\]"),
    # -- SkipBigram
    *int_cases("skip distance", lambda v: SkipBigram(v), "distance", 1),
    ("skip vocab of another type", lambda: SkipBigram(2, vocab=["a", "b"]),
     TypeError, "vocab must be a lmkit.text.Vocab"),
    *int_cases("skip fit_ids size", lambda v: SkipBigram(2).fit_ids(IDS, v), "size", 1),
    ("skip fit_ids ids too big", lambda: SkipBigram(2).fit_ids([1, 2, 7], 5),
     ValueError, r"ids must lie in \[0, 5\)"),
    ("skip fit_ids -1", lambda: SkipBigram(2).fit_ids([1, 2, -1], 5),
     ValueError, r"ids must lie in \[0, 5\).*min -1"),
    ("skip fit_ids floats", lambda: SkipBigram(2).fit_ids([1.0, 2.0, 3.0], 5), TypeError, "integer ids"),
    ("skip fit_ids short", lambda: SkipBigram(2).fit_ids([1, 2], 5),
     ValueError, "longer than the distance"),
    ("skip fit_ids size vs vocab", lambda: SkipBigram(2, vocab=LM.vocab).fit_ids(IDS, V + 1), ValueError,
     "differs from the vocabulary's"),
    ("skip fit a string", lambda: SkipBigram(2).fit("the cat sat"), TypeError, "not one string"),
    ("skip fit <s>", lambda: SkipBigram(2).fit([["the", "<s>"]]),
     ValueError, "contains the token '<s>'"),
    ("skip unfitted", lambda: SkipBigram(2).stream_logprobs([1, 2, 3]), ValueError, "not fitted yet"),
    ("skip stream_logprobs too big", lambda: SKIP.stream_logprobs([3, 4, V]),
     ValueError, rf"ids must lie in \[0, {V}\)"),
    ("skip stream_logprobs -1", lambda: SKIP.stream_logprobs([3, -1, 4]), ValueError, "got min -1"),
    ("skip stream_logprobs floats", lambda: SKIP.stream_logprobs([3.5]), TypeError, "integer ids"),
    ("skip stream_logprobs one id", lambda: SKIP.stream_logprobs([3]), ValueError, "at least 2 ids"),
    ("skip logprob <s>", lambda: SKIP.logprob("<s>", ["the"]), ValueError, "never predicted"),
    ("em probs above 1", lambda: em_weights([[0.5, 1.2]]), ValueError, "must be <= 1"),
    ("cache logprob <s>", lambda: CACHE.logprob("<s>", ["<s>"], ["the"]), ValueError,
     "never predicted"),
    ("cache distribution history=None", lambda: CACHE.distribution(["<s>"], None), TypeError,
     "history must be a sequence of tokens"),
    ("cache distribution history=5", lambda: CACHE.distribution(["<s>"], 5), TypeError,
     "history must be a sequence of tokens"),
    ("skip on ids reads text", lambda: ON_IDS.token_logprobs(HELD), ValueError, "cannot read text"),
    ("skip distribution a string", lambda: SKIP.distribution("the cat"), TypeError, "not a string"),
    ("skip distribution of ints", lambda: SKIP.distribution([3, 4]),
     TypeError, "looks up a token string"),
    ("skip logprob of an int", lambda: SKIP.logprob(3, ["the", "cat"]),
     TypeError, "word must be a string"),
    # -- topics
    ("split_articles a string", lambda: split_articles("= A = x"), TypeError, "not one string"),
    ("split_articles a number", lambda: split_articles(5), TypeError, "lines must be a list of lines"),
    ("split_articles strings", lambda: split_articles(["= A =", "x y"]), TypeError, "Split it"),
    ("tfidf a string", lambda: tfidf("oil barrel", Vocab(DOCS)), TypeError, "list of documents"),
    ("tfidf of strings", lambda: tfidf(["oil barrel", "crude"], Vocab(DOCS)),
     TypeError, "join an article's lines first"),
    ("tfidf of numbers", lambda: tfidf([1, 2], Vocab(DOCS)), TypeError, "list of documents"),
    ("tfidf no docs", lambda: tfidf([], Vocab(DOCS)), ValueError, "docs is empty"),
    ("tfidf vocab of another type", lambda: tfidf(DOCS, ["oil"]),
     TypeError, "vocab must be a lmkit.text.Vocab"),
    *int_cases("kmeans k", lambda v: kmeans(X, v),
               "k (the number of clusters, at most the number of rows)", 1),
    ("kmeans k > rows", lambda: kmeans(X, 5),
     ValueError, r"at most the number of rows\) must be an integer in \[1, 4\], got 5"),
    *int_cases("kmeans seed", lambda v: kmeans(X, 2, seed=v), "seed", 0),
    *int_cases("kmeans iterations", lambda v: kmeans(X, 2, iterations=v), "iterations", 1),
    ("kmeans x nan", lambda: kmeans(np.full((3, 2), NAN), 1), ValueError, "x holds NaN or inf"),
    ("kmeans x 1-d", lambda: kmeans(np.ones(3), 1),
     ValueError, r"non-empty numeric matrix.*shape \(3,\)"),
    ("kmeans x empty", lambda: kmeans(np.zeros((0, 3)), 1), ValueError, "non-empty numeric matrix"),
    ("kmeans x strings", lambda: kmeans([["a"]], 1), ValueError, "numeric matrix"),
    # -- domains (checked before anything is read)
    *int_cases("load_domains tokens", lambda v: load_domains(v),
               "tokens (training words per domain; the test parts get a tenth)", 10),
    ("load_domains tokens=9", lambda: load_domains(9),
     ValueError, r"must be an integer in \[10, inf\), got 9"),
    # -- lmkit.embeddings
    *int_cases("one_hot size", lambda v: embeddings.one_hot([0], v), "size", 1),
    ("one_hot id too big", lambda: embeddings.one_hot([4], 4), ValueError, r"ids must lie in \[0, 4\)"),
    ("one_hot id -1", lambda: embeddings.one_hot([-1], 4),
     ValueError, r"ids must lie in \[0, 4\).*min -1"),
    ("one_hot float ids", lambda: embeddings.one_hot([1.7], 4), TypeError, "integer ids"),
    ("one_hot bool ids", lambda: embeddings.one_hot([True], 4), TypeError, "integer ids"),
    ("one_hot 2-d ids", lambda: embeddings.one_hot([[1, 2]], 4), ValueError, "1-d sequence"),
    ("cosine lengths", lambda: embeddings.cosine([[1.0, 0.0]], [[1.0, 0.0, 0.0]]),
     ValueError, "differ in length"),
    ("cosine nan", lambda: embeddings.cosine([[NAN, 1.0]], [[1.0, 0.0]]),
     ValueError, "a holds NaN or inf"),
    ("cosine inf", lambda: embeddings.cosine([[1.0, 0.0]], [[INF, 0.0]]),
     ValueError, "b holds NaN or inf"),
    ("cosine 3-d", lambda: embeddings.cosine(np.ones((2, 2, 2)), np.ones((2, 2))),
     ValueError, "got 3 dimensions"),
    ("cosine strings", lambda: embeddings.cosine([["a"]], [[1.0]]), TypeError, "a must hold numbers"),
    ("cosine ragged", lambda: embeddings.cosine([[1.0], [1.0, 2.0]], [[1.0]]),
     ValueError, "equal-length rows"),
    *int_cases("context_vectors size", lambda v: embeddings.context_vectors([0, 1], [0], v), "size", 1),
    *int_cases("context_vectors window", lambda v: embeddings.context_vectors([0, 1], [0], 3, v),
               "window", 1),
    ("context_vectors token -1", lambda: embeddings.context_vectors([0, 1, -1], [0], 3), ValueError,
     r"tokens must lie in \[0, 3\).*min -1"),
    ("context_vectors token too big", lambda: embeddings.context_vectors([0, 3], [0], 3), ValueError,
     r"tokens must lie in \[0, 3\)"),
    ("context_vectors target -1", lambda: embeddings.context_vectors([0, 1], [-1], 3), ValueError,
     r"targets must lie in \[0, 3\)"),
    ("context_vectors float tokens", lambda: embeddings.context_vectors([0.0, 1.0], [0], 3), TypeError,
     "tokens must be integer ids"),
]


@pytest.mark.parametrize("call, exc, fragment", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_gets_a_clear_error(call, exc, fragment):
    with pytest.raises(exc, match=fragment):
        call()


def test_case_ids_are_unique():
    ids = [c[0] for c in CASES]
    assert len(ids) == len(set(ids))


ACCEPTED = [  # (id, callable): numpy scalars and edge values that must work
    ("em numpy scalars",
     lambda: em_weights(P.astype(np.float32), iterations=np.int64(3), tol=np.float32(1e-3))),
    ("em tol=-inf", lambda: em_weights(P, iterations=3, tol=-np.inf)),
    ("em tol=0", lambda: em_weights(P, tol=0)),
    ("em tol=-1", lambda: em_weights(P, tol=-1)),
    ("em init with a zero", lambda: em_weights(P, init=[0, 1])),
    ("em init float32", lambda: em_weights(P, init=np.array([0.25, 0.75], dtype=np.float32))),
    ("weights float32", lambda: MixtureLM([LM, LM, LM], np.array([0.1, 0.2, 0.7], dtype=np.float32))),
    ("weights of numpy scalars", lambda: MixtureLM([LM, LM], [np.float64(0.25), np.float32(0.75)])),
    ("weights with a zero", lambda: MixtureLM([LM, LM], [1, 0])),
    ("fit_weights numpy scalars",
     lambda: MixtureLM([LM, LM]).fit_weights(HELD, np.int64(5), np.float64(1e-6))),
    ("cache numpy scalars",
     lambda: CacheLM(LM, size=np.int64(5), decay=np.float32(0.1), lam=np.float64(0.2))),
    ("cache zeros", lambda: CacheLM(LM, decay=0, lam=0, lam_sem=0)),
    ("cache semantic numpy scalar", lambda: CacheLM(LM, related=REL, lam_sem=np.float32(0.1))),
    ("cache huge size, steep decay",
     lambda: CacheLM(LM, size=10**12, decay=1e6).distribution(["<s>"], ["the"])),
    ("cache fit numpy decays", lambda: CacheLM(LM, size=4).fit(HELD, decays=np.array([0.0, 0.5]))),
    ("cache_probs int32", lambda: CACHE.cache_probs(IDS.astype(np.int32))),
    ("related numpy scalars", lambda: RelatedWords(IDS.astype(np.int32), np.int64(V), window=np.int64(2),
                                                   top=np.int32(3), min_count=np.int64(1))),
    ("related window past the text", lambda: RelatedWords([0, 1, 2], 3, window=10**9)),
    ("related neighbours numpy", lambda: REL.neighbours(np.int64(3))),
    ("related neighbours 0", lambda: REL.neighbours(0)),
    ("related value scalars", lambda: REL.value(np.int64(3), 4)),
    ("skip numpy scalars", lambda: SkipBigram(np.int64(2)).fit_ids(IDS.astype(np.uint16), np.int64(V))),
    ("kmeans numpy scalars", lambda: kmeans(X, np.int64(2), seed=np.int64(0), iterations=np.int32(5))),
    ("kmeans seed=0", lambda: kmeans(X, 1, seed=0)),
    ("tfidf an empty document", lambda: tfidf([[], ["oil"]], Vocab(DOCS))),
    ("one_hot numpy scalars", lambda: embeddings.one_hot(np.int64(1), np.int64(3))),
    ("context_vectors numpy scalars", lambda: embeddings.context_vectors(np.array([0, 1], np.int32), [0],
                                                                          np.int64(3), np.int32(1))),
    ("context_vectors empty text", lambda: embeddings.context_vectors([], [0], 3)),
]


@pytest.mark.parametrize("call", [c[1] for c in ACCEPTED], ids=[c[0] for c in ACCEPTED])
def test_numpy_scalars_and_edge_values_are_accepted(call):
    call()
