"""One catalogue loader: wrong implementations (mutants/), correct alternatives (alternatives/), and the
submissions built from them and from the masters."""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
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
    cells: dict[str, str]  # solution grade_id -> the code that replaces the cell (patches already applied)
    kind: str = "mutant"
    patches: dict[str, str] = field(default_factory=dict)  # grade_id -> the patch, for sections that are patches

    @property
    def student(self) -> str:
        return f"{self.kind}-" + self.name.replace("_", "-")


_CELL_MARK = re.compile(r"^# %% *(\S+) *$")
ADDED_CELL = "+end"  # a section so named becomes a new code cell at the end of the notebook (hostile catalogue)


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
    unknown = sorted(set(mutant.cells) - set(known) - {ADDED_CELL})
    if unknown:
        raise ValueError(f"{path}: {unknown} are not solution cells of {mutant.assignment}; "
                         f"the solution cells are {sorted(known)}")
    for grade_id, body in mutant.cells.items():
        if grade_id != ADDED_CELL and is_patch(body):
            mutant.patches[grade_id] = body
            mutant.cells[grade_id] = apply_patch(known[grade_id], body, f"{path}, cell {grade_id}")
    return mutant


def is_patch(body: str) -> bool:
    """Whether a catalogue section is a patch: every line is '#- <a line of the reference>' or '#+ <its
    replacement>' (comments, so the file stays valid Python)."""
    lines = [line for line in body.splitlines() if line.strip()]
    return bool(lines) and all(line[:3] in ("#- ", "#+ ") or line in ("#-", "#+") for line in lines)


def apply_patch(reference: str, patch: str, where: str) -> str:
    """The reference cell with each hunk applied: a run of '#- ' lines (which must appear exactly once, in a row,
    in the reference) replaced by the '#+ ' lines after it. A master that changed fails here, loudly."""
    lines = reference.splitlines()
    hunks: list[tuple[list[str], list[str]]] = []
    for line in patch.splitlines():
        if not line.strip():
            continue
        sign, text = line[1], line[3:]
        if sign == "-" and (not hunks or hunks[-1][1]):
            hunks.append(([], []))
        if not hunks:
            raise ValueError(f"{where}: a patch starts with the '#- ' lines it replaces")
        hunks[-1][0 if sign == "-" else 1].append(text)
    for old, new in hunks:
        starts = [i for i in range(len(lines) - len(old) + 1) if lines[i:i + len(old)] == old]
        if len(starts) != 1:
            raise ValueError(f"{where}: the lines {old[:2]}... appear {len(starts)} times in the master's reference "
                             "cell (exactly once is needed): the master changed, or the patch needs more context")
        lines[starts[0]:starts[0] + len(old)] = new
    return "\n".join(lines)


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
    missing = sorted(set(cells) - present - {ADDED_CELL})
    if missing:
        raise ValueError(f"{missing} are not solution cells of the release of {assignment}; "
                         f"regenerate exercises/ or fix the names (known: {sorted(present)})")
    for cell in nb.cells:
        gid = _nbgrader(cell).get("grade_id")
        if _nbgrader(cell).get("solution") and gid in cells:
            cell.source = cells[gid]
    if ADDED_CELL in cells:
        nb.cells.append(nbformat.v4.new_code_cell(cells[ADDED_CELL]))
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
