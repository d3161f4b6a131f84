"""Finding, downloading and reading the files of a registered corpus.

``fetch(name)`` finds a corpus in this order:

1. the folder named by the environment variable ``LMKIT_DATA`` (read-only: archives are
   read in place, nothing is ever written there);
2. the user cache, ``$LMKIT_CACHE`` or ``~/.cache/lmkit``;
3. the canonical address: the download goes to a temporary file in the cache, its sha256
   (or the sha256 of every member it holds) is checked, and only then is it renamed into
   place, so a half-written or corrupted file is never left behind.

A corpus may lie in more than one *form*: WikiText-2 is shipped here as three ``.xz``
files, while its canonical download is one zip.  Whatever the form, every text handed out
is checked against the sha256 of its uncompressed content.
"""

from __future__ import annotations

import hashlib
import http.client
import lzma
import os
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path
from typing import Iterable

from ..checks import check_strings
from .registry import Corpus, DataFile, corpus as _corpus

__all__ = ["CacheNotWritableError", "ChecksumError", "CorpusNotFoundError", "cache_dir", "fetch", "read_member",
           "read_members"]


class ChecksumError(ValueError):
    """A file's sha256 is not the one the registry expects."""


class CorpusNotFoundError(FileNotFoundError):
    """A corpus is neither in ``LMKIT_DATA`` nor in the cache, and cannot be downloaded."""


class CacheNotWritableError(CorpusNotFoundError):
    """A corpus must be downloaded, but the cache folder cannot be written."""


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


# Network limits: a download fails when no byte arrives for TIMEOUT seconds, or when one file
# takes longer than DEADLINE seconds in all (a server that trickles bytes must not hang a build).
DOWNLOAD_TIMEOUT = 60.0
DOWNLOAD_DEADLINE = 1800.0


def _offline_hint(corpus: Corpus, f: DataFile) -> str:
    return (f"Offline, download it elsewhere and set LMKIT_DATA to the folder that holds "
            f"{f.path} (LMKIT_DATA is now {os.environ.get('LMKIT_DATA') or 'not set'}).")


def _receive(url: str, out) -> None:
    """Copy the body at ``url`` into ``out`` within the timeout and the overall deadline."""
    deadline = time.monotonic() + DOWNLOAD_DEADLINE
    with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as resp:
        while True:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the transfer took longer than {DOWNLOAD_DEADLINE:g} s")
            block = resp.read1(1 << 16)  # what has arrived, so the deadline is checked often
            if not block:
                break
            out.write(block)
        if getattr(resp, "length", None):  # the server closed before Content-Length bytes
            raise http.client.IncompleteRead(b"", resp.length)


def _download(corpus: Corpus, f: DataFile, dest: Path) -> None:
    """Download ``f.url`` to ``dest``: temporary file, verify, then atomic rename."""
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    except OSError as err:
        raise CacheNotWritableError(
            f"corpus {corpus.name!r} must be downloaded, but the cache {cache_dir()} cannot be "
            f"written ({err}). Set LMKIT_CACHE to a writable folder, or LMKIT_DATA to a folder "
            f"that holds {f.path}.") from err
    tmp = Path(tmp_name)
    try:
        try:
            with os.fdopen(fd, "wb") as out:
                _receive(f.url, out)
        except (urllib.error.URLError, http.client.HTTPException, OSError) as err:
            raise CorpusNotFoundError(
                f"corpus {corpus.name!r} is not in LMKIT_DATA nor in the cache {cache_dir()}, "
                f"and downloading {f.url} failed ({type(err).__name__}: {err}). "
                f"{_offline_hint(corpus, f)}") from err
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
    try:
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
                fh = tf.extractfile(inner)
                if fh is None:
                    raise KeyError(inner)
                data = fh.read()
    except (zipfile.BadZipFile, tarfile.TarError, lzma.LZMAError, EOFError, KeyError) as err:
        what = f"has no member {inner!r}" if isinstance(err, KeyError) else \
            f"is not a valid {f.kind} file ({type(err).__name__}: {err})"
        raise ChecksumError(f"{path} {what}: it is corrupt, truncated, or not the file the "
                            f"registry expects (an error page?). Delete it and fetch it "
                            f"again.") from None
    return _verify_bytes(data, sha, f"{member} (in {path})")


def read_member(name: str | Corpus, member: str) -> bytes:
    """The verified bytes of one text of a corpus, e.g. ``read_member("ptb", "ptb.test.txt")``."""
    corpus = _corpus(name)
    if not isinstance(member, str):
        raise TypeError(f"member must be one member name (a string), got {type(member).__name__} "
                        f"{member!r}; for several use read_members({corpus.name!r}, [...])")
    if member not in corpus.members:  # before any download
        raise KeyError(f"corpus {corpus.name!r} has no member {member!r}; it has: "
                       f"{', '.join(corpus.members[:8])}{' ...' if len(corpus.members) > 8 else ''}")
    paths = fetch(corpus)
    f = next(f for form in corpus.forms for f in form if f.path in paths and member in f.members)
    return _read_from(paths[f.path], f, member)


def read_members(name: str | Corpus, members: Iterable[str] | None = None) -> dict[str, bytes]:
    """Verified bytes of many texts at once (one pass over each archive)."""
    corpus = _corpus(name)
    if isinstance(members, (str, bytes)):
        raise TypeError(f"members must be a list of member names, not one string: pass "
                        f"[{members!r}], or use read_member({corpus.name!r}, {members!r})")
    if members is not None:
        members = check_strings("members", members, "['ptb.test.txt']", noun="member name")
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
                try:
                    with tarfile.open(paths[f.path]) as tf:
                        for info in tf:
                            if info.name in inner and info.isfile():
                                m = inner.pop(info.name)
                                out[m] = _verify_bytes(tf.extractfile(info).read(), f.members[m][1],
                                                       f"{m} (in {paths[f.path]})")
                except (tarfile.TarError, lzma.LZMAError, EOFError) as err:
                    raise ChecksumError(f"{paths[f.path]} is not a valid tar.xz file "
                                        f"({type(err).__name__}: {err}): it is corrupt or "
                                        f"truncated. Delete it and fetch it again.") from None
                if inner:
                    raise ChecksumError(f"{paths[f.path]} has no member {sorted(inner)[0]!r}: it "
                                        f"is not the archive the registry expects. Delete it "
                                        f"and fetch it again.")
            else:
                for m in todo:
                    out[m] = _read_from(paths[f.path], f, m)
    return out
