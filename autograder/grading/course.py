"""Grading in a throwaway copy of the course: the catalogue tests and `python -m grading catalogue`.

Every run builds a temporary course root whose config loads autograder/nbgrader_config.py and moves
every path (source, release, gradebook, exchange) into the temporary folder: the course's own
gradebook is never opened.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import gradebook, reports, runner
from .catalogue import Submission
from .gradebook import GradeResult
from .paths import BIN, CONFIG, SOLUTIONS, nbgrader_env


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
        return subprocess.run([str(BIN / "nbgrader"), *args], cwd=self.root, env=nbgrader_env(self.threads),
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
        """One `nbgrader autograde <id>` for every submitted student; never raises for a bad submission."""
        timeout = timeout if timeout is not None else 120 + 60 * len(students)
        done = runner.run(self.root, ["autograde", assignment, "--force", *extra_args], timeout, self.threads)
        parts, failed = done.per_student(), done.failed()
        results = self.scores(assignment, students)
        res_notebooks = self.notebook_names(assignment)
        for student in students:
            res = results[student]
            seconds, reason = parts.get(student, (None, ""))
            res.seconds = seconds
            # graded means: a graded notebook for every notebook of the assignment (not just the folder)
            autograded = self.root / "autograded" / student / assignment
            written = autograded.exists() and all((autograded / f"{name}.ipynb").exists() for name in res_notebooks)
            if student in failed or (not written and reason and not done.killed):
                res.error = "nbgrader could not grade this submission: " + (reason or "see the log")
            elif done.killed and not written:
                res.error = f"not graded: nbgrader was stopped after {timeout:.0f} s"
            elif not written and res.error is None:
                res.error = "not graded: no autograded notebook was written"
            if res.error:
                res.score = None
            elif written:
                for name in res_notebooks:
                    res.restored |= reports.restored_cells(autograded / f"{name}.ipynb")
        return AssignmentRun(assignment, results, done.seconds, done.returncode, done.log)

    def notebook_names(self, assignment: str) -> list[str]:
        """The notebooks of an assignment, as the gradebook knows them (without .ipynb)."""
        return gradebook.notebook_names(self.db_url, assignment)

    def scores(self, assignment: str, students: list[str]) -> dict[str, GradeResult]:
        """Per-cell and total scores from this course's gradebook."""
        return gradebook.scores(self.db_url, assignment, students)


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


