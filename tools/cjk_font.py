"""The book's Chinese web font: Noto Sans CJK SC cut down to the characters the book uses.

A reader's browser without a CJK font draws the book's Chinese (chapter titles, key terms,
the glossary) as empty boxes.  The book therefore ships its own font, subset to exactly the
characters of its sources, a few hundred KB of woff2, with its licence beside it.

    python tools/cjk_font.py          # regenerate the subset (needs the full font), or check
    python tools/cjk_font.py --check  # only check that the shipped subset covers the sources

Regenerating needs the full font: Debian's ``fonts-noto-cjk`` (NotoSansCJK-Regular.ttc,
its SC face), or the file named by ``LMKIT_CJK_FONT``.  Without it, the shipped subset is
kept, and the command fails, naming the characters and the fix, only if a source uses a
character the subset lacks.  ``make book`` and ``make book-check`` run it first.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "_static" / "fonts"
FONT_FILE = OUT / "lmkit-cjk.woff2"
CHARS_FILE = OUT / "lmkit-cjk-chars.txt"   # the subset, readable: a diff shows what changed
FAMILY = "lmkit CJK"
# what the book renders (_config.yml's exclude_patterns leave README.md and the rest out)
SOURCES = ["intro.md", "glossary.md", "notation.md", "bibliography.md", "_toc.yml",
           "_config.yml", "references.bib", "reproduction.ipynb", "chapters/*.ipynb",
           "chapters/*.md"]
FULL_FONTS = ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
              "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"]
# Radicals, CJK symbols and punctuation, kana, bopomofo, strokes, enclosed and compatibility
# forms, ideographs (unified, extensions A to G), compatibility ideographs, vertical and
# full-width forms: the ranges that _static/cjk.css's unicode-range hands to this font.
CJK = re.compile("[\u2e80-\u2fdf\u3000-\u33ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
                 "\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003134f]")


def book_characters() -> str:
    """Every CJK character in the book's sources, sorted."""
    chars: set[str] = set()
    for pattern in SOURCES:
        for path in ROOT.glob(pattern):
            text = path.read_text("utf-8")
            if path.suffix == ".ipynb":
                cells = json.loads(text)["cells"]
                text = "\n".join("".join(c["source"]) for c in cells)
            chars.update(CJK.findall(text))
    return "".join(sorted(chars))


def full_font() -> Path | None:
    for name in [os.environ.get("LMKIT_CJK_FONT", "")] + FULL_FONTS:
        if name and Path(name).is_file():
            return Path(name)
    return None


def subset(source: Path, chars: str) -> None:
    """Write the woff2 subset of ``source`` (its Simplified Chinese face) for ``chars``."""
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTCollection, TTFont

    if source.suffix.lower() == ".ttc":
        faces = TTCollection(str(source)).fonts
        sc = [k for k, f in enumerate(faces) if f["name"].getDebugName(1) == "Noto Sans CJK SC"]
        if not sc:
            raise SystemExit(f"{source} has no 'Noto Sans CJK SC' face (it has "
                             f"{[f['name'].getDebugName(1) for f in faces]}): point "
                             f"LMKIT_CJK_FONT at NotoSansCJK-Regular.ttc")
        font = TTFont(str(source), fontNumber=sc[0], recalcTimestamp=False)
    else:
        font = TTFont(str(source), recalcTimestamp=False)
    options = ft_subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    sub = ft_subset.Subsetter(options)
    sub.populate(text=chars)
    sub.subset(font)
    for record in font["name"].names:          # a modified font takes its own family name
        if record.nameID in (1, 4, 16):
            record.string = FAMILY
        elif record.nameID == 6:
            record.string = FAMILY.replace(" ", "-")
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = FONT_FILE.with_suffix(".tmp")
    ft_subset.save_font(font, str(tmp), options)
    tmp.replace(FONT_FILE)                      # never a half-written font
    CHARS_FILE.write_text(chars + "\n", "utf-8")


def shipped_characters() -> set[str]:
    """The characters the shipped font draws (its character map), none if it is missing."""
    if not FONT_FILE.is_file():
        return set()
    from fontTools.ttLib import TTFont

    return {chr(c) for c in TTFont(str(FONT_FILE))["cmap"].getBestCmap()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="only check that the shipped subset covers the book's characters")
    args = parser.parse_args(argv)
    chars = book_characters()
    source = None if args.check else full_font()
    if source is not None:
        subset(source, chars)
        print(f"{FONT_FILE.relative_to(ROOT)}: {len(chars)} characters, "
              f"{FONT_FILE.stat().st_size / 1024:.0f} KB (from {source})")
        return 0
    missing = sorted(set(chars) - shipped_characters())
    if not FONT_FILE.is_file() or missing:
        print(f"the book's Chinese font {FONT_FILE.relative_to(ROOT)} lacks "
              f"{len(missing)} character(s) the sources use: {''.join(missing[:40])}\n"
              f"fix: install the full font (sudo apt-get install fonts-noto-cjk, or set "
              f"LMKIT_CJK_FONT to NotoSansCJK-Regular.ttc) and run python tools/cjk_font.py",
              file=sys.stderr)
        return 1
    print(f"{FONT_FILE.relative_to(ROOT)} covers the book's {len(chars)} CJK characters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
