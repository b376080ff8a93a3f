"""One catalogue loader: wrong implementations (mutants/), correct alternatives (alternatives/), and the
submissions built from them and from the masters."""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .notebooks import _nbgrader, reference_cells, release_path, solution_ids, source_path
from .paths import ALTERNATIVES, MUTANTS


@dataclass
class Mutant:
    """A plausible wrong implementation (or, kind "alternative", a correct one written differently):
    new contents for some solution cells."""
    assignment: str
    name: str
    doc: str
    cells: dict[str, str]  # solution grade_id -> the code that replaces the cell
    kind: str = "mutant"

    @property
    def student(self) -> str:
        return f"{self.kind}-" + self.name.replace("_", "-")


_CELL_MARK = re.compile(r"^# %% *(\S+) *$")


def load_mutant(path: Path | str, kind: str = "mutant") -> Mutant:
    """Parse autograder/mutants/<id>/<name>.py: a docstring, then `# %% <grade_id>` sections."""
    path = Path(path)
    text = path.read_text()
    doc = ast.get_docstring(ast.parse(text)) or ""
    if not doc:
        raise ValueError(f"{path}: start the file with a docstring saying the mistake and the item it breaks")
    cells: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        m = _CELL_MARK.match(line)
        if m:
            current = m.group(1)
            if current in cells:
                raise ValueError(f"{path}: cell '{current}' appears twice")
            cells[current] = []
        elif current is not None:
            cells[current].append(line)
    if not cells:
        raise ValueError(f"{path}: no '# %% <grade_id>' line: name the solution cell the code replaces")
    mutant = Mutant(path.parent.name, path.stem, doc,
                    {k: "\n".join(v).strip("\n") for k, v in cells.items()}, kind)
    known = reference_cells(mutant.assignment) if source_path(mutant.assignment).exists() else {}
    unknown = sorted(set(mutant.cells) - set(known))
    if unknown:
        raise ValueError(f"{path}: {unknown} are not solution cells of {mutant.assignment}; "
                         f"the solution cells are {sorted(known)}")
    return mutant


def mutants(assignment: str) -> list[Mutant]:
    """The catalogue of one assignment, sorted by name."""
    return [load_mutant(p) for p in sorted((MUTANTS / assignment).glob("*.py"))]


def alternatives(assignment: str) -> list[Mutant]:
    """Correct answers in another form (autograder/alternatives/<id>/<name>.py, the mutants' format)."""
    return [load_mutant(p, "alternative") for p in sorted((ALTERNATIVES / assignment).glob("*.py"))]


# ---------------------------------------------------------------- submissions

@dataclass
class Submission:
    """What one student hands in for one assignment: file name -> bytes."""
    student: str
    files: dict[str, bytes]
    timestamp: str | None = None  # e.g. "2026-01-31 23:59:00 UTC", written to timestamp.txt


def _notebook_bytes(nb) -> bytes:
    return (nbformat.writes(nb) + "\n").encode()


def notebook_with_cells(assignment: str, cells: dict[str, str]) -> nbformat.NotebookNode:
    """The release notebook with the given solution cells' contents replaced (the rest untouched)."""
    nb = nbformat.read(release_path(assignment), as_version=4)
    present = set(solution_ids(nb))
    missing = sorted(set(cells) - present)
    if missing:
        raise ValueError(f"{missing} are not solution cells of the release of {assignment}; "
                         f"regenerate exercises/ or fix the names (known: {sorted(present)})")
    for cell in nb.cells:
        gid = _nbgrader(cell).get("grade_id")
        if _nbgrader(cell).get("solution") and gid in cells:
            cell.source = cells[gid]
    return nb


def reference_submission(assignment: str, student: str = "reference") -> Submission:
    """The release filled in with the master's solutions: must earn full marks."""
    nb = notebook_with_cells(assignment, reference_cells(assignment))
    return Submission(student, {f"{assignment}.ipynb": _notebook_bytes(nb)})


def release_submission(assignment: str, student: str = "release") -> Submission:
    """The release exactly as students receive it: must earn zero, without stopping grading."""
    return Submission(student, {f"{assignment}.ipynb": release_path(assignment).read_bytes()})


def mutant_submission(mutant: Mutant, student: str | None = None) -> Submission:
    """The reference submission with the mutant's cells swapped in."""
    cells = reference_cells(mutant.assignment) | mutant.cells
    nb = notebook_with_cells(mutant.assignment, cells)
    return Submission(student or mutant.student, {f"{mutant.assignment}.ipynb": _notebook_bytes(nb)})


def notebook_submission(assignment: str, student: str, notebook, filename: str | None = None) -> Submission:
    """Any notebook (a NotebookNode, a path, or raw bytes, even invalid JSON) handed in as `filename`."""
    if isinstance(notebook, (str, Path)):
        data = Path(notebook).read_bytes()
    elif isinstance(notebook, bytes):
        data = notebook
    else:
        data = _notebook_bytes(notebook)
    return Submission(student, {filename or f"{assignment}.ipynb": data})




def catalogue_submissions(assignment: str) -> list[Submission]:
    """The reference, the untouched release, every mutant and every correct alternative of one assignment."""
    return ([reference_submission(assignment), release_submission(assignment)]
            + [mutant_submission(m) for m in mutants(assignment) + alternatives(assignment)])
