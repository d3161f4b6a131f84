"""House rules of the book: notebooks without outputs, toc and chapters in step."""

import json
import re

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


def test_notebooks_are_committed_without_outputs():
    assert NOTEBOOKS
    for nb in NOTEBOOKS:
        cells = json.loads(nb.read_text("utf-8"))["cells"]
        dirty = [i for i, c in enumerate(cells)
                 if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))]
        assert not dirty, f"{nb.name}: cells {dirty} have outputs; run `make clean-outputs`"


def test_every_chapter_is_in_the_toc_and_every_toc_entry_exists():
    toc = (ROOT / "_toc.yml").read_text("utf-8")
    entries = re.findall(r"file:\s*(\S+)", toc)
    for e in entries:
        assert any((ROOT / f"{e}{ext}").exists() for ext in (".ipynb", ".md")), e
    for nb in NOTEBOOKS:
        assert f"chapters/{nb.stem}" in entries, f"{nb.name} is not in _toc.yml"


def test_notebooks_do_not_redefine_lmkit():
    """Code lives once: a chapter may not define a class that lmkit already has."""
    import lmkit.ngram
    names = {n for n in dir(lmkit.ngram) if n[:1].isupper()}
    for nb in NOTEBOOKS:
        src = "".join("".join(c["source"]) for c in json.loads(nb.read_text("utf-8"))["cells"]
                      if c["cell_type"] == "code")
        assert not [n for n in names if re.search(rf"^class {n}\b", src, re.M)], nb.name


def _imports_torch(code: str) -> bool:
    import subprocess
    import sys
    out = subprocess.run([sys.executable, "-c", f"{code}\nimport sys\nprint('torch' in sys.modules)"],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip().endswith("True")


def test_import_lmkit_is_cheap_and_torch_comes_only_with_a_neural_module():
    assert not _imports_torch("import lmkit")
    assert not _imports_torch("import lmkit\nlmkit.set_seed(0)")
    assert not _imports_torch("import lmkit\nlmkit.ngram.NgramLM\nlmkit.adapt.CacheLM\n"
                              "lmkit.data.CORPORA\nlmkit.text.Vocab\nlmkit.metrics.perplexity\n"
                              "lmkit.reference.PUBLISHED\nlmkit.interpolate.em_weights")
    assert _imports_torch("import lmkit\nlmkit.models.RNNLM")
    # a seed given before torch was imported reaches torch when a neural module loads it
    assert _imports_torch("import lmkit, sys\nlmkit.set_seed(7)\nlmkit.models.RNNLM\nimport torch\n"
                          "a = torch.rand(3)\ntorch.manual_seed(7)\nassert torch.equal(a, torch.rand(3))")


def test_every_lmkit_file_is_readable_in_one_sitting():
    """The layout shows the architecture: no module much over 400 lines."""
    long = {str(p.relative_to(ROOT)): n for p in (ROOT / "lmkit").rglob("*.py")
            if (n := len(p.read_text("utf-8").splitlines())) > 450}
    assert not long, long


def _code(nb) -> str:
    return "\n".join("".join(c["source"]) for c in json.loads(nb.read_text("utf-8"))["cells"]
                     if c["cell_type"] == "code")


# Internals that notebooks once read and that public accessors replaced: a notebook that
# reaches for one of them again locks lmkit's insides in place.
RENAMED_INTERNALS = [
    # n-gram models: the fitted method and the count tries (public accessors: lm.count,
    # lm.history_count, lm.counts_of_order, lm.continuation_count, lm.parameters, ...)
    r"\.model\b", r"\bcounts\.counts\b",
    r"\.counts\.(child|continuation|context_total|context_types|keys|first|suffix)\b",
    r"\.P\[", r"\.bow\[", r"\bkmax\b", r"\bdiscount_for\b", r"\bdiscounts_for\b",
    r"\.discounts\(", r"\bcontext_total\b", r"\bcontext_types\b", r"\.child\(",
    r"\.continuation\(", r"\.keys\[", r"\bcounts_at\b", r"\.r0\b", r"\.lambdas\b",
    # adaptation: the skip-bigram's tables and its old probability interface
    r"\.(cnt|uni|D)\b", r"\btoken_probs\b",
    # max-ent and training: the old fit loop and the time budget
    r"\btoken_logprobs_ids\b", r"\btrigger_mask\b", r"\bseconds=", r"\bl2=",
    # neural models: the old module, the stateful RNN, layer internals, unsafe loading
    r"\bnnlm\b", r"\.reset\(", r"\.proj\b", r"\.emb\b", r"\.bounds\b", r"\.paths\b",
    r"\.signs\b", r"\.word_proj\b", r"\.class_proj\b", r"\.nodes\b", r"\.node_bias\b",
    r"\.hidden_layer\b", r"\.log_q\b", r"torch\.load\((?![^)]*weights_only=True)",
]


def test_notebooks_use_only_public_names():
    for nb in NOTEBOOKS:
        src = _code(nb)
        private = re.findall(r"\.(_[A-Za-z]\w*)|import[^\n]*\b(_[A-Za-z]\w*)", src)
        assert not private, f"{nb.name} touches private names {private}"
        for pattern in RENAMED_INTERNALS:
            assert not re.search(pattern, src), f"{nb.name} reads the internal {pattern!r}"


def test_perplexity_is_computed_once_in_lmkit_not_by_hand():
    """`perplexity` exists once (lmkit.metrics): notebooks call it, they don't redo exp(-mean)."""
    by_hand = re.compile(r"exp\(\s*-[^\n]*\.mean\(")
    for nb in NOTEBOOKS:
        assert not by_hand.search(_code(nb)), f"{nb.name} computes a perplexity by hand"
    for p in (ROOT / "lmkit").rglob("*.py"):
        if p.name != "metrics.py":
            assert not by_hand.search(p.read_text("utf-8")), f"{p} computes a perplexity by hand"


def test_published_numbers_are_read_from_lmkit_reference_not_typed():
    """A number from a paper is stated once, in lmkit.reference, with its source."""
    from lmkit.reference import PUBLISHED

    values = {f"{p.value:g}" for p in PUBLISHED.values() if isinstance(p.value, float)}
    sources = [(nb.name, _code(nb)) for nb in NOTEBOOKS]
    sources += [(p.name, p.read_text("utf-8")) for p in (ROOT / "benchmarks").glob("*.py")]
    for name, src in sources:
        typed = [v for v in values if re.search(rf"(?<![\d.]){re.escape(v)}(?![\d])", src)]
        assert not typed, f"{name} types the published {typed}: use lmkit.reference.published"


def test_test_files_have_unique_names():
    """pytest imports test modules by their basename (no __init__.py in tests/): two files
    of the same name in different folders make the second fail to collect."""
    names = [p.name for p in ROOT.joinpath("tests").rglob("test_*.py")]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


def test_the_shipped_chinese_font_covers_every_character_of_the_book(capsys, monkeypatch):
    """A reader without a CJK font sees the book's Chinese in its own font subset."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("cjk_font", ROOT / "tools" / "cjk_font.py")
    cjk = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cjk)
    chars = cjk.book_characters()
    assert {"语", "言", "模", "型", "术", "表"} <= set(chars)
    assert cjk.main(["--check"]) == 0
    assert (ROOT / "_static" / "fonts" / "OFL.txt").is_file()
    monkeypatch.setattr(cjk, "book_characters", lambda: chars + "龘")   # a new character
    capsys.readouterr()
    assert cjk.main(["--check"]) == 1
    err = capsys.readouterr().err
    assert "龘" in err and "fonts-noto-cjk" in err          # the character and the fix


def test_each_chapter_page_names_its_key_terms_as_the_glossary_does():
    glossary = (ROOT / "glossary.md").read_text("utf-8")
    pages = sorted((ROOT / "chapters").glob("*_chapter.md"))
    assert len(pages) >= 8
    for page in pages:
        line = next(l for l in page.read_text("utf-8").splitlines()
                    if l.startswith("**Key terms.**"))
        terms = line.removeprefix("**Key terms.**").split(". Every")[0].split(";")
        chinese = [re.sub(r"^[^\u3400-\u9fff]*", "", t).strip() for t in terms]
        missing = [c for c in chinese if c and c not in glossary]
        assert not missing, f"{page.name}: {missing} are not the glossary's names"
