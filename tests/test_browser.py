"""The reader's two views, in a real browser: the rendered book and JupyterLab.

Headless Chromium (the system's, ``/usr/bin/chromium``; ``.ci/run`` installs it) is driven by
Playwright.  The rendered book is the structure-only build that ``make book-check`` writes
(``make test`` runs it first); it is served from a local port, and no request may leave the
machine.  Both tests skip, with the reason, only where Chromium or Playwright is missing.
"""

import functools
import http.server
import os
import re
import shutil
import socket
import socketserver
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import ROOT

HTML = ROOT / "_build" / "check" / "_build" / "html"
CHROMIUM = os.environ.get("LMKIT_CHROMIUM") or shutil.which("chromium") or \
    shutil.which("chromium-browser")
# every host but the local one resolves to nothing: no request can leave the machine
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
        "--disable-component-update", "--disable-sync", "--disable-quic",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
# a role left unparsed shows as "{doc}" before its target, a label as "(name)="
RAW_MYST = re.compile(r"\{[a-z][\w:-]*\}|\([\w:.-]+\)=")
# the prose of a page, without its code (f-strings have braces) and inline code literals
PROSE = """() => { const a = document.querySelector('main') || document.body;
  const c = a.cloneNode(true);
  c.querySelectorAll('pre, code, .cell_input, .highlight, script, style, mjx-container, .math')
   .forEach(e => e.remove());
  return c.innerText; }"""


def _browser():
    if not CHROMIUM:
        pytest.skip("no Chromium: install it (Debian: apt-get install chromium) or set "
                    "LMKIT_CHROMIUM to its path")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (it is in the test extra)")
    return sync_playwright


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def book_url():
    _browser()                                     # skip first where there is no browser
    if not (HTML / "index.html").is_file():
        pytest.fail(f"no built book at {HTML}: run `make book-check` first (make test does)")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(HTML))
    handler.log_message = lambda *args: None
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_the_rendered_book_in_chromium(book_url):
    sync_playwright = _browser()
    pages = sorted(p.relative_to(HTML).as_posix()
                   for p in [*HTML.glob("*.html"), *HTML.glob("chapters/*.html")]
                   if p.name not in ("search.html", "genindex.html", "index.html"))
    assert len(pages) > 30
    outside, raw = [], {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.on("request", lambda r: None if r.url.startswith((book_url, "data:", "blob:"))
                else outside.append(r.url))
        for name in pages:                              # no raw MyST in any page's text
            page.goto(f"{book_url}/{name}", wait_until="load")
            found = RAW_MYST.findall(page.evaluate(PROSE))
            if found:
                raw[name] = found[:3]
        # formulas typeset by MathJax, served by the book itself
        page.goto(f"{book_url}/chapters/02a_smoothing_methods.html", wait_until="load")
        page.wait_for_selector("mjx-container", timeout=30_000)
        assert page.locator("mjx-container").count() > 20
        # the glossary's Chinese, drawn with the book's own font
        page.goto(f"{book_url}/glossary.html", wait_until="load")
        page.evaluate("document.fonts.ready")
        loaded = page.evaluate("[...document.fonts].filter(f => f.family.includes('lmkit CJK'))"
                               ".map(f => f.status)")
        assert loaded == ["loaded"], f"the book's CJK font: {loaded}"
        assert page.evaluate("document.fonts.check('16px \"lmkit CJK\"', '语言模型')")
        # search
        page.goto(f"{book_url}/search.html?q=perplexity", wait_until="load")
        page.wait_for_selector("#search-results ul.search li", timeout=30_000)
        hits = page.locator("#search-results ul.search li").count()
        browser.close()
    assert not raw, f"raw MyST in the rendered pages: {raw}"
    assert not outside, f"requests that left the machine: {outside[:5]}"
    assert hits > 0


def test_jupyterlab_renders_the_chapters_myst(tmp_path):
    sync_playwright = _browser()
    jupyter = Path(sys.executable).with_name("jupyter")
    port, token = _free_port(), "lmkit-test"
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"))
    server = subprocess.Popen(
        [str(jupyter), "lab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={ROOT / 'chapters'}",
         "--ServerApp.allow_root=True", "--LabApp.news_url=None"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        deadline = time.time() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 1).close()
                break
            except OSError:
                assert time.time() < deadline, "jupyter lab did not start within a minute"
                time.sleep(0.5)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}/lab/tree/04c_lstm_kn5.ipynb?token={token}")
            first = page.locator(".jp-MarkdownCell").first
            first.locator("a", has_text="04a_neural_lm").wait_for(timeout=90_000)
            mystified = page.locator(".jp-MarkdownCell .myst").count()
            text = first.inner_text()
            browser.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    assert mystified > 0, "the jupyterlab-myst extension did not render the cells"
    assert "{doc}" not in text and "(ch4-lstm)=" not in text      # roles and labels rendered
