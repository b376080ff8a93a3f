"""Each graded notebook's order and time estimate have one source, the first cell of its master
(solutions/<id>/<id>.ipynb): the estimate adds up, part by part, to the time it states and covers every
part the student works on (the section that runs their code, the written answers graded by hand); the
Exercises page (book/exercises.md) and the instructor guide's table repeat that order and time.
(The releases are checked against the masters by autograder/tests/test_release_sync.py.)"""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENTS = sorted(p.name for p in (ROOT / "solutions").iterdir() if (p / f"{p.name}.ipynb").exists())
TIME = re.compile(r"\*\*Time:\*\* about (?:(\d+) to )?(\d+) minutes \(([^)]*)\)")
RANGE = re.compile(r"^(?:about )?(?:(\d+) to )?(\d+) min(?:utes)?$")


def master(assignment: str) -> list[dict]:
    cells = json.loads((ROOT / "solutions" / assignment / f"{assignment}.ipynb").read_text())["cells"]
    for c in cells:  # nbformat writes a cell's source as a string or a list of lines
        c["source"] = "".join(c["source"])
    return cells


def stated(assignment: str) -> tuple[int, int, int, list[tuple[int, str]]]:
    """(order, shortest, longest, [(minutes, part), ...]) as the master's first cell states them."""
    first = re.sub(r"\s+", " ", master(assignment)[0]["source"])
    order = re.search(r"\*Exercise (\d+) of (\d+)\.", first)
    assert order and int(order.group(2)) == len(ASSIGNMENTS), f"{assignment}: no 'Exercise N of {len(ASSIGNMENTS)}'"
    time = TIME.search(first)
    assert time, f"{assignment}: the first cell states no '**Time:** about N minutes (parts)'"
    parts = []
    for part in time.group(3).split(", "):
        m = re.match(r"(\d+) (.+)$", part)
        assert m, f"{assignment}: '{part}' is not '<minutes> <what>'"
        parts.append((int(m.group(1)), m.group(2)))
    longest = int(time.group(2))
    return int(order.group(1)), int(time.group(1) or longest), longest, parts


def table(page: str) -> dict[str, tuple[int, int, int]]:
    """id -> (order, shortest, longest) from a page's table '| order | <id> | chapters | time | ...'."""
    rows = {}
    for line in (ROOT / page).read_text().splitlines():
        cols = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cols) >= 4 and cols[0].isdigit():
            ids = [a for a in ASSIGNMENTS if re.search(rf"(`|/){a}`", cols[1])]
            time = RANGE.match(cols[3])
            assert len(ids) == 1 and time, f"{page}: cannot read the row {line!r}"
            longest = int(time.group(2))
            rows[ids[0]] = (int(cols[0]), int(time.group(1) or longest), longest)
    return rows


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_estimate_adds_up_and_covers_every_part(assignment):
    _, shortest, longest, parts = stated(assignment)
    total = sum(minutes for minutes, _ in parts)
    assert shortest <= total <= longest, (
        f"{assignment}: the parts add up to {total} minutes, the notebook says {shortest} to {longest}")
    cells = master(assignment)
    written = [c for c in cells if c.get("metadata", {}).get("nbgrader", {}).get("solution")
               and c["metadata"]["nbgrader"].get("grade")]  # answers graded by hand
    if written:
        minutes = sum(m for m, what in parts if "written answer" in what)
        assert minutes >= 5 * len(written), (
            f"{assignment}: {len(written)} written answers graded by hand, {minutes} minutes for them in the "
            "estimate (about 5 minutes an answer)")
    ungraded = [re.match(r"## (\d+)\.", c["source"]).group(1) for c in cells
                if c["cell_type"] == "markdown" and re.match(r"## \d+\. .*\(not graded\)", c["source"])]
    for section in ungraded:
        assert any(re.search(rf"\bsection {section}\b", what) for _, what in parts), (
            f"{assignment}: section {section} (not graded, it runs the student's code) has no time in the estimate")


@pytest.mark.parametrize("page", ["book/exercises.md", "book/instructor_guide.md"])
def test_the_pages_give_each_notebooks_own_order_and_time(page):
    want = {a: stated(a)[:3] for a in ASSIGNMENTS}
    assert sorted(o for o, *_ in want.values()) == list(range(1, len(ASSIGNMENTS) + 1)), want
    assert table(page) == want, f"{page} disagrees with the masters' first cells (order, minutes)"
