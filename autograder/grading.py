"""Grade submissions with the real `nbgrader autograde`, in a throwaway copy of the course.

The course's own gradebook (autograder/gradebook.db) is never opened: every run builds a
temporary course root whose config loads autograder/nbgrader_config.py and moves every path
into the temporary folder. Run `python autograder/grading.py --help` for the command line.
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
AUTOGRADER = ROOT / "autograder"
CONFIG = AUTOGRADER / "nbgrader_config.py"
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
MUTANTS = AUTOGRADER / "mutants"
ALTERNATIVES = AUTOGRADER / "alternatives"  # correct answers written differently: each must earn full marks
BIN = Path(sys.executable).parent  # the virtual environment's bin/: nbgrader, alembic, jupyter
COURSE_ID = "llm-adaptation"

SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")
HIDDEN_MARKERS = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")


# ---------------------------------------------------------------- the assignments and their cells

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
    """grade_id -> points of every graded (test) cell."""
    return {_nbgrader(c)["grade_id"]: float(_nbgrader(c).get("points", 0))
            for c in nb.cells if _nbgrader(c).get("grade")}


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


# ---------------------------------------------------------------- the catalogue of wrong answers

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


# ---------------------------------------------------------------- grading in a temporary course

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

    def item_score(self, item: str, items: list[str]) -> tuple[float, float]:
        """(earned, possible) over the test cells that grade solution item `item`."""
        ids = [g for g in self.max_cells if item_of(g, items) == item]
        return (sum(self.cells.get(g) or 0.0 for g in ids), sum(self.max_cells[g] for g in ids))


@dataclass
class AssignmentRun:
    """Everything one `nbgrader autograde <id>` call produced."""
    assignment: str
    results: dict[str, GradeResult]
    seconds: float
    returncode: int | None
    log: str

    def __getitem__(self, student: str) -> GradeResult:
        return self.results[student]


def _env(threads: int | None) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"  # nbgrader calls `alembic` by name
    env["JUPYTER_PLATFORM_DIRS"] = "1"  # silences jupyter_core's migration warning
    env["TRAITLETS_APPLICATION_RAISE_CONFIG_FILE_ERROR"] = "1"  # a broken config fails, never runs unsandboxed
    env.pop("PYTHONPATH", None)
    if threads:
        for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
            env[var] = str(threads)
    return env


class Course:
    """A throwaway nbgrader course root (temp dir) whose config loads the real one, paths moved."""

    def __init__(self, workdir: Path | str | None = None, threads: int | None = None):
        self._tmp = None if workdir else tempfile.TemporaryDirectory(prefix="llm-grading-")
        self.root = Path(workdir or self._tmp.name).resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self.threads = threads
        (self.root / "nbgrader_config.py").write_text(
            "c = get_config()  # noqa: F821\n"
            f"load_subconfig({str(CONFIG.name)!r}, path={str(CONFIG.parent)!r})\n"
            f"c.CourseDirectory.root = {str(self.root)!r}\n"
            "c.CourseDirectory.source_directory = 'source'\n"
            "c.CourseDirectory.release_directory = 'release'\n"
            f"c.CourseDirectory.db_url = {'sqlite:///' + str(self.root / 'gradebook.db')!r}\n"
            f"c.Exchange.root = {str(self.root / 'exchange')!r}\n"
        )

    def __enter__(self) -> "Course":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()

    @property
    def db_url(self) -> str:
        return "sqlite:///" + str(self.root / "gradebook.db")

    def nbgrader(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
        """Run `nbgrader <args>` in this course root (the real CLI, the venv's bin first on PATH)."""
        return subprocess.run([str(BIN / "nbgrader"), *args], cwd=self.root, env=_env(self.threads),
                              capture_output=True, text=True, timeout=timeout)

    def generate(self, assignment: str) -> Path:
        """Copy the master into source/ and run `nbgrader generate_assignment`: fills the gradebook."""
        src = self.root / "source" / assignment
        if src.exists():
            shutil.rmtree(src)
        shutil.copytree(SOLUTIONS / assignment, src, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        done = self.nbgrader("generate_assignment", assignment, "--force")
        if done.returncode != 0:
            raise RuntimeError(f"nbgrader generate_assignment {assignment} failed:\n{done.stdout}{done.stderr}")
        return self.root / "release" / assignment / f"{assignment}.ipynb"

    def generate_all(self, assignments_: list[str]) -> None:
        """Copy several masters into source/ and generate them all in ONE nbgrader process ('*')."""
        for assignment in assignments_:
            src = self.root / "source" / assignment
            if src.exists():
                shutil.rmtree(src)
            shutil.copytree(SOLUTIONS / assignment, src, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        done = self.nbgrader("generate_assignment", "*", "--force")
        missing = [a for a in assignments_ if not (self.root / "release" / a / f"{a}.ipynb").exists()]
        if missing:
            raise RuntimeError(f"nbgrader generate_assignment did not make {missing}:\n{done.stdout}{done.stderr}")

    def adopt(self, template: "Course", assignment: str) -> None:
        """Start from another course's generated gradebook, source and release (saves a generate run)."""
        shutil.copy(template.root / "gradebook.db", self.root / "gradebook.db")
        for step in ("source", "release"):
            dest = self.root / step / assignment
            if dest.exists():
                shutil.rmtree(dest)
            shutil.copytree(template.root / step / assignment, dest)

    def submit(self, assignment: str, submissions: list[Submission]) -> None:
        """Write submitted/<student>/<assignment>/... as `nbgrader collect` would."""
        seen = set()
        for sub in submissions:
            if sub.student in seen:
                raise ValueError(f"student '{sub.student}' is submitted twice for {assignment}")
            seen.add(sub.student)
            folder = self.root / "submitted" / sub.student / assignment
            if folder.exists():
                shutil.rmtree(folder)
            folder.mkdir(parents=True)
            for name, data in sub.files.items():
                (folder / name).write_bytes(data)
            if sub.timestamp:
                (folder / "timestamp.txt").write_text(sub.timestamp)

    def autograde(self, assignment: str, students: list[str], timeout: float | None = None,
                  extra_args: tuple[str, ...] = ()) -> AssignmentRun:
        """One `nbgrader autograde <id>` for every submitted student; never raises for a bad submission.

        Each log line is time-stamped on arrival, so the time nbgrader spends on each notebook
        is measured from its "Sanitizing <notebook>" line to the next one (or to the end).
        """
        timeout = timeout if timeout is not None else 120 + 60 * len(students)
        cmd = [str(BIN / "nbgrader"), "autograde", assignment, "--force", *extra_args]
        start = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=self.root, env=_env(self.threads), stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, start_new_session=True)
        lines: list[tuple[float, str]] = []

        def reader():
            for line in proc.stdout:
                lines.append((time.monotonic(), line.rstrip("\n")))

        thread = threading.Thread(target=reader, daemon=True)
        thread.start()
        try:
            proc.wait(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # nbgrader and the kernels it started
            proc.wait()
            timed_out = True
        thread.join(timeout=60)  # the rest of the log, even on a loaded machine
        end = time.monotonic()
        log = "\n".join(text for _, text in lines)

        # each student's part of the log starts with nbgrader's "Creating/updating student with ID 'x'"
        marks = []
        pattern = re.compile(r"Creating/updating student with ID '(?P<student>[^']+)'")
        for i, (t, text) in enumerate(lines):
            m = pattern.search(text)
            if m:
                marks.append((i, t, m.group("student")))
        seconds: dict[str, float] = {}
        reasons: dict[str, str] = {}
        bounds = marks + [(len(lines), end, None)]
        for (i, t, student), (i_next, t_next, _) in zip(bounds, bounds[1:]):
            seconds[student] = t_next - t
            part = [text for _, text in lines[i:i_next]]
            exceptions = [x.strip() for x in part if re.match(r"^\s*[\w.]*(Error|Exception)\b.*:", x)]
            errors = [x.split("ERROR]", 1)[1].strip() for x in part if "ERROR]" in x
                      and "error processing assignment" not in x and "Traceback" not in x]
            reasons[student] = (exceptions or errors or [""])[-1][:300]

        failed = set(re.findall(r"error processing assignment '[^']*' for student '([^']*)'", log))
        results = self.scores(assignment, students)
        res_notebooks = self.notebook_names(assignment)
        for student in students:
            res = results[student]
            res.seconds = seconds.get(student)
            # graded means: a graded notebook for every notebook of the assignment (not just the folder)
            autograded = self.root / "autograded" / student / assignment
            written = autograded.exists() and all((autograded / f"{name}.ipynb").exists() for name in res_notebooks)
            if student in failed or (not written and reasons.get(student) and not timed_out):
                res.error = "nbgrader could not grade this submission: " + (reasons.get(student) or "see the log")
            elif timed_out and not written:
                res.error = f"not graded: nbgrader was stopped after {timeout:.0f} s"
            elif not written and res.error is None:
                res.error = "not graded: no autograded notebook was written"
            if res.error:
                res.score = None
        return AssignmentRun(assignment, results, end - start, None if timed_out else proc.returncode, log)

    def notebook_names(self, assignment: str) -> list[str]:
        """The notebooks of an assignment, as the gradebook knows them (without .ipynb)."""
        from nbgrader.api import Gradebook
        with Gradebook(self.db_url, COURSE_ID) as gb:
            return [nb.name for nb in gb.find_assignment(assignment).notebooks]

    def scores(self, assignment: str, students: list[str]) -> dict[str, GradeResult]:
        """Per-cell and total scores from this course's gradebook (nbgrader.api.Gradebook)."""
        from nbgrader.api import Gradebook, MissingEntry

        results = {}
        with Gradebook(self.db_url, COURSE_ID) as gb:
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
                        res.cells[grade.name] = None if grade.score is None else float(grade.score)
                        res.max_cells[grade.name] = float(grade.max_score)
                res.max_score = sum(res.max_cells.values())
                res.score = sum(v or 0.0 for v in res.cells.values())
                results[student] = res
        return results


def grade(assignment: str, submissions: list[Submission], timeout: float | None = None,
          threads: int | None = None, workdir: Path | str | None = None,
          extra_args: tuple[str, ...] = (), template: Course | None = None) -> AssignmentRun:
    """Generate the assignment in a temporary course and autograde every submission in one call.

    `extra_args` go to `nbgrader autograde`, e.g. ("--Execute.timeout=5",); `template` is a course
    where the assignment is already generated (see grade_many).
    """
    with Course(workdir, threads=threads) as course:
        if template is not None:
            course.adopt(template, assignment)
        else:
            course.generate(assignment)
        course.submit(assignment, submissions)
        return course.autograde(assignment, [s.student for s in submissions], timeout=timeout,
                                extra_args=extra_args)


def catalogue_submissions(assignment: str) -> list[Submission]:
    """The reference, the untouched release, every mutant and every correct alternative of one assignment."""
    return ([reference_submission(assignment), release_submission(assignment)]
            + [mutant_submission(m) for m in mutants(assignment) + alternatives(assignment)])


def grade_many(jobs: dict[str, list[Submission]], workers: int = 2, timeout: float | None = None,
               return_exceptions: bool = True, extra_args: tuple[str, ...] = (), chunk: int | None = None
               ) -> dict[str, AssignmentRun | Exception]:
    """Grade several assignments, `workers` nbgrader processes at a time (each its own temp course).

    `chunk`: at most this many submissions per nbgrader process, so that the workers stay equally busy
    (one assignment's run is serial); the chunks of an assignment are merged into one AssignmentRun.
    An assignment that cannot be graded at all (say, generate_assignment fails) maps to its exception.
    """
    threads = max(1, (os.cpu_count() or 1) // max(1, workers))
    template = Course(threads=threads)  # every assignment generated once, by one nbgrader process
    try:
        template.generate_all(list(jobs))
    except Exception:
        template.close()
        template = None  # each grade() then generates its own and reports what fails
    try:
        return _grade_jobs(jobs, workers, timeout, return_exceptions, extra_args, threads, template, chunk)
    finally:
        if template is not None:
            template.close()


def _grade_jobs(jobs, workers, timeout, return_exceptions, extra_args, threads, template, chunk=None):
    parts = []  # (assignment, submissions): an assignment's submissions cut into chunks of at most `chunk`
    for a, subs in jobs.items():
        n = max(1, -(-len(subs) // chunk)) if chunk else 1
        parts += [(a, subs[i::n]) for i in range(n)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        # the largest parts first, so that the workers finish at about the same time
        order = sorted(parts, key=lambda part: -len(part[1]))
        futures = [(a, pool.submit(grade, a, subs, timeout, threads, None, extra_args, template)) for a, subs in order]
        results: dict[str, AssignmentRun | Exception] = {}
        for a, f in futures:
            try:
                run = f.result()
            except Exception as error:
                if not return_exceptions:
                    raise
                results[a] = error
                continue
            if isinstance(results.get(a), Exception):
                continue
            results[a] = _merge(results[a], run) if a in results else run
        return results


def _merge(a: AssignmentRun, b: AssignmentRun) -> AssignmentRun:
    """One assignment graded in two parts: the union of the results, the total nbgrader time."""
    code = a.returncode if a.returncode else b.returncode
    return AssignmentRun(a.assignment, a.results | b.results, a.seconds + b.seconds, code, a.log + "\n" + b.log)


# ---------------------------------------------------------------- command line

def _report(run: AssignmentRun) -> str:
    lines = [f"{run.assignment}: {len(run.results)} notebooks in {run.seconds:.1f} s"]
    for student, res in run.results.items():
        took = f"{res.seconds:5.1f} s" if res.seconds is not None else "    - "
        score = f"{res.score:g}/{res.max_score:g}" if res.score is not None else f"-/{res.max_score:g}"
        lines.append(f"  {student:40s} {score:>8s} {took}  {res.error or ''}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", help="ids (default: every assignment in solutions/)")
    parser.add_argument("--notebook", type=Path, help="grade this one notebook file (one assignment only)")
    parser.add_argument("--workers", type=int, default=2, help="assignments graded at the same time")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    ids = args.assignments or assignments()
    if args.notebook:
        if len(ids) != 1:
            parser.error("--notebook needs exactly one assignment id")
        jobs = {ids[0]: [notebook_submission(ids[0], "student", args.notebook)]}
    else:
        jobs = {a: catalogue_submissions(a) for a in ids}
    runs = grade_many(jobs, workers=args.workers)
    for a, run in list(runs.items()):
        if isinstance(run, Exception):
            print(f"{a}: could not be graded: {run}", file=sys.stderr)
            del runs[a]
    if args.json:
        print(json.dumps({a: {s: r.__dict__ for s, r in run.results.items()} for a, run in runs.items()},
                         indent=1))
    else:
        print("\n".join(_report(run) for run in runs.values()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
