"""The one intake: what each student handed in for an assignment, checked before nbgrader sees it."""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class StudentReport:
    """What happened to one student's submission of one assignment."""
    student: str
    status: str  # "graded", "not graded", "no submission" ("pending" during intake)
    score: float | None = None
    max_score: float | None = None
    files: list[str] = field(default_factory=list)
    note: str = ""  # e.g. "renamed notebook 'lora (1).ipynb' graded as lora.ipynb"
    cells: dict[str, float | None] = field(default_factory=dict)


def submitted_students(root: Path | str, assignment: str) -> list[str]:
    """Students with a submitted/<student>/<assignment>/ folder."""
    base = Path(root) / "submitted"
    return sorted(p.parent.name for p in base.glob(f"*/{assignment}") if p.is_dir()) if base.exists() else []


def intake(root: Path | str, assignment: str, students: list[str]) -> dict[str, StudentReport]:
    """Check each student's folder; a single notebook under another name (`lora (1).ipynb`, `lora-1.ipynb`)
    is copied (never moved) to <id>.ipynb and graded, and the report says so.

    The copies are recorded in intake/<id>.json, so that a rerun reports the same thing and a notebook
    collected again is copied again.
    """
    reports = {}
    record = Path(root) / "intake" / f"{assignment}.json"
    copies = json.loads(record.read_text()) if record.exists() else {}
    for s in students:
        folder = Path(root) / "submitted" / s / assignment
        if not folder.is_dir():
            reports[s] = StudentReport(s, "no submission", 0.0, note="no submission: nothing was collected")
            continue
        files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
        target = folder / f"{assignment}.ipynb"
        made = copies.get(s)
        if made and made in files:  # a notebook an earlier intake copied: the copy is ours, not the student's
            if target.name in files:
                files.remove(target.name)
            if not target.exists() or target.read_bytes() != (folder / made).read_bytes():  # collected again
                shutil.copy2(folder / made, target)
        rep = StudentReport(s, "pending", files=files)
        if made and made in files:
            rep.note = f"renamed notebook '{made}' graded as {assignment}.ipynb"
        elif not target.exists():
            others = [f for f in files if f.endswith(".ipynb")]
            if len(others) == 1:
                shutil.copy2(folder / others[0], target)  # copy: the student's file stays as handed in
                copies[s] = others[0]
                rep.note = f"renamed notebook '{others[0]}' graded as {assignment}.ipynb"
            else:
                rep.status, rep.score = "not graded", 0.0
                rep.note = (f"no notebook named {assignment}.ipynb (found {others or 'no notebook'}): "
                            "not graded, score 0")
                reports[s] = rep
                continue
        data = target.read_bytes()
        if not data.strip():
            rep.status, rep.score, rep.note = "not graded", 0.0, f"empty file {assignment}.ipynb: not graded, score 0"
        else:
            try:
                json.loads(data)
            except ValueError as error:
                rep.status, rep.score = "not graded", 0.0
                rep.note = f"invalid JSON in {assignment}.ipynb ({error}): not graded, score 0"
        reports[s] = rep
    if copies:
        record.parent.mkdir(exist_ok=True)
        record.write_text(json.dumps(copies, indent=1, sort_keys=True))
    return reports
