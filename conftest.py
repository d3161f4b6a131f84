"""Checks that nbval cannot make by itself, applied to every notebook cell it runs.

- Printed output wider than the page scrolls sideways in the rendered book, and the reader
  loses the end of the line: a cell whose stdout or result has a line over 80 characters fails.
- A glued value must be one the prose can paste: the cell that glues it fails if myst-nb
  could not format it the way the notebook's prose asks (``{glue:text}`k:.1f```), for example
  ``np.float64(3.2)`` (not a Python literal) or a string pasted with a number's format.  So
  the book's build cannot fail on it later.
"""

import functools
import json
import re

import pytest

PAGE_WIDTH = 80


def _wide_lines(outputs) -> list[str]:
    wide = []
    for out in outputs or []:
        if out.get("output_type") == "stream":
            if out.get("name") != "stdout":
                continue  # progress bars (stderr) redraw in place
            text = out.get("text", "")
        elif out.get("output_type") == "execute_result":
            text = out.get("data", {}).get("text/plain", "")
        else:
            continue
        text = "".join(text) if isinstance(text, list) else text
        wide += [line for line in text.replace("\r", "\n").splitlines()
                 if len(line) > PAGE_WIDTH]
    return wide


@functools.lru_cache(maxsize=None)
def _pasted_formats(path: str) -> dict[str, set[str]]:
    """key -> the format specs with which the notebook's prose pastes it."""
    cells = json.loads(open(path, encoding="utf-8").read())["cells"]
    md = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    formats: dict[str, set[str]] = {}
    for ref in re.findall(r"\{glue(?::text)?\}`([^`]*)`", md):
        key, _, fmt = ref.partition(":")
        formats.setdefault(key, set()).add(fmt)
    return formats


def _bad_glue(outputs, path: str) -> list[str]:
    import ast

    from myst_nb.core.variables import format_plain_text

    bad = []
    formats = _pasted_formats(path)
    for out in outputs or []:
        meta = out.get("metadata", {}).get("scrapbook", {})
        if not meta:
            continue
        name = meta.get("name")
        text = out.get("data", {}).get(meta.get("mime_prefix", "") + "text/plain")
        text = "".join(text) if isinstance(text, list) else text or ""
        try:
            ast.literal_eval(text)
            for fmt in formats.get(name, ()):
                format_plain_text(text, fmt)
        except (ValueError, SyntaxError, TypeError) as err:
            bad.append(f"{name} = {text} ({err})")
    return bad


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    outputs = getattr(item, "test_outputs", None)
    if outputs is not None:
        wide = _wide_lines(outputs)
        if wide:
            raise AssertionError(
                f"the cell prints {len(wide)} line(s) over {PAGE_WIDTH} characters, which "
                f"scroll sideways in the book; shorten them. First: {wide[0]!r}")
        bad = _bad_glue(outputs, str(item.fspath))
        if bad:
            raise AssertionError(f"glued values the prose cannot paste: {bad}; glue Python "
                                 "numbers or strings (lmkit.plot.glue converts scalars), "
                                 "and paste strings without a number's format")
    return result
