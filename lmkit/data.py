"""Named corpora: where they come from, how to check them, how to read them.

Every corpus the book uses is known here by name, with the canonical address and the
sha256 of every file.  ``fetch(name)`` finds a corpus in this order:

1. the folder named by the environment variable ``LMKIT_DATA`` (read-only: archives are
   read in place, nothing is ever written there);
2. the user cache, ``$LMKIT_CACHE`` or ``~/.cache/lmkit``;
3. the canonical address: the download goes to a temporary file in the cache, its sha256
   (or the sha256 of every member it holds) is checked, and only then is it renamed into
   place, so a half-written or corrupted file is never left behind.

A corpus may lie in more than one *form*: WikiText-2 is shipped here as three ``.xz``
files, while its canonical download is one zip.  Whatever the form, every text the
readers hand out is checked against the sha256 of its uncompressed content.

The loaders (``load_ptb``, ``load_wikitext2``, ``load_text``, ...) return ready-to-use data:
lists of sentences (lists of tokens) for the word-level LM corpora, plain text for the
character corpora.
"""

from __future__ import annotations

import hashlib
import json
import lzma
import os
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

__all__ = [
    "CORPORA",
    "ChecksumError",
    "Corpus",
    "CorpusNotFoundError",
    "DataFile",
    "cache_dir",
    "fetch",
    "load_analogies",
    "load_domains",
    "load_men",
    "load_novel_sentences",
    "load_novels",
    "load_poems",
    "load_ptb",
    "load_simlex999",
    "load_text",
    "load_wikitext2",
    "load_wordsim353",
    "read_member",
    "read_members",
]


class ChecksumError(ValueError):
    """A file's sha256 is not the one the registry expects."""


class CorpusNotFoundError(FileNotFoundError):
    """A corpus is neither in ``LMKIT_DATA`` nor in the cache, and cannot be downloaded."""


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class DataFile:
    """One file as it is stored on disk.

    ``path`` is relative to a data root (``LMKIT_DATA`` or the cache).  ``sha256`` is the
    hash of the stored bytes, or ``None`` where only the members' hashes are known (a
    zip whose canonical copy was never hashed).  ``members`` maps each logical text name
    to ``(path inside the file, sha256 of its content)``; a plain file has one member
    whose inner path is ``None``.  A file ending in ``.xz`` (but not ``.tar.xz``) is one
    xz-compressed member.
    """

    path: str
    sha256: str | None
    url: str | None
    members: dict[str, tuple[str | None, str]] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        if self.path.endswith(".tar.xz"):
            return "tar.xz"
        if self.path.endswith(".zip"):
            return "zip"
        if self.path.endswith(".xz"):
            return "xz"
        return "plain"


@dataclass(frozen=True)
class Corpus:
    """A named corpus: one or more *forms*, each a complete set of files."""

    name: str
    description: str
    licence: str
    forms: tuple[tuple[DataFile, ...], ...]

    @property
    def members(self) -> list[str]:
        """Logical names of the texts in the corpus (the same in every form)."""
        return sorted({m for f in self.forms[0] for m in f.members})

    @property
    def urls(self) -> list[str]:
        return [f.url for form in self.forms for f in form if f.url]


def _plain(path: str, sha: str, url: str | None, name: str | None = None) -> DataFile:
    return DataFile(path, sha, url, {name or path.rsplit("/", 1)[-1]: (None, sha)})


def _checksums(name: str) -> dict[str, str]:
    """Read ``lmkit/checksums/<name>.sha256`` (``sha256  path`` per line)."""
    text = (Path(__file__).parent / "checksums" / f"{name}.sha256").read_text("utf-8")
    pairs = (line.split(maxsplit=1) for line in text.splitlines() if line.strip())
    return {path.strip(): sha for sha, path in pairs}


def _per_file_form(folder: str, base_url: str, sums: dict[str, str]) -> tuple[DataFile, ...]:
    return tuple(
        _plain(f"{folder}/{p}", sha, f"{base_url}/{urllib.request.quote(p)}", p)
        for p, sha in sums.items()
    )


def _archive(path: str, sha: str | None, url: str | None, sums: dict[str, str]) -> DataFile:
    return DataFile(path, sha, url, {p: (p, s) for p, s in sums.items()})


_D2L = "http://d2l-data.s3-accelerate.amazonaws.com"
_PTB = {
    "ptb.train.txt": "fcea919f6cf83f35d4d00c6cbf08040d13d4155226340912e2fef9c9c4102cbf",
    "ptb.valid.txt": "c9fe6985fe0d4ccb578183407d7668fc6066c20700cb4cf87d8ff1cc34df1bf2",
    "ptb.test.txt": "dd65dff31e70846b2a6030a87482edcd5d199130cdcfa1f3dccbb033728deee0",
}
_WT2_TEXT = {
    "wiki.train.tokens": "9e9fa1ad55b1c2c95b08e37dd8e653f638fac2c6de904b79e813611eefbc985f",
    "wiki.valid.tokens": "f0737ed31fc1329026e95cb8b98e19c2a182c39c240ab909dc31abf2f8af58e8",
    "wiki.test.tokens": "d790b833ef8cf03a90db7bf1271b7520b83c45ce07ba3c1a9699df81e239eca0",
}
_WT2_XZ = {
    "wiki.train.tokens": "7f5b03a0219b81adcc680f2d8bd24b7b3f19e4a01ac52f9533ca18cc807ac2bd",
    "wiki.valid.tokens": "1322771e23310248961e17b3c55df138cd3e5c57f2e36ac1d131e9c6158ccd74",
    "wiki.test.tokens": "306c08b989e77ca6d5587c58d90bf8f8fa3be85671b0eda75315de9f68584fbe",
}
_GENSIM = "https://raw.githubusercontent.com/piskvorky/gensim/4.4.0/gensim/test/test_data"
_NOVELS_URL = ("https://raw.githubusercontent.com/computationalstylistics/100_english_novels/"
               "143e601875d70e195f2cc5ebd8b034609271194d")
_POETRY_URL = ("https://raw.githubusercontent.com/chinese-poetry/chinese-poetry/"
               "99ebbef7e1345c0985c44b9fd96a3f9e776f117b")


def _registry() -> dict[str, Corpus]:
    novels, tang, song = (_checksums(n) for n in ("english-novels", "tang-poems", "song-ci"))
    corpora = [
        Corpus(
            "ptb",
            "Penn Treebank, Mikolov's language-modelling version (10k vocabulary, <unk>, N).",
            "WSJ text licensed by the LDC (LDC99T42); read at run time, never redistributed.",
            ((DataFile("ptb/ptb.zip",
                       "310d8f602882a5716613815ed75596e5764ea84ed04c5630eebaaf2b943ec5aa",
                       f"{_D2L}/ptb.zip", {k: (f"ptb/{k}", v) for k, v in _PTB.items()}),),),
        ),
        Corpus(
            "wikitext2",
            "WikiText-2 v1, tokenised, with <unk> (Merity et al. 2016).",
            "CC BY-SA 3.0.",
            (
                tuple(DataFile(f"wikitext-2/{k}.xz", _WT2_XZ[k], None, {k: (None, v)})
                      for k, v in _WT2_TEXT.items()),
                (DataFile("wikitext-2/wikitext-2-v1.zip", None,
                          "https://wikitext.smerity.com/wikitext-2-v1.zip",
                          {k: (f"wikitext-2/{k}", v) for k, v in _WT2_TEXT.items()}),),
            ),
        ),
        Corpus(
            "tinyshakespeare", "Tiny Shakespeare (Karpathy's char-rnn), 1.1 M characters.",
            "Public domain text; char-rnn is MIT.",
            ((_plain("tinyshakespeare/input.txt",
                     "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed",
                     "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/"
                     "tinyshakespeare/input.txt"),),),
        ),
        Corpus(
            "timemachine", "The Time Machine by H. G. Wells, d2l's copy.", "Public domain.",
            ((_plain("timemachine/timemachine.txt",
                     "8424dbd9532ac81f7e5f0b6add90e6952baea29158309d7d1bf3884f4e12c516",
                     f"{_D2L}/timemachine.txt"),),),
        ),
        Corpus(
            "english-novels",
            "98 public-domain English novels, 1816-1930 (100 English Novels v1.4).",
            "Public-domain texts; the source repository states no licence.",
            (
                (_archive("english-novels/100_english_novels_98pd.tar.xz",
                          "50300c2015714a990b22fee1d1387e84c9e6d4497b5eca8b63d891eaf4752f68",
                          None, novels),),
                _per_file_form("english-novels", _NOVELS_URL, novels),
            ),
        ),
        Corpus(
            "tang-poems", "全唐诗, the Complete Tang Poems, traditional characters.",
            "MIT (chinese-poetry); the poems are in the public domain.",
            (
                (_archive("chinese-poetry/quan_tang_shi_traditional.tar.xz",
                          "e0477813ce3e94a81893b2c3b1819559c301bcfce0ded27d322028d417504fce",
                          None, tang),),
                _per_file_form("chinese-poetry", _POETRY_URL, tang),
            ),
        ),
        Corpus(
            "song-ci", "全宋词, the Complete Song Ci, simplified characters.",
            "MIT (chinese-poetry); the poems are in the public domain.",
            (
                (_archive("chinese-poetry/quan_song_ci_simplified.tar.xz",
                          "ec451d63cb03ffa2f05efdef9da4dee81db87aaf0635787369c440e7619b7b24",
                          None, song),),
                _per_file_form("chinese-poetry", _POETRY_URL, song),
            ),
        ),
        Corpus(
            "word-eval",
            "Word-similarity and analogy sets: WordSim-353, SimLex-999, MEN, Google analogies.",
            "Research use; MEN is CC BY 2.0, the analogy set Apache 2.0 (word2vec).",
            ((
                _plain("word-eval/questions-words.txt",
                       "8c29b3332afc46f3fb8be04cb5297bf96f39aa7131272dff57869b4485b22a36",
                       f"{_GENSIM}/questions-words.txt"),
                _plain("word-eval/wordsim353.tsv",
                       "f92a022fc2537793a15bc3a8c162ebcd74990e033a228bb6388cb71e4c0b1e1d",
                       f"{_GENSIM}/wordsim353.tsv"),
                _plain("word-eval/simlex999.txt",
                       "d5e0501971478a511430ee880bd0121e94ac701ba86d90544d83e6d2ba3db05d",
                       f"{_GENSIM}/simlex999.txt"),
                DataFile("word-eval/MEN.zip",
                         "bff4772b224fc5a1383c32fa2be2edc5d7e9991ffade67e90d62ff4d5345b676",
                         "https://raw.githubusercontent.com/CallMeJiaGu/WordSimilarityAnalogyData/"
                         "1c17f2d8f34ae1b5d8bafe471c0947d9fc3e91c3/MEN.zip",
                         {"MEN_dataset_natural_form_full": (
                             "MEN/MEN_dataset_natural_form_full",
                             "4596e169dd237228ca7701dde33585ca93263506ce7fca9de0f951aaab1aae36")}),
            ),),
        ),
    ]
    return {c.name: c for c in corpora}


CORPORA: dict[str, Corpus] = _registry()


# --------------------------------------------------------------------------- locating


def cache_dir() -> Path:
    """The user cache: ``$LMKIT_CACHE``, else ``$XDG_CACHE_HOME/lmkit``, else ``~/.cache/lmkit``."""
    if os.environ.get("LMKIT_CACHE"):
        return Path(os.environ["LMKIT_CACHE"]).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "lmkit"


def _roots() -> list[Path]:
    roots = []
    if os.environ.get("LMKIT_DATA"):
        roots.append(Path(os.environ["LMKIT_DATA"]).expanduser())
    roots.append(cache_dir())
    return roots


def _corpus(name: str | Corpus) -> Corpus:
    if isinstance(name, Corpus):
        return name
    if not isinstance(name, str) or name not in CORPORA:
        raise KeyError(
            f"unknown corpus {name!r}; lmkit.data knows: {', '.join(sorted(CORPORA))}")
    return CORPORA[name]


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


_verified: dict[tuple[str, int, int], str] = {}


def _check_file(path: Path, want: str | None) -> None:
    if want is None:
        return
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    if _verified.get(key) != want:
        got = _sha256_file(path)
        if got != want:
            raise ChecksumError(
                f"{path} has sha256 {got}, expected {want}: the file is corrupt or a "
                f"different version. Delete it (or fix LMKIT_DATA) and fetch it again.")
        _verified[key] = want


def fetch(name: str | Corpus, *, download: bool = True) -> dict[str, Path]:
    """Locate (downloading if needed) every file of a corpus; return ``{path: local path}``.

    Looks in ``$LMKIT_DATA``, then the cache, for a complete form of the corpus, checking
    each file's sha256.  Otherwise downloads the first form that has URLs into the cache.
    """
    corpus = _corpus(name)
    for root in _roots():
        for form in corpus.forms:
            paths = {f.path: root / f.path for f in form}
            if all(p.is_file() for p in paths.values()):
                for f in form:
                    _check_file(paths[f.path], f.sha256)
                return paths
    form = next((fm for fm in corpus.forms if all(f.url for f in fm)), None)
    where = os.environ.get("LMKIT_DATA") or "(LMKIT_DATA is not set)"
    if form is None or not download:
        raise CorpusNotFoundError(
            f"corpus {corpus.name!r} is not in LMKIT_DATA={where} nor in the cache "
            f"{cache_dir()}, and downloading is off. Set LMKIT_DATA to a folder holding "
            f"{corpus.forms[0][0].path}, or allow the download.")
    out = {}
    for f in form:
        dest = cache_dir() / f.path
        if not dest.is_file():
            _download(corpus, f, dest)
        _check_file(dest, f.sha256)
        out[f.path] = dest
    return out


def _download(corpus: Corpus, f: DataFile, dest: Path) -> None:
    """Download ``f.url`` to ``dest``: temporary file, verify, then atomic rename."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    tmp = Path(tmp_name)
    try:
        try:
            with os.fdopen(fd, "wb") as out, urllib.request.urlopen(f.url, timeout=60) as resp:
                shutil.copyfileobj(resp, out)
        except (urllib.error.URLError, OSError) as err:
            raise CorpusNotFoundError(
                f"corpus {corpus.name!r} is not in LMKIT_DATA="
                f"{os.environ.get('LMKIT_DATA') or '(not set)'} nor in the cache {cache_dir()}, "
                f"and downloading {f.url} failed ({err}). Offline, download it elsewhere and "
                f"set LMKIT_DATA to the folder that holds {f.path}.") from err
        try:
            _check_file(tmp, f.sha256)
            for member in f.members:  # every member's content, too
                _read_from(tmp, f, member)
        except ChecksumError as err:
            raise ChecksumError(
                f"the download of corpus {corpus.name!r} from {f.url} failed its checksum, so "
                f"it was not kept: {err}") from None
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


# --------------------------------------------------------------------------- reading


def _verify_bytes(data: bytes, want: str, what: str) -> bytes:
    got = hashlib.sha256(data).hexdigest()
    if got != want:
        raise ChecksumError(f"{what} has sha256 {got}, expected {want}: the copy is corrupt "
                            f"or a different version. Delete it and fetch it again.")
    return data


def _read_from(path: Path, f: DataFile, member: str) -> bytes:
    inner, sha = f.members[member]
    if f.kind == "plain":
        data = path.read_bytes()
    elif f.kind == "xz":
        with lzma.open(path) as fh:
            data = fh.read()
    elif f.kind == "zip":
        with zipfile.ZipFile(path) as zf:
            data = zf.read(inner)
    else:  # tar.xz
        with tarfile.open(path) as tf:
            data = tf.extractfile(inner).read()
    return _verify_bytes(data, sha, f"{member} (in {path})")


def read_member(name: str | Corpus, member: str) -> bytes:
    """The verified bytes of one text of a corpus, e.g. ``read_member("ptb", "ptb.test.txt")``."""
    corpus = _corpus(name)
    paths = fetch(corpus)
    for form in corpus.forms:
        for f in form:
            if f.path in paths and member in f.members:
                return _read_from(paths[f.path], f, member)
    raise KeyError(f"corpus {corpus.name!r} has no member {member!r}; "
                   f"it has: {', '.join(corpus.members[:8])}{' ...' if len(corpus.members) > 8 else ''}")


def read_members(name: str | Corpus, members: Iterable[str] | None = None) -> dict[str, bytes]:
    """Verified bytes of many texts at once (one pass over each archive)."""
    corpus = _corpus(name)
    wanted = set(corpus.members if members is None else members)
    unknown = wanted - set(corpus.members)
    if unknown:
        raise KeyError(f"corpus {corpus.name!r} has no members {sorted(unknown)[:5]}")
    paths = fetch(corpus)
    out: dict[str, bytes] = {}
    for form in corpus.forms:
        for f in form:
            if f.path not in paths:
                continue
            todo = [m for m in f.members if m in wanted]
            if f.kind == "tar.xz" and todo:
                inner = {f.members[m][0]: m for m in todo}
                with tarfile.open(paths[f.path]) as tf:
                    for info in tf:
                        if info.name in inner:
                            m = inner[info.name]
                            out[m] = _verify_bytes(tf.extractfile(info).read(),
                                                   f.members[m][1], f"{m} (in {paths[f.path]})")
            else:
                for m in todo:
                    out[m] = _read_from(paths[f.path], f, m)
    return out


# --------------------------------------------------------------------------- loaders


def _lines(data: bytes) -> list[str]:
    return data.decode("utf-8").splitlines()


def _word_lm_splits(corpus: str, files: dict[str, str], keep_blank: bool) -> dict[str, list[list[str]]]:
    raw = read_members(corpus, files.values())
    out = {}
    for split, member in files.items():
        sents = [line.split() for line in _lines(raw[member])]
        out[split] = sents if keep_blank else [s for s in sents if s]
    return out


def load_ptb() -> dict[str, list[list[str]]]:
    """Penn Treebank (Mikolov's version): ``{"train"|"valid"|"test": [sentence, ...]}``.

    One sentence per line, tokens split on whitespace; ``<unk>`` and ``N`` are ordinary
    tokens.  No ``<eos>`` is added: n-gram models add ``</s>`` themselves, so
    train/valid/test hold 887,521 / 70,390 / 78,669 tokens in 42,068 / 3,370 / 3,761 sentences.
    """
    return _word_lm_splits("ptb", {s: f"ptb.{s}.txt" for s in ("train", "valid", "test")}, True)


def load_wikitext2(keep_blank: bool = True) -> dict[str, list[list[str]]]:
    """WikiText-2 (v1, tokenised): ``{"train"|"valid"|"test": [line, ...]}``.

    One "sentence" per line, as in the PyTorch word-language-model reader; with
    ``keep_blank=True`` (the default) empty lines stay, so that adding one ``</s>`` per line
    gives the published token counts 2,088,628 / 217,646 / 245,569.
    """
    return _word_lm_splits("wikitext2", {s: f"wiki.{s}.tokens" for s in ("train", "valid", "test")},
                           keep_blank)


def load_text(name: str) -> str:
    """The text of a single-file character corpus: ``"tinyshakespeare"`` or ``"timemachine"``."""
    files = {"tinyshakespeare": "input.txt", "timemachine": "timemachine.txt"}
    if name not in files:
        raise KeyError(f"load_text reads {sorted(files)}, not {name!r}; for other corpora use "
                       f"load_ptb, load_wikitext2, load_novels or load_poems")
    return read_member(name, files[name]).decode("utf-8")


def load_novels() -> dict[str, str]:
    """The English novels: ``{"Austen_Emma_1816": text, ...}`` (BOM removed, ``\\n`` line ends)."""
    raw = read_members("english-novels")
    return {
        m.rsplit("/", 1)[-1].removesuffix(".txt"):
            data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
        for m, data in sorted(raw.items())
    }


def load_poems(collection: str = "tang-poems") -> list[dict]:
    """Classical Chinese poems: a list of dicts with ``author``, ``title``, ``paragraphs``, ...

    ``collection`` is ``"tang-poems"`` (全唐诗, traditional characters, poems) or
    ``"song-ci"`` (全宋词, simplified; the tune title is under ``rhythmic``).
    """
    if collection not in ("tang-poems", "song-ci"):
        raise KeyError(f"load_poems reads 'tang-poems' or 'song-ci', not {collection!r}")
    prefix = "poet.tang." if collection == "tang-poems" else "ci.song."
    members = [m for m in _corpus(collection).members if m.rsplit("/", 1)[-1].startswith(prefix)]
    raw = read_members(collection, members)
    poems: list[dict] = []
    for m in sorted(members, key=lambda m: (len(m), m)):
        poems.extend(json.loads(raw[m]))
    return poems


def load_novel_sentences(max_novels: int | None = None, vocab_size: int | None = 10_000,
                         split: tuple[float, float] = (0.9, 0.05),
                         years: tuple[int, int] | None = None,
                         novels: dict[str, str] | None = None) -> dict[str, list[list[str]]]:
    """The English novels as a word-level LM corpus in Penn Treebank's conventions.

    Each novel (those whose file-name year lies in ``years``, if given; then the first
    ``max_novels`` by name, all by default) is split into sentences and lower-cased words;
    its first 90% of sentences go to train, the next 5% to valid, the rest to test.  The
    ``vocab_size`` most frequent training words (``<unk>``, ``<s>``, ``</s>`` included) are kept
    and the others become ``<unk>`` (``vocab_size=None`` keeps every word).  ``novels`` may
    pass the texts already read by ``load_novels``.
    """
    from .text import Vocab, replace_rare, split_sentences, word_tokenize

    if not 0 < split[0] < split[0] + split[1] < 1:
        raise ValueError(f"split must be (train, valid) fractions with train + valid < 1, got {split}")
    novels = novels if novels is not None else load_novels()
    names = sorted(n for n in novels
                   if years is None or years[0] <= int(n.rsplit("_", 1)[1]) <= years[1])[:max_novels]
    out: dict[str, list[list[str]]] = {"train": [], "valid": [], "test": []}
    for name in names:
        sents = [word_tokenize(s) for s in split_sentences(novels[name])]
        a, b = int(len(sents) * split[0]), int(len(sents) * (split[0] + split[1]))
        out["train"] += sents[:a]
        out["valid"] += sents[a:b]
        out["test"] += sents[b:]
    if vocab_size is None:
        return out
    vocab = Vocab(out["train"], max_size=vocab_size)
    return {k: replace_rare(v, vocab) for k, v in out.items()}


def load_domains(tokens: int = 400_000) -> dict[str, dict[str, list[list[str]]]]:
    """Five domains for cross-domain experiments, each ``{"train", "test"}`` of lower-cased
    sentences, the training part cut to about ``tokens`` words: Penn Treebank (news),
    WikiText-2 (encyclopaedia), novels of 1830-1879 and of 1900-1930 (fiction), and Tiny
    Shakespeare (drama, one line of verse or prose per sentence).  The test parts are about a
    tenth of that size.  Penn Treebank and WikiText-2 keep their own ``<unk>``."""
    from .text import word_tokenize

    def cut(sents, n):
        total, out = 0, []
        for s in sents:
            if total >= n:
                break
            out.append(s)
            total += len(s)
        return out

    def lower(sents):
        return [[w.lower() for w in s] for s in sents if s]

    ptb, wt = load_ptb(), load_wikitext2(keep_blank=False)
    shakespeare = [word_tokenize(line) for line in load_text("tinyshakespeare").splitlines()]
    shakespeare = [s for s in shakespeare if s]
    k = int(len(shakespeare) * 0.9)
    raw = {
        "news (PTB)": (ptb["train"], ptb["test"]),
        "encyclopaedia (WikiText-2)": (lower(wt["train"]), lower(wt["test"])),
        "novels 1830-1879": None, "novels 1900-1930": None,
        "drama (Shakespeare)": (shakespeare[:k], shakespeare[k:]),
    }
    texts = load_novels()
    for name, years in (("novels 1830-1879", (1830, 1879)), ("novels 1900-1930", (1900, 1930))):
        d = load_novel_sentences(vocab_size=None, years=years, max_novels=6, novels=texts)
        raw[name] = (d["train"], d["test"])
    return {name: {"train": cut(tr, tokens), "test": cut(te, tokens // 10)}
            for name, (tr, te) in raw.items()}


def _pairs(data: bytes, sep: str | None = None) -> list[tuple[str, str, float]]:
    out = []
    for line in _lines(data):
        if not line.strip() or line.startswith("#"):
            continue
        a, b, score = line.split(sep)[:3]
        out.append((a, b, float(score)))
    return out


def load_wordsim353() -> list[tuple[str, str, float]]:
    """WordSim-353 (Finkelstein et al. 2002): 353 ``(word1, word2, relatedness 0-10)``."""
    return _pairs(read_member("word-eval", "wordsim353.tsv"), "\t")


def load_simlex999() -> list[tuple[str, str, float]]:
    """SimLex-999 (Hill et al. 2015): 999 ``(word1, word2, similarity 0-10)``."""
    return _pairs(read_member("word-eval", "simlex999.txt"), "\t")


def load_men() -> list[tuple[str, str, float]]:
    """MEN (Bruni et al. 2014), natural form: 3,000 ``(word1, word2, relatedness 0-50)``."""
    return _pairs(read_member("word-eval", "MEN_dataset_natural_form_full"))


def load_analogies() -> dict[str, list[tuple[str, str, str, str]]]:
    """Google analogies (Mikolov et al. 2013): ``{section: [(a, b, c, d), ...]}``, 19,544 in all."""
    sections: dict[str, list[tuple[str, str, str, str]]] = {}
    current = None
    for line in _lines(read_member("word-eval", "questions-words.txt")):
        if line.startswith(":"):
            current = line[1:].strip()
            sections[current] = []
        elif line.strip():
            a, b, c, d = line.split()
            sections[current].append((a, b, c, d))
    return sections


def describe() -> str:
    """A table of the registry: name, forms, files and canonical URLs."""
    rows = []
    for c in CORPORA.values():
        rows.append(f"{c.name:16} {len(c.members):4d} texts  {c.description}")
    return "\n".join(rows)

