"""The assignments, their master and release notebooks, and the nbgrader cells in them."""
from __future__ import annotations

import os
from pathlib import Path

import nbformat

from .paths import EXERCISES, SOLUTIONS

SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")
HIDDEN_MARKERS = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")


def all_assignments() -> list[str]:
    """Ids of every master notebook solutions/<id>/<id>.ipynb."""
    return sorted(p.parent.name for p in SOLUTIONS.glob("*/*.ipynb") if p.stem == p.parent.name)


def assignments() -> list[str]:
    """Ids of the assignments that have a master notebook solutions/<id>/<id>.ipynb.

    COURSE_ASSIGNMENTS=lora,ulmfit (environment) restricts them, e.g. to test one assignment alone.
    """
    found = all_assignments()
    only = [a.strip() for a in os.environ.get("COURSE_ASSIGNMENTS", "").split(",") if a.strip()]
    unknown = sorted(set(only) - set(found))
    if unknown:
        raise ValueError(f"COURSE_ASSIGNMENTS names {unknown}, which have no master; known: {found}")
    return [a for a in found if a in only] if only else found


def source_path(assignment: str) -> Path:
    return SOLUTIONS / assignment / f"{assignment}.ipynb"


def release_path(assignment: str) -> Path:
    return EXERCISES / assignment / f"{assignment}.ipynb"


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def solution_ids(nb) -> list[str]:
    """grade_ids of the cells a student writes, in notebook order."""
    return [_nbgrader(c)["grade_id"] for c in nb.cells if _nbgrader(c).get("solution")]


def grade_ids(nb) -> dict[str, float]:
    """grade_id -> points of every graded test cell (judged by its check in hidden/<id>.py)."""
    return {_nbgrader(c)["grade_id"]: float(_nbgrader(c).get("points", 0))
            for c in nb.cells if _nbgrader(c).get("grade") and not _nbgrader(c).get("solution")}


def manual_ids(nb) -> dict[str, float]:
    """grade_id -> points of every answer an instructor grades by hand (nbgrader's manually graded answer: a
    markdown cell with grade and solution). nbgrader gives 0 to one left as released, and leaves any other
    answer without a score ("needs manual grade") until the instructor sets one in the formgrader."""
    return {_nbgrader(c)["grade_id"]: float(_nbgrader(c).get("points", 0))
            for c in nb.cells if _nbgrader(c).get("grade") and _nbgrader(c).get("solution")}


def autograded_items(nb) -> list[str]:
    """The solution items the grader judges (code cells), in notebook order: solution_ids without the
    hand-graded answers."""
    return [i for i in solution_ids(nb) if i not in manual_ids(nb)]


def item_of(grade_id: str, items: list[str]) -> str | None:
    """The solution item a test cell grades: the longest item name that `grade_id` extends with '_'."""
    matches = [i for i in items if grade_id.startswith(i + "_")]
    return max(matches, key=len) if matches else None


def strip_solution_markers(source: str) -> str:
    """A solution cell as a student would write it: the reference code without nbgrader's markers."""
    return "\n".join(line for line in source.splitlines() if line.strip() not in SOLUTION_MARKERS)


def reference_cells(assignment: str) -> dict[str, str]:
    """grade_id -> the reference code of each solution cell of the master notebook."""
    nb = nbformat.read(source_path(assignment), as_version=4)
    return {_nbgrader(c)["grade_id"]: strip_solution_markers(c.source)
            for c in nb.cells if _nbgrader(c).get("solution")}


