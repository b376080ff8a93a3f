"""Reading flow of the transfer-learning and transformers chapters: structure, exercise link,
figures with alt text, code that fits 88 columns, no authoring words."""

import re
from pathlib import Path

import pytest
import yaml

BOOK = Path(__file__).resolve().parents[1] / "book"
CHAPTERS = {"transfer_learning": "/exercises/objectives/objectives",
            "transformers": "/exercises/param_counts/param_counts"}


def code_cells(text: str) -> list[tuple[dict, list[str]]]:
    """(options, code lines) of every ``{code-cell}`` of a MyST notebook."""
    cells = []
    for block in re.findall(r"```\{code-cell\} ipython3\n(.*?)```", text, flags=re.S):
        lines = block.splitlines()
        options = [line[1:] for line in lines if line.startswith(":")]
        cells.append((yaml.safe_load("\n".join(options)) or {} if options else {},
                      [line for line in lines if not line.startswith(":")]))
    return cells


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_structure_and_exercise_link(chapter):
    text = (BOOK / f"{chapter}.md").read_text()
    for heading in ("Learning goals", "Prerequisites", "## Summary", "## Check your understanding"):
        assert heading in text, f"{chapter} lacks {heading!r}"
    assert ":class: dropdown" in text, "answers belong in a collapsed admonition"
    assert f"{{doc}}`{CHAPTERS[chapter]}`" in text


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_code_fits_88_columns_and_setup_is_hidden(chapter):
    cells = code_cells((BOOK / f"{chapter}.md").read_text())
    long = [line for _, lines in cells for line in lines if len(line) > 88]
    assert not long, f"{chapter}: {len(long)} code lines over 88 columns, e.g. {long[0]!r}"
    options, first = cells[0]
    assert "hide-input" in options.get("tags", []) and any("import" in l for l in first)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_figure_has_alt_text_and_caption(chapter):
    images = [o["mystnb"] for o, _ in code_cells((BOOK / f"{chapter}.md").read_text())
              if "mystnb" in o]
    diagrams = [o for o in images if "figure" in o]
    assert diagrams, f"{chapter} has no diagram"
    for options in images:
        assert len(options["image"]["alt"]) > 80
    for options in diagrams:
        assert options["figure"]["caption"] and options["figure"]["name"]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_no_authoring_words(chapter):
    text = (BOOK / f"{chapter}.md").read_text().lower()
    for words in ("seed prompt", "course brief", "the brief", "printed above", "see above"):
        assert words not in text, f"{chapter} says {words!r}"
