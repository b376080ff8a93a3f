"""What a grade depends on, fingerprinted: a grade is redone when its fingerprint changed.

A grade depends on the student's files (timestamp.txt included), the tests and points the gradebook holds,
the due date, the late-penalty policy and the execution settings of the course's config, and the grading
code (sandbox/, judge/, hidden/). intake/<id>.graded.json keeps the fingerprint each grade was made with.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from traitlets.config.loader import PyFileConfigLoader

from .gradebook import AssignmentState
from .paths import AUTOGRADER

# config sections whose values change a grade
SECTIONS = ("LateSubmissionPlugin", "AssignLatePenalties", "Execute", "SecureExecute", "Autograde",
            "ClearSolutions", "LimitOutput", "IgnorePattern", "OverwriteCells")
CODE = ("sandbox", "judge", "hidden")  # folders of autograder/ whose code runs or judges a notebook


def _sha(*parts) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p if isinstance(p, bytes) else json.dumps(p, sort_keys=True, default=str).encode())
        h.update(b"\0")
    return h.hexdigest()


def course_config(root: Path | str) -> dict:
    """The grade-relevant config values of the course root's nbgrader_config.py."""
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    return {s: {k: repr(v) for k, v in sorted(config[s].items())} for s in SECTIONS if s in config}


def code_hash() -> str:
    files = sorted(p for d in CODE for p in (AUTOGRADER / d).rglob("*.py") if "__pycache__" not in p.parts)
    return _sha(*[str(p.relative_to(AUTOGRADER)).encode() + p.read_bytes() for p in files])


def assignment_fingerprint(root: Path | str, state: AssignmentState) -> str:
    return _sha(state.cells, state.duedate, course_config(root), code_hash())


def files_fingerprint(folder: Path) -> str:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return _sha(*[str(p.relative_to(folder)).encode() + b"\0" + p.read_bytes() for p in files])


def student_fingerprint(root: Path | str, assignment: str, student: str, assignment_fp: str) -> str:
    return _sha(assignment_fp, files_fingerprint(Path(root) / "submitted" / student / assignment))


def _path(root, assignment) -> Path:
    return Path(root) / "intake" / f"{assignment}.graded.json"


def load(root: Path | str, assignment: str) -> dict[str, str]:
    """student -> the fingerprint their current grade was made with."""
    p = _path(root, assignment)
    return json.loads(p.read_text()) if p.exists() else {}


def save(root: Path | str, assignment: str, graded: dict[str, str]) -> None:
    p = _path(root, assignment)
    p.parent.mkdir(exist_ok=True)
    p.write_text(json.dumps(graded, indent=1, sort_keys=True))
