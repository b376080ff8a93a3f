"""A class's grading, as `make grade`, `make feedback` and `make grades` run it on the course root.

grade_class: the gradebook learns the master's tests, intake, autograde (several nbgrader processes, each on
a share of the students) of exactly the notebooks whose grade is missing or out of date, then the reports.
"""
from __future__ import annotations

import filecmp
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import gradebook, reports, runner, state
from .intake import StudentReport, intake, submitted_students
from .paths import EXERCISES, SOLUTIONS


class Stop(Exception):
    """A step cannot run; the message says what to run first."""


@dataclass
class Graded:
    assignment: str
    reports: list[StudentReport]
    seconds: dict[str, float | None]  # student -> seconds nbgrader spent on the notebook (graded in this run)
    wall: float
    log: str
    regraded: list[str]  # students whose notebook was graded in this run


def sync_gradebook(root: Path | str, assignment: str, source: Path | None = None) -> str:
    """Make the gradebook hold the master's notebooks, tests and points (generate_assignment into a scratch
    release folder: exercises/ is not touched). Returns a warning when exercises/ is not what the master makes."""
    root = Path(root)
    source = source or SOLUTIONS
    if not (source / assignment / f"{assignment}.ipynb").exists():
        raise Stop(f"no master {source / assignment / (assignment + '.ipynb')}: is '{assignment}' an assignment id?")
    st = gradebook.assignment_state(root, assignment)
    if st.exists and not st.notebooks and st.submissions:
        raise Stop(f"the gradebook has submissions of {assignment} but not its notebooks (nbgrader autograde ran "
                   f"before the assignment was generated). Repair it, then grade again:\n"
                   f"  cd autograder && nbgrader db assignment remove {assignment} --force\n"
                   f"  nbgrader db assignment add {assignment} --duedate='<its due date>'\n"
                   f"  cd .. && make grade A={assignment}")
    with tempfile.TemporaryDirectory(prefix="llm-release-") as tmp:
        done = runner.run(root, ["generate_assignment", assignment, "--force", "--log-level=WARN",
                                 f"--CourseDirectory.release_directory={tmp}",
                                 f"--CourseDirectory.db_url={gradebook.db_url(root)}"], timeout=300)
        made = Path(tmp) / assignment / f"{assignment}.ipynb"
        if done.returncode != 0 or not made.exists():
            raise Stop(f"nbgrader generate_assignment {assignment} failed, so the gradebook cannot learn its "
                       f"tests:\n{runner.quiet(done.log)[-2000:]}")
        released = EXERCISES / assignment / f"{assignment}.ipynb"
        if source == SOLUTIONS and released.exists() and not filecmp.cmp(made, released, shallow=False):
            return (f"warning: exercises/{assignment} is not what solutions/{assignment} makes: the gradebook "
                    f"now has the master's tests; run `make release` and hand students the new version")
    return ""


def hidden_cells(assignment: str) -> set[str]:
    """grade_ids of the master's cells that hold hidden tests."""
    import nbformat
    from .notebooks import HIDDEN_MARKERS, source_path
    if not source_path(assignment).exists():
        return set()
    nb = nbformat.read(source_path(assignment), as_version=4)
    return {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells if HIDDEN_MARKERS[0] in c.source}


def students_of(root: Path | str, assignment: str) -> list[str]:
    """The roster (gradebook) and everyone who handed something in."""
    st = gradebook.assignment_state(root, assignment)
    return sorted(set(st.students) | set(submitted_students(root, assignment)))


def grade_class(root: Path | str, assignment: str, students: list[str] | None = None, workers: int | None = None,
                force: bool = False, extra: tuple[str, ...] = (), progress: bool = False,
                timeout: float | None = None, sync: bool = True, log_to: Path | None = None) -> Graded:
    """Grade every submission of `assignment` whose grade is missing or out of date (all with force)."""
    root = Path(root)
    warning = sync_gradebook(root, assignment) if sync else ""
    if warning:
        print(warning, file=sys.stderr)
    gradebook.enable_wal(root)
    students = students if students is not None else students_of(root, assignment)
    found = intake(root, assignment, students)
    st = gradebook.assignment_state(root, assignment)
    a_fp = state.assignment_fingerprint(root, st)
    recorded = state.load(root, assignment)
    current = {s: state.student_fingerprint(root, assignment, s, a_fp) for s, r in found.items() if r.status == "pending"}
    have = gradebook.scores(gradebook.db_url(root), assignment, list(current))
    todo = [s for s in current if force or recorded.get(s) != current[s] or have[s].error
            or not (root / "autograded" / s / assignment / f"{assignment}.ipynb").exists()]
    # two nbgrader processes per core: one notebook's grading waits for about half its wall time (kernel start,
    # messages, the gradebook), so one per core leaves the cores half idle (issue 14: lora, 200 notebooks on 2
    # cores, 282 s with 2 processes, 169 s with 4); each process holds about 0.65 GB
    workers = max(1, min(workers or 2 * (os.cpu_count() or 1), len(todo) or 1))
    shards = [sh for sh in (todo[i::workers] for i in range(workers)) if sh]
    limit = timeout or 120 + 60 * max(1, len(todo))
    base = ["autograde", assignment, f"--CourseDirectory.db_url={gradebook.db_url(root)}", "--force", *extra]
    everyone = set(students) | set(st.students)

    bar = None
    if progress and todo:
        from tqdm import tqdm
        bar = tqdm(total=len(todo), desc=f"grading {assignment}", unit="notebook", file=sys.stderr)

    def grade_shard(shard):
        others = sorted(everyone - set(shard))
        args = base + ([f"--CourseDirectory.student_id_exclude={','.join(others)}"] if others else [])
        started = []

        def on_line(line: str) -> None:  # a student is done when nbgrader starts the next one
            if bar is not None and runner.STUDENT_LINE.search(line):
                if started:
                    bar.update(1)
                started.append(line)

        done = runner.run(root, args, limit, on_line=on_line)
        if bar is not None and started:
            bar.update(1)
        return done

    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(shards) or 1) as pool:
        runs = list(pool.map(grade_shard, shards))
    # a student whose grading failed on a lock is graded again, alone (never seen with WAL and the timeout)
    parts: dict[str, tuple[float, str]] = {}
    for r in runs:
        parts.update(r.per_student())
    for s in [s for s, (_, e) in parts.items() if "database is locked" in e]:
        r = runner.run(root, base + ["--student", s], limit)
        runs.append(r)
        parts.update(r.per_student())
    if bar is not None:
        bar.close()
    wall = time.monotonic() - start
    log = "\n".join(r.log + ("\n[killed: time limit]" if r.killed else "") for r in runs)
    if log_to is not None:
        log_to.write_text(runner.quiet(log, hidden_cells(assignment)) + "\n")

    got = gradebook.scores(gradebook.db_url(root), assignment, list(current))
    graded_fp = {s: fp for s, fp in recorded.items() if s in current and s not in todo}
    for s in current:
        rep = found[s]
        notebook = root / "autograded" / s / assignment / f"{assignment}.ipynb"
        if got[s].error is None and notebook.exists() and not (s in todo and s not in parts):
            rep.status, rep.score, rep.max_score, rep.cells = "graded", got[s].score, got[s].max_score, got[s].cells
            stopped = reports.notebook_errors(notebook)
            if stopped:  # read from the graded notebook, not the log: a rerun that skips it says the same
                rep.note = (rep.note + "; " if rep.note else "") + "cells with errors: " + stopped
            restored = reports.restored_note(reports.restored_cells(notebook))
            if restored:
                rep.note = (rep.note + "; " if rep.note else "") + restored
        else:
            rep.status, rep.score = "not graded", 0.0
            why = parts.get(s, (0, ""))[1] or "nbgrader wrote no graded notebook (see the log)"
            rep.note = (rep.note + "; " if rep.note else "") + f"not graded, score 0: {why}"
        if s in todo:  # a failure is retried on the next run anyway (it has no grade)
            graded_fp[s] = current[s]
    state.save(root, assignment, graded_fp)
    out = [found[s] for s in students]
    reports.write_csv(root, assignment, out)
    reports.write_not_graded_pages(root, assignment, out)
    (root / f"grading_summary_{assignment}.txt").write_text(reports.summary(assignment, out, len(todo), wall) + "\n")
    return Graded(assignment, out, {s: parts.get(s, (None, ""))[0] for s in students}, wall, log, todo)


def out_of_date(root: Path | str, assignment: str) -> list[str]:
    """Students whose grade is missing or was made with other tests, due date, policy or files."""
    root = Path(root)
    st = gradebook.assignment_state(root, assignment)
    a_fp = state.assignment_fingerprint(root, st)
    recorded = state.load(root, assignment)
    found = intake(root, assignment, submitted_students(root, assignment))
    return [s for s, r in found.items() if r.status == "pending"
            and recorded.get(s) != state.student_fingerprint(root, assignment, s, a_fp)]


def feedback(root: Path | str, assignment: str) -> tuple[int, list[StudentReport]]:
    """Every graded student's report written again (never a stale one), and the not-graded pages."""
    root = Path(root)
    if not (root / f"grading_report_{assignment}.csv").exists():
        raise Stop(f"{assignment} has not been graded here yet: run `make grade A={assignment}` first")
    stale = out_of_date(root, assignment)
    if stale:
        raise Stop(f"the grades of {len(stale)} students of {assignment} are out of date (new submissions, or "
                   f"the tests, due date or late policy changed since): run `make grade A={assignment}` first "
                   f"({', '.join(stale[:10])}{' ...' if len(stale) > 10 else ''})")
    done = runner.run(root, ["generate_feedback", assignment, "--force"], timeout=1800)
    if done.returncode != 0:
        raise Stop(f"nbgrader generate_feedback {assignment} failed:\n{runner.quiet(done.log)[-2000:]}")
    found = reports.read_csv(root, assignment)
    reports.write_not_graded_pages(root, assignment, found)
    return sum(r.status == "graded" for r in found), found


def set_assignments(root: Path | str) -> list[str]:
    """Assignments with at least one submission in the gradebook (the ones that were set)."""
    from nbgrader.api import Gradebook
    from .paths import COURSE_ID
    with Gradebook(gradebook.db_url(root), COURSE_ID) as gb:
        return sorted(a.name for a in gb.assignments if a.num_submissions > 0)


def export(root: Path | str, to: str = "grades.csv", only: list[str] | None = None) -> list[str]:
    """`nbgrader export` of the assignments that were set (or `only`); refuses grades that are out of date."""
    root = Path(root)
    if not gradebook.db_path(root).exists():
        raise Stop("no gradebook yet: release, collect and `make grade A=<id>` first")
    chosen = only or set_assignments(root)
    if not chosen:
        raise Stop("no assignment has a submission yet: nothing to export (collect and `make grade A=<id>` first)")
    for a in chosen:
        if not (root / f"grading_report_{a}.csv").exists() or out_of_date(root, a):
            raise Stop(f"the grades of {a} are missing or out of date: run `make grade A={a}` first")
    args = ["export", "--to", to] + [f"--ExportPlugin.assignment={a}" for a in chosen]
    done = runner.run(root, args, timeout=600)
    if done.returncode != 0:
        raise Stop(f"nbgrader export failed:\n{runner.quiet(done.log)[-2000:]}")
    return chosen
