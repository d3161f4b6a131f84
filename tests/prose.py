"""Measured numbers in a notebook's prose that nothing ties to the run.

The rule (README, "Adding a chapter"): a number in the prose is either rendered from the run
with myst-nb's ``{glue:text}`` role, or it is a literal of the notebook's code (an assert's
bound, or a setting the code states), or it is a published figure of ``lmkit.reference``, or
it sits on the short allow-list of ``tests/test_prose.py`` (years, citations, definitions).

Usage, while writing a chapter: ``python tests/prose.py chapters/02a_smoothing_methods.ipynb``
lists each unexplained number with its context.
"""

from __future__ import annotations

import ast
import io
import json
import re
import sys
import tokenize
from dataclasses import dataclass
from pathlib import Path

# fenced blocks whose body is not prose
_CODE_FENCES = {"", "python", "code", "code-block", "code-cell", "math", "bibliography",
                "text", "bash", "console", "none"}
_WORD_NUM = (r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
             r"forty|fifty|hundred|thousand")
# quantities written in words: they must be glued (or be definitions on the allow-list)
WORD_QUANTITIES = re.compile(
    rf"\b(?:(?:{_WORD_NUM}|\w+-fold)\s+times\b|twice\b|half as\b|(?:one|{_WORD_NUM})\s+in\s+"
    rf"(?:{_WORD_NUM}|a hundred|a thousand)\b|an? (?:tenth|hundredth|thousandth|third|quarter)"
    rf"\s+of\b|(?:doubles|halves|triples)\b)", re.I)
# a number joined to a name by a hyphen names the thing ("WordSim-353", "GPT-2"): not measured
NUMBER = re.compile(r"(?<![\w.\\^_{])(?<![A-Za-z]-)"
                    r"(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:\s*(%|×|x\b))?(?![\w])")
# a unit after a small integer makes it a measurement ("3 PFLOP", "2 minutes"), not an order
UNIT = re.compile(r"\s*(?:[PTGMk]?FLOPs?\b|[KMG]B\b|seconds?\b|ms\b|minutes?\b|hours?\b|"
                  r"bits?\b|nats?\b|points?\b|percent\b)")
# numbers that name a place, not a measurement: "Table 4.1", "chapter 3", "section 2.4"
PLACE = re.compile(r"(?:^|\W)(?:table|figure|fig\.|section|chapter|chapters|eq\.|equation|"
                   r"exercise|exercises|§|step|part|page|pp\.|vol\.|no\.|cell|cells)\s*$",
                   re.I)


@dataclass(frozen=True)
class Finding:
    notebook: str
    text: str       # the number as written
    context: str

    def __str__(self) -> str:
        return f"{self.notebook}: {self.text!r} in …{self.context}…"


def _strip_fences(md: str) -> str:
    out, fence, skip = [], None, False
    for line in md.splitlines():
        m = re.match(r"^\s*(`{3,}|:{3,})\s*(\{([\w:-]+)\}|[\w-]*)", line)
        if fence is None and m:
            fence = m.group(1)
            name = (m.group(3) or m.group(2) or "").lower()
            skip = name in _CODE_FENCES
            continue
        if fence is not None and line.strip() == fence:
            fence, skip = None, False
            continue
        if fence is not None and (skip or re.match(r"^\s*:[\w-]+:", line)):
            continue
        out.append(line)
    return "\n".join(out)


def prose_of(md: str) -> str:
    """The prose of a markdown cell, with what cannot hold a measured number removed."""
    md = _strip_fences(md)
    md = re.sub(r"<!--.*?-->", " ", md, flags=re.S)
    md = re.sub(r"\{glue(?::\w+)?\}`[^`]*`", " GLUED ", md)
    md = re.sub(r"\{(cite|cite:p|cite:t|doc|ref|numref|eq|download|label)\}`[^`]*`", " ", md)
    md = re.sub(r"\{term\}`([^`<]*)(<[^>]*>)?`", r"\1", md)
    md = re.sub(r"`[^`]*`", " ", md)
    md = re.sub(r"^\s*\([\w:-]+\)=\s*$", " ", md, flags=re.M)
    md = re.sub(r"\]\([^)]*\)", "]", md)
    md = re.sub(r"https?://\S+", " ", md)
    # math: integers there are notation (n - 1, 2^H); decimals are values and stay
    md = re.sub(r"\$\$.*?\$\$|\$[^$\n]+\$",
                lambda m: " ".join(re.findall(r"\d+\.\d+", m.group(0))) or " ", md, flags=re.S)
    return md


def code_literals(cells: list[str]) -> tuple[set[float], set[float]]:
    """The numeric literals of the code cells, as floats: (all of them, those in a check).

    A check is a logical line with ``assert``, an ``assert_*`` call or ``reproduce(...)``."""
    every: set[float] = set()
    checked: set[float] = set()
    for src in cells:
        src = "\n".join(l for l in src.splitlines() if not l.lstrip().startswith(("%", "!")))
        try:
            toks = list(tokenize.generate_tokens(io.StringIO(src).readline))
        except (tokenize.TokenError, IndentationError, SyntaxError):
            toks = []
        line: list[tokenize.TokenInfo] = []
        for t in toks + [None]:
            if t is not None and t.type not in (tokenize.NEWLINE, tokenize.ENDMARKER):
                line.append(t)
                continue
            names = {x.string for x in line if x.type == tokenize.NAME}
            is_check = bool(names & {"assert", "reproduce"}) or any(
                n.startswith("assert_") for n in names)
            for x in line:
                if x.type == tokenize.NUMBER:
                    try:
                        v = float(ast.literal_eval(x.string))
                    except (ValueError, SyntaxError):
                        continue
                    every.add(v)
                    if is_check:
                        checked.add(v)
            line = []
    return every, checked


def _value(text: str) -> float:
    return float(text.replace(",", ""))


def _explained(num: str, dec: str, unit: str, literals: tuple[set[float], set[float]],
               published: set[float]) -> bool:
    """A value is explained by a published figure or a literal of a check; an integer of 10
    or more (a size, a count the code sets) also by any literal of the code."""
    every, checked = literals
    v = _value(num + (dec or ""))
    cands = {round(v / 100, 10)} | ({v} if v >= 10 else set()) if unit == "%" else {v}
    pool = checked | published
    if not dec and not unit and v >= 10:
        pool = pool | every
    return bool(cands & pool)


def unexplained(nb_path: Path, allow: dict[str, str] | None = None) -> list[Finding]:
    """The numbers in ``nb_path``'s prose that are neither glued, code literals, published
    figures nor allowed (``allow`` maps the number as written, or a phrase, to its reason)."""
    from lmkit.reference import PUBLISHED

    allow = allow or {}
    cells = json.loads(Path(nb_path).read_text("utf-8"))["cells"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    literals = code_literals(code)
    published = {p.value for p in PUBLISHED.values() if isinstance(p.value, float)}
    found = []
    for c in cells:
        if c["cell_type"] != "markdown":
            continue
        text = prose_of("".join(c["source"]))
        for m in NUMBER.finditer(text):
            num, dec, unit = m.group(1), m.group(2) or "", m.group(3) or ""
            written = m.group(0).strip()
            before = text[max(0, m.start() - 40):m.start()]
            ctx = text[max(0, m.start() - 50):m.end() + 30].replace("\n", " ")
            if written in allow or num + dec in allow:
                continue
            if not dec and not unit and "," not in num:
                n = int(num)
                if (n < 10 and not UNIT.match(text, m.end())) or (1600 <= n <= 2039
                                                                  and len(num) == 4):
                    continue  # small integers (orders, counts of things) and years
            if PLACE.search(before):
                continue
            if _explained(num, dec, unit, literals, published):
                continue
            found.append(Finding(Path(nb_path).name, written, ctx))
        for m in WORD_QUANTITIES.finditer(text):
            phrase = m.group(0)
            if phrase.lower() in {a.lower() for a in allow}:
                continue
            ctx = text[max(0, m.start() - 50):m.end() + 30].replace("\n", " ")
            found.append(Finding(Path(nb_path).name, phrase, ctx))
    return found


def glue_keys(nb_path: Path) -> tuple[set[str], set[str]]:
    """(keys the prose pastes with {glue...}, keys the code glues with glue("key", ...))."""
    cells = json.loads(Path(nb_path).read_text("utf-8"))["cells"]
    md = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    src = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    used = {k.split(":")[0] for k in re.findall(r"\{glue(?::\w+)?\}`([^`]*)`", md)}
    used |= set(re.findall(r"```\{glue(?::\w+)?\}\s+([\w.-]+)", md))
    defined = set(re.findall(r"\bglue\(\s*[\"']([^\"']+)[\"']", src))
    return used, defined


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from test_prose import ALLOW  # noqa: E402

    status = 0
    for arg in sys.argv[1:]:
        p = Path(arg)
        for f in unexplained(p, ALLOW.get(p.stem, {}) | ALLOW.get("*", {})):
            print(f)
            status = 1
        used, defined = glue_keys(p)
        for k in sorted(used - defined):
            print(f"{p.name}: the prose pastes {k!r}, which no cell glues")
            status = 1
    sys.exit(status)
