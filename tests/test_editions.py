"""Two editions from one source: the student edition (`make book`, _toc.yml) holds nothing that is
for instructors only; the instructors' edition (`make book-instructors`, _toc_instructors.yml) is
the same book plus the instructor guide and the grading threat model.

The HTML checks need both editions built: `make test` builds them first (and fails them if a
build is missing); elsewhere, for example in the fast tier, a missing build skips them.
"""
import html
import os
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
STUDENT = ROOT / "_build" / "html"
INSTRUCTORS = ROOT / "_build" / "instructors" / "_build" / "html"
INSTRUCTOR_PAGES = ["book/instructor_guide", "book/grading_security", "book/rubrics"]
INSTRUCTOR_PART = "For instructors"
# Words only the instructors' pages use: how grading works behind the scenes and how to beat it.
INSTRUCTOR_ONLY = ["zip_collect", "gradebook", "NOT JUDGED", "threat model", "Instructor guide",
                   "SecureExecute", "secure_config", "nbgrader autograde", "undefended", "rubric"]


def toc(name: str) -> dict:
    return yaml.safe_load((ROOT / name).read_text())


def files_of(parts: list[dict]) -> list[str]:
    return [c["file"] for part in parts for c in part["chapters"]]


def test_instructors_toc_is_the_student_toc_plus_the_instructors_part():
    student, instructors = toc("_toc.yml"), toc("_toc_instructors.yml")
    extra = [p for p in instructors["parts"] if p["caption"] == INSTRUCTOR_PART]
    assert len(extra) == 1 and files_of(extra) == INSTRUCTOR_PAGES, extra
    rest = [p for p in instructors["parts"] if p["caption"] != INSTRUCTOR_PART]
    assert {**instructors, "parts": rest} == student, "_toc_instructors.yml and _toc.yml differ outside the instructors' part"
    assert not set(files_of(student["parts"])) & set(INSTRUCTOR_PAGES) and student["root"] not in INSTRUCTOR_PAGES


def test_every_page_source_is_in_a_toc():
    """A page in no table of contents is silently left out of both editions."""
    listed = set(files_of(toc("_toc_instructors.yml")["parts"])) | {toc("_toc.yml")["root"]}
    pages = {str(p.relative_to(ROOT).with_suffix("")) for p in (ROOT / "book").glob("*.md")}
    pages |= {str(p.relative_to(ROOT).with_suffix("")) for p in (ROOT / "exercises").glob("*/*.ipynb")}
    assert pages <= listed, f"pages in no table of contents: {sorted(pages - listed)}"


def readable_files(build: Path):
    """The book's own text: pages, their sources and the search index (not theme or MathJax assets)."""
    for path in sorted(build.rglob("*")):
        rel = path.relative_to(build)
        if path.is_file() and rel.parts[0] != "_static" and path.suffix in (
                ".html", ".js", ".txt", ".md", ".ipynb", ".json", ".inv", ".xml"):
            yield rel, path.read_text(errors="replace")


def found_terms(build: Path) -> dict[str, list[str]]:
    found = {}
    for rel, text in readable_files(build):
        text = html.unescape(re.sub(r"<[^>]+>", " ", text)) + text
        for term in INSTRUCTOR_ONLY:
            if term.lower() in text.lower():
                found.setdefault(term, []).append(str(rel))
    return found


def need(build: Path, command: str):
    """`make test` builds both editions and sets REQUIRE_BOOK=1: there a missing build fails."""
    if not (build / "index.html").is_file():
        message = f"{build.relative_to(ROOT)} is not built: run `{command}` first"
        if os.environ.get("REQUIRE_BOOK") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


def test_the_instructors_edition_has_the_guide_and_the_threat_model():
    need(INSTRUCTORS, "make book-instructors")
    for page in INSTRUCTOR_PAGES:
        assert (INSTRUCTORS / f"{page}.html").is_file(), f"{page} missing from the instructors' edition"
    found = found_terms(INSTRUCTORS)
    # the detector below is only worth something if each of its words is in the instructors' pages
    assert set(found) == set(INSTRUCTOR_ONLY), f"not in the instructors' edition: {set(INSTRUCTOR_ONLY) - set(found)}"
    for page in (STUDENT.rglob("*.html") if STUDENT.exists() else []):
        rel = page.relative_to(STUDENT)
        if rel.parts[0] not in ("_static", "_sources"):
            assert (INSTRUCTORS / rel).is_file(), f"{rel} is in the student edition only"


def test_nothing_instructor_only_reaches_the_student_edition():
    need(STUDENT, "make book")
    for page in INSTRUCTOR_PAGES:
        leftovers = [str(p.relative_to(STUDENT)) for p in STUDENT.rglob(f"{Path(page).name}.*")]
        assert not leftovers, f"the student edition holds {leftovers}"
    found = found_terms(STUDENT)
    assert not found, f"instructor-only material in the student edition: {found}"
