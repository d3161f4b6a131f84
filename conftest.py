"""Checks that nbval cannot make by itself, applied to every notebook cell it runs.

Printed output wider than the page scrolls sideways in the rendered book, and the reader loses
the end of the line: a cell whose stdout or result has a line over 80 characters fails.
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
    return result
