"""The ULMFiT and in-context learning chapters: code fits the page (88 columns), set-up is
hidden, every figure has alt text, and the reader's text carries no authoring words; nor does
anything else students read: every page of the book, the course library's docstrings and
comments, the exercises and their masters."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
CHAPTERS = ["ulmfit.md", "finetuning_vs_icl.md"]
CELL = re.compile(r"```\{code-cell\}[^\n]*\n(.*?)```", re.S)


@pytest.mark.parametrize("name", CHAPTERS)
def test_code_lines_fit_88_columns(name):
    long = [line for cell in CELL.findall((BOOK / name).read_text()) for line in cell.splitlines()
            if len(line) > 88]
    assert not long, f"{name}: {len(long)} code lines over 88 columns, e.g. {long[0]!r}"


@pytest.mark.parametrize("name", CHAPTERS)
def test_structure_and_words(name):
    text = (BOOK / name).read_text()
    cells = CELL.findall(text)
    assert cells[0].startswith(":tags: [hide-input]"), "the set-up cell is hidden"
    for heading in ("Learning goals", "Prerequisites", "## Summary", "## Check your understanding"):
        assert heading in text
    assert ":class: dropdown" in text and "{doc}`/exercises/" in text
    figures = [c for c in cells if ":  figure:" in c]
    assert figures and all(":    alt:" in c for c in figures)
    for word in ("seed prompt", "course brief", "the brief", "printed above", "see above"):
        assert word not in text.lower(), word


# Words about how the course was written (its commission, the prompts it started from), which mean
# nothing to a student; matched case-insensitively.
AUTHORING_WORDS = ("seed prompt", "seed style", "seed topic", "course brief", "the brief")
KIT = [*sorted(BOOK.rglob("*.md")), *sorted((ROOT / "llmcourse").rglob("*.py")),
       *sorted((ROOT / "exercises").rglob("*.ipynb")), *sorted((ROOT / "solutions").rglob("*.ipynb"))]


@pytest.mark.parametrize("path", KIT, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_authoring_words_in_the_student_kit(path):
    text = path.read_text().lower()
    found = [w for w in AUTHORING_WORDS if w in text]
    assert not found, f"{path.relative_to(ROOT)}: authoring words {found}"


GLUE_ROLE = re.compile(r"\{glue(?::\w+)?\}`([^`]*)`")


@pytest.mark.parametrize("path", sorted(BOOK.glob("*.md")), ids=lambda p: p.name)
def test_every_glue_role_names_one_key(path):
    """`{glue:text}`key:.0f} hours` (a brace for the closing backtick) swallows the prose up to the next backtick
    as its key; Sphinx only warns at the end of a whole-book build."""
    bad = [m.group(0)[:80] for m in GLUE_ROLE.finditer(path.read_text())
           if not re.fullmatch(r"[\w.]+(:[^\s{}]*)?", m.group(1))]
    assert not bad, f"{path.name}: glue roles that do not name a key: {bad}"
