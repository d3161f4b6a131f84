"""The registry against a misbehaving server: every fault is a lmkit.data error that names the
corpus and the fix, and nothing is left in the cache."""

import hashlib
import http.server
import io
import threading
import time
import zipfile
from pathlib import Path

import pytest

from lmkit import data
from lmkit.data import ChecksumError, Corpus, CorpusNotFoundError, DataFile
from lmkit.data import store as data_store

TEXT = b"the cat sat\nthe dog sat\n"


def sha(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


def zipped(name: str, body: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(name, body)
    return buf.getvalue()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 - the http.server interface
        if self.path == "/ok.txt":
            self._send(TEXT)
        elif self.path == "/tampered.txt":
            self._send(TEXT + b"!")
        elif self.path == "/truncated.txt":  # promises more bytes than it sends
            self.send_response(200)
            self.send_header("Content-Length", str(len(TEXT) + 100))
            self.end_headers()
            self.wfile.write(TEXT)
            self.close_connection = True
        elif self.path == "/chunked-drop.txt":  # one chunk, then the connection drops
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.write(b"%x\r\n%s\r\n" % (5, TEXT[:5]))
            self.wfile.flush()
            self.close_connection = True
        elif self.path == "/page.zip":  # an HTML page where a zip should be
            self._send(b"<html><body>Not here any more</body></html>")
        elif self.path == "/other.zip":
            self._send(zipped("toy/other.txt", TEXT))
        elif self.path == "/slow.txt":  # one byte every 0.2 s
            self.send_response(200)
            self.send_header("Content-Length", str(len(TEXT)))
            self.end_headers()
            try:
                for b in TEXT:
                    self.wfile.write(bytes([b]))
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:
                pass
        else:
            self.send_error(404)

    def _send(self, body: bytes):
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def url():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def plain(url: str, file_sha: str | None = sha(TEXT)) -> Corpus:
    return Corpus("toy", "a toy corpus", "test",
                  ((DataFile("toy/toy.txt", file_sha, url, {"toy.txt": (None, sha(TEXT))}),),))


def archive(url: str, inner: str = "toy/a.txt") -> Corpus:
    return Corpus("toyzip", "a toy zip", "test",
                  ((DataFile("toy/toy.zip", None, url, {"a.txt": (inner, sha(TEXT))}),),))


def files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


FAULTS = [  # (path, corpus builder, error, fragments the message must hold)
    ("/tampered.txt", plain, ChecksumError, ["'toy'", "failed its checksum"]),
    ("/truncated.txt", plain, CorpusNotFoundError, ["'toy'", "IncompleteRead", "LMKIT_DATA"]),
    ("/chunked-drop.txt", plain, CorpusNotFoundError, ["'toy'", "failed", "LMKIT_DATA"]),
    ("/missing.txt", plain, CorpusNotFoundError, ["'toy'", "404", "LMKIT_DATA"]),
    ("/page.zip", archive, ChecksumError, ["'toyzip'", "not a valid zip", "fetch it again"]),
    ("/other.zip", archive, ChecksumError, ["'toyzip'", "no member 'toy/a.txt'", "fetch it again"]),
]


@pytest.mark.parametrize("path, corpus, exc, fragments", FAULTS, ids=[f[0] for f in FAULTS])
def test_a_faulty_download_is_a_clear_error_and_leaves_nothing(isolated, url, path, corpus,
                                                              exc, fragments):
    _, cache = isolated
    t0 = time.monotonic()
    with pytest.raises(exc) as err:
        data.fetch(corpus(url + path))
    for fragment in fragments:
        assert fragment in str(err.value), (fragment, str(err.value))
    assert files(cache) == [], "neither the bad file nor a temporary file may remain"
    assert time.monotonic() - t0 < 10


def test_a_trickling_server_is_stopped_by_the_overall_deadline(isolated, url, monkeypatch):
    _, cache = isolated
    monkeypatch.setattr(data_store, "DOWNLOAD_DEADLINE", 0.5)  # each read still succeeds
    t0 = time.monotonic()
    with pytest.raises(CorpusNotFoundError, match="'toy'.*longer than 0.5 s.*LMKIT_DATA"):
        data.fetch(plain(url + "/slow.txt"))
    assert time.monotonic() - t0 < 3 and files(cache) == []


def test_the_same_server_serves_a_good_file(isolated, url):
    assert data.read_member(plain(url + "/ok.txt"), "toy.txt") == TEXT


def test_an_unwritable_cache_names_the_folder_and_the_fix(isolated, url, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("LMKIT_CACHE", str(blocker / "cache"))  # a file stands where a folder must
    with pytest.raises(data.CacheNotWritableError, match="'toy'.*cannot be written.*LMKIT_CACHE"):
        data.fetch(plain(url + "/ok.txt"))


def test_an_unknown_member_is_refused_before_any_download(isolated, url):
    _, cache = isolated
    with pytest.raises(KeyError, match="no member 'nope.txt'"):
        data.read_member(plain(url + "/ok.txt"), "nope.txt")
    assert files(cache) == []


def test_a_corrupt_archive_in_lmkit_data_is_a_clear_error(isolated):
    store, _ = isolated
    (store / "toy").mkdir()
    (store / "toy/toy.zip").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ChecksumError, match="not a valid zip.*fetch it again"):
        data.read_member(archive("http://127.0.0.1:9/unused.zip"), "a.txt")
