"""The corpus registry: lookup order, checksums, atomic downloads, loaders."""

import hashlib
import http.server
import io
import re
import threading
import zipfile
from pathlib import Path

import pytest

from lmkit import data
from lmkit.data import ChecksumError, Corpus, CorpusNotFoundError, DataFile

from conftest import shared_data

HEX64 = re.compile(r"^[0-9a-f]{64}$")


def sha(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


# ---------------------------------------------------------------- registry


def test_registry_names_every_corpus_the_book_uses():
    assert {"ptb", "wikitext2", "tinyshakespeare", "timemachine", "english-novels",
            "tang-poems", "song-ci", "word-eval", "minilm-l6"} <= set(data.CORPORA)


@pytest.mark.parametrize("name", sorted(data.CORPORA))
def test_every_file_has_a_checksum_and_a_downloadable_form(name):
    corpus = data.CORPORA[name]
    for form in corpus.forms:
        assert {m for f in form for m in f.members} == set(corpus.members)
        for f in form:
            assert f.sha256 is None or HEX64.match(f.sha256)
            assert f.members and all(HEX64.match(s) for _, s in f.members.values())
    assert any(all(f.url and f.url.startswith(("http://", "https://")) for f in form)
               for form in corpus.forms), "no form can be downloaded"


def test_unknown_corpus_name_is_a_keyerror_listing_the_known_ones():
    with pytest.raises(KeyError, match="unknown corpus 'pennn'.*ptb"):
        data.fetch("pennn")
    with pytest.raises(KeyError, match="load_text reads"):
        data.load_text("ptb")


# ---------------------------------------------------------------- a local corpus and server

TEXT = b"the cat sat\nthe dog sat\n"
ZIPPED = io.BytesIO()
with zipfile.ZipFile(ZIPPED, "w") as zf:
    zf.writestr("toy/a.txt", TEXT)
ZIPPED = ZIPPED.getvalue()


class Server:
    """Serves a dict {path: bytes} on 127.0.0.1; counts requests."""

    def __init__(self, files):
        self.files, self.hits = files, 0
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                outer.hits += 1
                body = outer.files.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = Server({"/toy.txt": TEXT, "/toy.zip": ZIPPED, "/bad.txt": TEXT + b"tampered"})
    yield s
    s.close()


def toy_corpus(url: str, path: str = "toy/toy.txt", file_sha: str | None = sha(TEXT)) -> Corpus:
    return Corpus("toy", "a toy corpus", "test",
                  ((DataFile(path, file_sha, url, {"toy.txt": (None, sha(TEXT))}),),))


def leftovers(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_download_goes_to_the_cache_verified(isolated, server):
    store, cache = isolated
    corpus = toy_corpus(server.url + "/toy.txt")
    paths = data.fetch(corpus)
    assert paths == {"toy/toy.txt": cache / "toy/toy.txt"}
    assert (cache / "toy/toy.txt").read_bytes() == TEXT
    assert leftovers(store) == [], "nothing may be written to LMKIT_DATA"
    assert data.read_member(corpus, "toy.txt") == TEXT
    hits = server.hits
    data.fetch(corpus)  # second time: from the cache, no request
    assert server.hits == hits


def test_download_of_an_archive_checks_every_member(isolated, server):
    _, cache = isolated
    corpus = Corpus("toyzip", "zip", "test", ((DataFile(
        "toy/toy.zip", None, server.url + "/toy.zip", {"a.txt": ("toy/a.txt", sha(TEXT))}),),))
    assert data.read_member(corpus, "a.txt") == TEXT
    bad = Corpus("toyzip", "zip", "test", ((DataFile(
        "toy/bad.zip", None, server.url + "/toy.zip", {"a.txt": ("toy/a.txt", sha(b"other"))}),),))
    with pytest.raises(ChecksumError, match="failed its checksum"):
        data.fetch(bad)
    assert not (cache / "toy/bad.zip").exists()


def test_tampered_download_is_rejected_and_not_kept(isolated, server):
    _, cache = isolated
    corpus = toy_corpus(server.url + "/bad.txt")
    with pytest.raises(ChecksumError, match="toy.*failed its checksum.*expected"):
        data.fetch(corpus)
    assert leftovers(cache) == [], "neither the bad file nor a temporary file may remain"


def test_offline_without_a_copy_names_corpus_url_and_lmkit_data(isolated):
    corpus = toy_corpus("http://127.0.0.1:9/toy.txt")  # port 9 (discard): refused
    with pytest.raises(CorpusNotFoundError) as err:
        data.fetch(corpus)
    msg = str(err.value)
    assert "'toy'" in msg and "http://127.0.0.1:9/toy.txt" in msg and "LMKIT_DATA" in msg
    with pytest.raises(CorpusNotFoundError, match="LMKIT_DATA"):
        data.fetch(corpus, download=False)


def test_lmkit_data_comes_first_then_cache(isolated, server):
    store, cache = isolated
    corpus = toy_corpus(server.url + "/toy.txt")
    (store / "toy").mkdir()
    (store / "toy/toy.txt").write_bytes(TEXT)
    assert data.fetch(corpus)["toy/toy.txt"] == store / "toy/toy.txt"
    assert server.hits == 0 and leftovers(cache) == []


def test_corrupt_copy_in_lmkit_data_is_a_checksum_error(isolated, server):
    store, _ = isolated
    (store / "toy").mkdir()
    (store / "toy/toy.txt").write_bytes(TEXT.replace(b"cat", b"rat"))
    with pytest.raises(ChecksumError, match="toy.txt has sha256 .* expected"):
        data.fetch(toy_corpus(server.url + "/toy.txt"))


def test_member_hash_is_checked_even_when_the_file_has_none(isolated):
    store, _ = isolated
    (store / "toy").mkdir()
    (store / "toy/toy.txt").write_bytes(b"something else")
    corpus = toy_corpus(None, file_sha=None)
    with pytest.raises(ChecksumError, match="toy.txt"):
        data.read_member(corpus, "toy.txt")


# ---------------------------------------------------------------- the real corpora

needs_data = pytest.mark.skipif(shared_data() is None, reason="LMKIT_DATA is not set")


@needs_data
def test_ptb_splits_have_the_canonical_counts(ptb):
    assert {k: len(v) for k, v in ptb.items()} == {"train": 42_068, "valid": 3_370, "test": 3_761}
    assert [sum(map(len, ptb[k])) for k in ("train", "valid", "test")] == [887_521, 70_390, 78_669]
    assert len({w for s in ptb["train"] for w in s}) == 9_999


@needs_data
def test_wikitext2_has_the_published_token_counts():
    wt = data.load_wikitext2()
    assert [sum(map(len, wt[k])) + len(wt[k]) for k in ("train", "valid", "test")] == \
        [2_088_628, 217_646, 245_569]
    assert len(data.load_wikitext2(keep_blank=False)["train"]) == 23_767


@needs_data
def test_character_corpora_and_eval_sets():
    assert len(data.load_text("tinyshakespeare")) == 1_115_394
    assert data.load_text("timemachine").startswith("The Time Machine, by H. G. Wells [1898]")
    assert len(data.load_wordsim353()) == 353 and len(data.load_simlex999()) == 999
    assert len(data.load_men()) == 3_000
    analogies = data.load_analogies()
    assert len(analogies) == 14 and sum(map(len, analogies.values())) == 19_544


@needs_data
def test_novels_and_poems():
    novels = data.load_novels()
    assert len(novels) == 98 and not any(t.startswith("\ufeff") or "\r" in t for t in novels.values())
    tang = data.load_poems("tang-poems")
    assert len(tang) == 57_607 and {"author", "paragraphs"} <= set(tang[0])
    assert len(data.load_poems("song-ci")) == 21_053
    with pytest.raises(KeyError, match="tang-poems"):
        data.load_poems("yuan-qu")


@needs_data
def test_novel_sentences_follow_ptb_conventions():
    d = data.load_novel_sentences(max_novels=2, vocab_size=500)
    assert set(d) == {"train", "valid", "test"} and all(d.values())
    types = {w for s in d["train"] for w in s}
    assert len(types) <= 500 and "<unk>" in types
    assert all(w == w.lower() for s in d["test"][:50] for w in s)
    with pytest.raises(ValueError, match="split"):
        data.load_novel_sentences(max_novels=1, split=(0.9, 0.2))
