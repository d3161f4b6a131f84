r"""The word2vec file formats (Mikolov et al.'s ``word2vec.c``, read and written by gensim).

Both start with a header line ``"n d\n"`` (words, dimensions), then one entry per word, in
order (the most frequent first, by convention):

- text: ``word v_1 ... v_d\n``, the values in decimal, separated by single spaces;
- binary: ``word`` in UTF-8, one space, then :math:`d` float32 little-endian (4 d bytes).
  ``word2vec.c`` writes a ``\n`` after each vector and gensim does not; both read either, and
  so does ``load_word2vec_format``.

Writing is atomic (a temporary file in the same folder, then ``os.replace``): a reader never
sees half a file.  A malformed file is refused with a ``ValueError`` naming the file and the
line (text) or entry (binary).
"""

from __future__ import annotations

import mmap
import os
import tempfile
from os import PathLike
from pathlib import Path

import numpy as np

from ..checks import check_int
from .keyed import _SPACE, KeyedVectors

__all__ = ["load_word2vec_format", "save_word2vec_format"]

_CHUNK = 8192  # entries converted or written at once


def _atomic_write(path: Path, write) -> None:
    folder = path.parent
    if not folder.is_dir():
        raise FileNotFoundError(f"cannot write {path}: the folder {folder} does not exist; "
                                f"create it first")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def save_word2vec_format(kv: KeyedVectors, path: str | PathLike, binary: bool = False,
                         precision: int | None = None) -> None:
    """Write ``kv`` in the word2vec text (default) or binary format, atomically.

    Text values are written in the shortest decimal form that reads back as the same float32
    (the bytes gensim writes), or with ``precision`` significant digits (smaller, faster,
    lossy).  Binary vectors are exact.
    """
    if not isinstance(kv, KeyedVectors):
        raise TypeError(f"save_word2vec_format writes a KeyedVectors, got {type(kv).__name__}")
    if precision is not None:
        precision = check_int("precision", precision, low=1, high=17)
    path = Path(path)
    vectors, words = kv.vectors, kv.index_to_key
    n, d = vectors.shape

    def write(f) -> None:
        f.write(f"{n} {d}\n".encode())
        for start in range(0, n, _CHUNK):
            block = vectors[start:start + _CHUNK]
            names = words[start:start + _CHUNK]
            if binary:
                raw = block.astype("<f4").tobytes()
                step = 4 * d
                f.write(b"".join(w.encode() + b" " + raw[i * step:(i + 1) * step]
                                 for i, w in enumerate(names)))
            elif precision is None:
                # str(np.float32): the shortest decimal that reads back as the same float32
                f.write("".join(f"{w} {' '.join(map(str, row))}\n"
                                for w, row in zip(names, block)).encode())
            else:
                fmt = " ".join([f"%.{precision}g"] * d)
                f.write("".join(f"{w} {fmt % tuple(row)}\n"
                                for w, row in zip(names, block.tolist())).encode())

    _atomic_write(path, write)


def _header(line: bytes, path: Path) -> tuple[int, int]:
    fields = line.split() if line.endswith(b"\n") else []  # no line break: not a header
    try:
        n, d = (int(x) for x in fields)
        ok = n >= 1 and d >= 1
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(f"{path}, line 1: the header must be two integers >= 1, 'words "
                         f"dimensions' and a line break (e.g. b'71290 100\\n'), got {line[:40]!r}; "
                         f"is this a word2vec file? (GloVe's text files have no header)")
    return n, d


class _Words:
    """Words read so far, refusing duplicates and bad names with the place they occur."""

    def __init__(self, path: Path, where: str, hint: str) -> None:
        self.path, self.where, self.hint, self.seen, self.words = path, where, hint, {}, []

    def add(self, word: str, place: int) -> None:
        if not word:
            raise ValueError(f"{self.path}, {self.where} {place}: empty word")
        if word in self.seen:
            raise ValueError(f"{self.path}, {self.where} {place}: the word {word!r} occurs a "
                             f"second time (first at {self.where} {self.seen[word]}); each word "
                             f"must have one vector{self.hint}")
        if _SPACE.search(word):
            raise ValueError(f"{self.path}, {self.where} {place}: the word {word!r} holds "
                             f"whitespace{self.hint}")
        self.seen[word] = place
        self.words.append(word)


def _decode(raw: bytes, path: Path, where: str, place: int, encoding: str, errors: str,
            hint: str) -> str:
    try:
        return raw.decode(encoding, errors)
    except UnicodeDecodeError as err:
        raise ValueError(f"{path}, {where} {place}: not {encoding} ({err.reason}){hint}; "
                         f"unicode_errors='replace' keeps going past broken words") from None


def _check_finite(block: np.ndarray, first: int, path: Path, where: str, offset: int) -> None:
    bad = ~np.isfinite(block).all(axis=1)
    if bad.any():
        raise ValueError(f"{path}, {where} {first + int(np.argmax(bad)) + offset}: NaN or inf "
                         f"in the vector; word vectors must be finite")


def _read_text(f, path: Path, n: int, d: int, encoding: str, errors: str, strict_end: bool):
    out = np.empty((n, d), dtype=np.float32)
    hint = " (a binary file? pass binary=True)"
    words = _Words(path, "line", "")
    values: list[str] = []
    start = 0
    for i in range(n):
        raw = f.readline()
        line_no = i + 2
        if not raw:
            raise ValueError(f"{path}: the header announces {n} words but the file ends after "
                             f"{i}; the file is truncated or its header is wrong")
        line = _decode(raw, path, "line", line_no, encoding, errors, hint).rstrip()
        word, _, rest = line.partition(" ")
        words.add(word, line_no)
        vals = rest.split()
        if len(vals) != d:
            raise ValueError(f"{path}, line {line_no}: {len(vals)} values for {word!r}, the "
                             f"header says {d}{hint if len(vals) < d else ''}")
        values.extend(vals)
        if i + 1 - start == _CHUNK or i + 1 == n:
            try:
                block = np.array(values, dtype=np.float32).reshape(-1, d)
            except ValueError:
                for j, v in enumerate(values):
                    try:
                        np.float32(v)
                    except ValueError:
                        raise ValueError(f"{path}, line {start + j // d + 2}: {v!r} is not a "
                                         f"number{hint}") from None
                raise ValueError(f"{path}, lines {start + 2} to {i + 2}: values that are not "
                                 f"numbers{hint}") from None
            _check_finite(block, start, path, "line", 2)
            out[start:i + 1] = block
            values, start = [], i + 1
    if strict_end and f.read(4096).strip():
        raise ValueError(f"{path}, line {n + 2}: more entries than the {n} the header announces; "
                         f"fix the header (or pass limit={n} to read the first {n})")
    return words.words, out


def _read_binary(buf, pos: int, path: Path, n: int, d: int, encoding: str, errors: str,
                 strict_end: bool):
    out = np.empty((n, d), dtype=np.float32)
    hint = " (a text file? pass binary=False)"
    words = _Words(path, "entry", hint)
    step, size = 4 * d, len(buf)
    for i in range(n):
        while pos < size and buf[pos] in b"\n\r\t ":  # word2vec.c ends each vector with \n
            pos += 1
        space = buf.find(b" ", pos, pos + 10_000)
        if space < 0 or space + 1 + step > size:
            if pos >= size:
                raise ValueError(f"{path}: the header announces {n} words but the file ends "
                                 f"after {i}; the file is truncated or its header is wrong")
            raise ValueError(f"{path}, entry {i + 1}: truncated (the word and its {step} bytes "
                             f"of vector do not fit in the {size - pos} bytes left){hint}")
        if i == 0 and not bytes(buf[space + 1:space + 1 + step]).strip(b"0123456789.-+eE \r\n"):
            # float32 values of a plausible size never all look like digits
            raise ValueError(f"{path}, entry 1: the vector reads as decimal text{hint}")
        word = _decode(bytes(buf[pos:space]), path, "entry", i + 1, encoding, errors, hint)
        words.add(word, i + 1)
        out[i] = np.frombuffer(buf, dtype="<f4", count=d, offset=space + 1)
        pos = space + 1 + step
    _check_finite(out, 0, path, "entry", 1)
    if strict_end and bytes(buf[pos:pos + 4096]).strip():
        raise ValueError(f"{path}, entry {n + 1}: more entries than the {n} the header "
                         f"announces{hint}; fix the header (or pass limit={n} to read the "
                         f"first {n})")
    return words.words, out


def load_word2vec_format(path: str | PathLike, binary: bool = False, limit: int | None = None,
                         encoding: str = "utf-8", unicode_errors: str = "strict") -> KeyedVectors:
    """Read a word2vec text or binary file (``binary=True``) into ``KeyedVectors``, the first
    ``limit`` words only if given (the most frequent, by convention).

    Raises ``ValueError`` naming the file and the line (text) or entry (binary) for a bad
    header, a wrong number of values, a value that is not a number, NaN or inf, a truncated
    entry, fewer (or, without ``limit``, more) entries than the header says, or a word given
    twice.  ``unicode_errors="replace"`` reads files whose words were cut mid-character
    (``word2vec.c`` truncates long words by bytes).
    """
    if limit is not None:
        limit = check_int("limit", limit, low=1)
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no word2vec file at {path}")
    with open(path, "rb") as f:
        head = f.readline(256)
        n_file, d = _header(head, path)
        n = n_file if limit is None else min(n_file, limit)
        if not binary:
            words, vectors = _read_text(f, path, n, d, encoding, unicode_errors, limit is None)
        else:
            if os.fstat(f.fileno()).st_size <= len(head):
                raise ValueError(f"{path}: the header announces {n} words but the file ends "
                                 f"after 0; the file is truncated or its header is wrong")
            with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as buf:
                words, vectors = _read_binary(buf, len(head), path, n, d, encoding,
                                              unicode_errors, limit is None)
    return KeyedVectors(words, vectors, copy=False)
