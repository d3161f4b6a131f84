"""The corpus registry: which files make up each corpus, where they come from, and the
sha256 of every file and of every text inside it.

The facts live in a data file, ``registry.json`` beside this module (plus the per-member
checksum lists in ``checksums/`` for the corpora with hundreds of files); this module only
turns them into ``Corpus`` and ``DataFile`` records.  To add a corpus, add an entry there.
"""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["CORPORA", "Corpus", "DataFile", "corpus"]

_HERE = Path(__file__).parent


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


def _checksums(name: str) -> dict[str, str]:
    """``checksums/<name>`` as ``{path: sha256}`` (``sha256  path`` per line)."""
    text = (_HERE / "checksums" / name).read_text("utf-8")
    pairs = (line.split(maxsplit=1) for line in text.splitlines() if line.strip())
    return {path.strip(): sha for sha, path in pairs}


def _file(entry: dict) -> DataFile:
    path, sha = entry["path"], entry["sha256"]
    if "members_from" in entry:
        members = {p: (p, s) for p, s in _checksums(entry["members_from"]).items()}
    elif "members" in entry:
        members = {k: (inner, s) for k, (inner, s) in entry["members"].items()}
    else:  # a plain file: one member, the file itself
        members = {path.rsplit("/", 1)[-1]: (None, sha)}
    return DataFile(path, sha, entry.get("url"), members)


def _form(entry) -> tuple[DataFile, ...]:
    if isinstance(entry, dict):  # {"per_file": ...}: one plain file per checksum line
        spec = entry["per_file"]
        return tuple(
            DataFile(f"{spec['folder']}/{p}", sha, f"{spec['base_url']}/{urllib.parse.quote(p)}",
                     {p: (None, sha)})
            for p, sha in _checksums(spec["checksums"]).items())
    return tuple(_file(e) for e in entry)


def _load() -> dict[str, Corpus]:
    raw = json.loads((_HERE / "registry.json").read_text("utf-8"))
    return {name: Corpus(name, c["description"], c["licence"], tuple(_form(f) for f in c["forms"]))
            for name, c in raw.items() if not name.startswith("_")}


CORPORA: dict[str, Corpus] = _load()


def corpus(name: str | Corpus) -> Corpus:
    """The registry's record of a corpus, by name."""
    if isinstance(name, Corpus):
        return name
    if not isinstance(name, str) or name not in CORPORA:
        raise KeyError(f"unknown corpus {name!r}; lmkit.data knows: {', '.join(sorted(CORPORA))}")
    return CORPORA[name]
