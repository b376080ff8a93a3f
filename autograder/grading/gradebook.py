"""The one gradebook reader: scores per student and cell, the assignment's state, and SQLite settings for
several nbgrader processes writing at once."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from .notebooks import item_of
from .paths import COURSE_ID


@dataclass
class GradeResult:
    """One student's grade for one assignment, or the reason there is none."""
    student: str
    score: float | None
    max_score: float
    cells: dict[str, float | None] = field(default_factory=dict)  # grade_id -> points earned
    max_cells: dict[str, float] = field(default_factory=dict)
    seconds: float | None = None  # wall time nbgrader spent on this student's notebook(s)
    error: str | None = None  # why the submission was not graded

    @property
    def pending(self) -> float:
        """Points of answers that wait for a grade by hand (no score yet: nbgrader's "needs manual grade")."""
        return sum(self.max_cells[g] for g, v in self.cells.items() if v is None)

    def item_score(self, item: str, items: list[str]) -> tuple[float, float]:
        """(earned, possible) over the test cells that grade solution item `item`."""
        ids = [g for g in self.max_cells if item_of(g, items) == item]
        return (sum(self.cells.get(g) or 0.0 for g in ids), sum(self.max_cells[g] for g in ids))


def db_path(root: Path | str) -> Path:
    return Path(root) / "gradebook.db"


def db_url(root: Path | str, timeout: int | None = 120) -> str:
    """An absolute sqlite URL; with a busy timeout, a writer waits for another instead of failing."""
    return "sqlite:///" + str(db_path(root)) + (f"?timeout={timeout}" if timeout else "")


def enable_wal(root: Path | str) -> None:
    """Write-ahead logging: readers never block the writer, writers queue on the busy timeout."""
    with sqlite3.connect(db_path(root)) as con:
        con.execute("PRAGMA journal_mode=WAL")


def _open(url: str):
    from nbgrader.api import Gradebook
    return Gradebook(url, COURSE_ID)


def notebook_names(url: str, assignment: str) -> list[str]:
    """The notebooks of an assignment, as the gradebook knows them (without .ipynb)."""
    with _open(url) as gb:
        return [nb.name for nb in gb.find_assignment(assignment).notebooks]


def scores(url: str, assignment: str, students: list[str]) -> dict[str, GradeResult]:
    """Per-cell and total scores of each student (error "no submission in the gradebook" when none)."""
    from nbgrader.api import MissingEntry
    results = {}
    with _open(url) as gb:
        notebooks = [nb.name for nb in gb.find_assignment(assignment).notebooks]
        for student in students:
            res = GradeResult(student, 0.0, 0.0)
            for name in notebooks:
                try:
                    snb = gb.find_submission_notebook(name, assignment, student)
                except MissingEntry:
                    res.error = "no submission in the gradebook"
                    continue
                for grade in snb.grades:
                    # nbgrader's Grade.score is 0.0 when neither score is set: an answer waiting for a grade by hand
                    # is None here, not 0
                    waiting = grade.manual_score is None and grade.auto_score is None
                    res.cells[grade.name] = None if waiting else float(grade.score)
                    res.max_cells[grade.name] = float(grade.max_score)
            res.max_score = sum(res.max_cells.values())
            res.score = sum(v or 0.0 for v in res.cells.values())
            results[student] = res
    return results


@dataclass
class AssignmentState:
    """What the gradebook knows of one assignment: whether it can be graded, and what a grade depends on."""
    exists: bool
    notebooks: list[str]
    duedate: str | None
    cells: list[tuple]  # (notebook, grade_id, points, checksum, source) of every cell nbgrader keeps (tests too)
    submissions: list[str]  # students with a submission row
    students: list[str]  # every student of the course


def assignment_state(root: Path | str, assignment: str) -> AssignmentState:
    if not db_path(root).exists():
        return AssignmentState(False, [], None, [], [], [])
    from nbgrader.api import MissingEntry
    with _open(db_url(root)) as gb:
        students = sorted(s.id for s in gb.students)
        try:
            a = gb.find_assignment(assignment)
        except MissingEntry:
            return AssignmentState(False, [], None, [], [], students)
        points = {(nb.name, c.name): float(c.max_score) for nb in a.notebooks for c in nb.grade_cells}
        cells = sorted((nb.name, c.name, points.get((nb.name, c.name), 0.0), c.checksum or "", c.source or "")
                       for nb in a.notebooks for c in nb.source_cells)
        return AssignmentState(True, sorted(nb.name for nb in a.notebooks),
                               None if a.duedate is None else a.duedate.isoformat(), cells,
                               sorted(s.student.id for s in a.submissions), students)


def snapshot(root: Path | str, assignment: str) -> dict:
    """(student, grade_id) -> score, and the number of grade rows: to compare two gradings exactly."""
    with sqlite3.connect(db_path(root)) as con:
        rows = con.execute(
            "SELECT st.id, gc.name, g.auto_score, g.manual_score FROM grade g "
            "JOIN submitted_notebook sn ON g.notebook_id = sn.id "
            "JOIN submitted_assignment sa ON sn.assignment_id = sa.id "
            "JOIN assignment a ON sa.assignment_id = a.id JOIN student st ON sa.student_id = st.id "
            "JOIN base_cell gc ON g.cell_id = gc.id WHERE a.name = ?", (assignment,)).fetchall()
    return {"rows": len(rows), "scores": {(s, c): (auto, manual) for s, c, auto, manual in rows}}
