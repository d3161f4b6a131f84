"""Checks that nbval cannot make by itself, applied to every notebook cell it runs.

- Printed output wider than the page scrolls sideways in the rendered book, and the reader
  loses the end of the line: a cell whose stdout or result has a line over 80 characters fails.
- A glued value must read back as a Python literal (myst-nb formats ``{glue:text}`k:.1f``` by
  reading it back): a cell that glues ``np.float64(3.2)`` or a tensor fails here, not in the
  book's build.
"""

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


def _bad_glue(outputs) -> list[str]:
    import ast

    bad = []
    for out in outputs or []:
        meta = out.get("metadata", {}).get("scrapbook", {})
        if not meta:
            continue
        text = out.get("data", {}).get(meta.get("mime_prefix", "") + "text/plain")
        try:
            ast.literal_eval("".join(text) if isinstance(text, list) else text or "")
        except (ValueError, SyntaxError):
            bad.append(f"{meta.get('name')} = {text!r}")
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
        bad = _bad_glue(outputs)
        if bad:
            raise AssertionError(f"glued values the book cannot format: {bad}; glue Python "
                                 "numbers or strings (lmkit.plot.glue converts scalars)")
    return result
