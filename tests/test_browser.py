"""The built book as a reader sees it: every page opened in headless Chromium, network blocked.

Each page must load with no failed request and no console error, show its formulas typeset by
the bundled MathJax (no raw TeX left), load every image and web font, and link only to pages
and anchors that exist; the search page must find a term, and each exercise page's download
button must serve the release notebook. Screenshots of every page: _build/screenshots/.
Needs Debian's chromium (`make test` installs it as root) and both editions built (`make book`,
`make book-instructors`).
"""
import functools
import http.server
import json
import os
import re
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
EDITIONS = {
    "student": ROOT / "_build" / "html",
    "instructors": ROOT / "_build" / "instructors" / "_build" / "html",
}
BUILD_COMMAND = {"student": "make book", "instructors": "make book-instructors"}
SHOTS = ROOT / "_build" / "screenshots"
EXERCISES = sorted(p.parent.name for p in (ROOT / "exercises").glob("*/*.ipynb"))
SEARCH_TERM, SEARCH_HIT = "LoRA", "book/peft.html"  # a term, and a page that must be among its hits
CHROMIUM_HELP = (
    "the browser test needs Chromium: as root, `make test` installs it (apt-get install chromium); "
    "otherwise install it yourself (Debian: `sudo apt-get install chromium`, Ubuntu: "
    "`sudo snap install chromium`) or set CHROMIUM=/path/to/chromium-or-chrome")
# Raw TeX in what the reader sees (code blocks excluded): delimiters or a control word.
RAW_TEX = re.compile(r"\\[()\[\]]|\$\$|\\[A-Za-z]{2,}")
REDIRECT = re.compile(r'<meta http-equiv="refresh"', re.IGNORECASE)

pytestmark = pytest.mark.slow

# Runs in the page once scripts and MathJax are done: what a reader would see.
INSPECT = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  await document.fonts.ready;
  await Promise.all([...document.images].map(i => i.decode().catch(() => null)));
  const prose = document.querySelector('main') || document.body;
  const clone = prose.cloneNode(true);
  clone.querySelectorAll('pre, code, script, style, mjx-container, textarea, .highlight')
       .forEach(e => e.remove());
  return {
    text: clone.textContent,
    math: document.querySelectorAll('.math').length,
    typeset: document.querySelectorAll('mjx-container').length,
    mathjax: (window.MathJax && MathJax.version) || null,
    tex_errors: [...document.querySelectorAll('mjx-merror')]
                  .map(e => e.getAttribute('data-mjx-error') || e.textContent),
    images: document.images.length,
    broken_images: [...document.images].filter(i => !i.complete || i.naturalWidth === 0)
                  .map(i => i.getAttribute('src')),
    broken_fonts: [...document.fonts].filter(f => f.status === 'error').map(f => f.family),
    links: [...document.querySelectorAll('a[href]')].map(a => a.href),
  };
}"""


@dataclass
class Page:
    edition: str
    name: str  # path inside the build, e.g. book/peft.html
    failed_requests: list = field(default_factory=list)
    console_errors: list = field(default_factory=list)
    data: dict = field(default_factory=dict)
    seconds: float = 0.0


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail(CHROMIUM_HELP, pytrace=False)
    return path


def need_edition(edition: str) -> None:
    """`make test` builds both editions and sets REQUIRE_BOOK=1: there a missing build fails."""
    if not (EDITIONS[edition] / "index.html").is_file():
        message = f"the {edition} edition is not built: run `{BUILD_COMMAND[edition]}` first"
        if os.environ.get("REQUIRE_BOOK") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


def pages_of(build: Path) -> list[str]:
    return sorted(str(p.relative_to(build)) for p in build.rglob("*.html")
                  if p.relative_to(build).parts[0] not in ("_static", "_sources", "_images"))


def block_network(context, allowed: list[str], blocked: list[str]) -> None:
    """Every request that is not for the book (a file, or the test's own loopback server) is refused."""
    def handle(route):
        if route.request.url.startswith(tuple(allowed)):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort("internetdisconnected")
    context.route("**/*", handle)


def open_page(context, url: str, page_record: Page):
    page = context.new_page()
    page.on("requestfailed", lambda r: page_record.failed_requests.append(f"{r.url} ({r.failure})"))
    page.on("console", lambda m: page_record.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page_record.console_errors.append(f"uncaught: {e}"))
    page.goto(url, wait_until="load")
    return page


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True,
                                  service_workers="block")
    context.allowed, context.blocked = ["file://"], []
    block_network(context, context.allowed, context.blocked)
    context.set_default_timeout(30_000)
    yield context
    context.close()


@pytest.fixture(scope="module")
def visited(context) -> dict[str, list[Page]]:
    """Every page of every edition, opened once; what the reader saw, and a screenshot."""
    result = {}
    for edition, build in EDITIONS.items():
        need_edition(edition)
        shots = SHOTS / edition
        shutil.rmtree(shots, ignore_errors=True)
        pages = []
        for name in pages_of(build):
            record, start = Page(edition, name), time.perf_counter()
            page = open_page(context, (build / name).as_uri(), record)
            if REDIRECT.search((build / name).read_text()):  # index.html forwards to the first page
                page.wait_for_url(lambda url: not url.endswith("/" + name))
                page.wait_for_load_state("load")
            record.data = page.evaluate(INSPECT)
            shot = shots / (name.removesuffix(".html").replace("/", "__") + ".png")
            shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shot), full_page=True)
            page.close()
            record.seconds = time.perf_counter() - start
            pages.append(record)
        result[edition] = pages
    return result


def failures(visited, check) -> list[str]:
    return [f"{p.edition}:{p.name}: {problem}" for pages in visited.values() for p in pages
            if (problem := check(p))]


def test_every_page_of_both_editions_is_visited(visited):
    for edition, pages in visited.items():
        names = {p.name for p in pages}
        assert {"index.html", "search.html", "book/intro.html", "book/how_to_run.html",
                "book/peft.html"} <= names, f"{edition}: pages missing from the build: {sorted(names)}"
        assert {f"exercises/{e}/{e}.html" for e in EXERCISES} <= names
    lines = [f"{p.edition:11s} {p.seconds:5.1f} s  {p.data['typeset']:4d} formulas "
             f"{p.data['images']:3d} images  {p.name}" for ps in visited.values() for p in ps]
    (SHOTS / "pages.txt").write_text("\n".join(lines) + "\n")


def test_no_request_fails_and_nothing_leaves_the_machine(visited, context):
    assert not context.blocked, f"pages asked the network for: {sorted(set(context.blocked))[:10]}"
    bad = failures(visited, lambda p: p.failed_requests[:5])
    assert not bad, "requests that failed:\n" + "\n".join(bad)


def test_no_console_error(visited):
    bad = failures(visited, lambda p: p.console_errors[:5])
    assert not bad, "console errors:\n" + "\n".join(bad)


def test_math_is_typeset_by_the_bundled_mathjax(visited):
    def problem(p: Page):
        d = p.data
        if d["math"] and d["mathjax"] != "3.2.2":
            return f"{d['math']} formulas but MathJax is {d['mathjax']!r} (not loaded?)"
        if d["typeset"] < d["math"]:
            return f"only {d['typeset']} of {d['math']} formulas typeset"
        if d["tex_errors"]:
            return f"TeX errors: {d['tex_errors'][:3]}"
        if raw := [d["text"][max(m.start() - 40, 0):m.end() + 40] for m in RAW_TEX.finditer(d["text"])]:
            return f"raw TeX in the text: {raw[:3]}"
    bad = failures(visited, problem)
    assert not bad, "math not typeset:\n" + "\n".join(bad)
    formulas = sum(p.data["typeset"] for ps in visited.values() for p in ps)
    assert formulas >= 200, f"only {formulas} typeset formulas in the book: is the math still there?"


def test_every_image_and_font_loads(visited):
    bad = failures(visited, lambda p: p.data["broken_images"] or p.data["broken_fonts"])
    assert not bad, "images or fonts that did not load:\n" + "\n".join(map(str, bad))


def _ids(path: Path, cache={}) -> set[str]:
    if path not in cache:
        cache[path] = set(re.findall(r'\bid="([^"]+)"', path.read_text(errors="replace")))
    return cache[path]


def test_internal_links_resolve(visited):
    def problem(p: Page):
        build, broken = EDITIONS[p.edition], []
        for href in p.data["links"]:
            url = urlsplit(href)
            if url.scheme != "file":
                continue
            target = Path(unquote(url.path))
            if not target.is_relative_to(build):
                broken.append(f"{href} (outside the book)")
            elif not target.is_file():
                broken.append(f"{href} (no such file)")
            elif url.fragment and target.suffix == ".html" and unquote(url.fragment) not in _ids(target):
                broken.append(f"{href} (no such anchor)")
        return broken[:5]
    bad = failures(visited, problem)
    assert not bad, "broken internal links:\n" + "\n".join(map(str, bad))
    links = sum(len(p.data["links"]) for ps in visited.values() for p in ps)
    assert links > 100, f"only {links} links found: is the inspection script broken?"


@pytest.mark.parametrize("edition", EDITIONS)
def test_search_finds_a_term(context, edition):
    need_edition(edition)
    record = Page(edition, "search.html")
    url = (EDITIONS[edition] / "search.html").as_uri() + f"?q={SEARCH_TERM}"
    page = open_page(context, url, record)
    hits = page.locator("#search-results li a")
    hits.first.wait_for(timeout=20_000)
    found = [urlsplit(h).path for h in hits.evaluate_all("as => as.map(a => a.href)")]
    page.screenshot(path=str(SHOTS / edition / f"search_{SEARCH_TERM}.png"))
    page.close()
    assert any(f.endswith(SEARCH_HIT) for f in found), f"searching {SEARCH_TERM!r} found {found}"
    assert not record.failed_requests and not record.console_errors, record


@pytest.fixture(scope="module")
def served_book(context):
    """The student edition served on the loopback address, as a course website would serve it.

    Opened from disk (file://), Chromium shows a linked notebook as text in a new tab instead
    of downloading it; over HTTP the same button downloads the file.
    """
    need_edition("student")
    handler = functools.partial(QuietHandler, directory=str(EDITIONS["student"]))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    context.allowed.append(url)
    yield url
    context.allowed.remove(url)
    server.shutdown()
    server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.mark.parametrize("exercise", EXERCISES)
def test_download_button_serves_the_release_notebook(context, served_book, exercise, tmp_path):
    """The reader clicks the page's download button, then '.ipynb', and gets the release notebook."""
    record = Page("student", f"exercises/{exercise}/{exercise}.html")
    page = open_page(context, served_book + record.name, record)
    page.locator(".dropdown-download-buttons button.dropdown-toggle").click()
    item = page.locator(".dropdown-download-buttons a", has_text=".ipynb")
    with page.expect_download() as download:
        item.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    page.close()
    assert saved.name == f"{exercise}.ipynb"
    release = ROOT / "exercises" / exercise / f"{exercise}.ipynb"
    assert json.loads(saved.read_text()) == json.loads(release.read_text()), \
        f"the download of {exercise} is not exercises/{exercise}/{exercise}.ipynb"
    assert not record.failed_requests and not record.console_errors, record
