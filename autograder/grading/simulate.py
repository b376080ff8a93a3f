"""A simulated class of 20 students, and nbgrader's whole instructor flow run on it in a temporary course.

Each (student, assignment) gets one scenario (correct, blank, partly correct, a mutant from
autograder/mutants, late, missing, renamed, cells deleted, tests edited, invalid JSON, empty file,
another Jupyter version, an endless loop) and its expected per-cell scores. Half of the class hands
in through an LMS download (`nbgrader zip_collect`), the other half as a `submitted/` tree.
Run `python -m grading.simulate --help` from autograder/.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import shutil
import sys
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import nbformat

import grading as g  # the package's public names, as the tests use them

from . import gradebook, workflow
from . import reports as reports_
from .intake import StudentReport

N_STUDENTS = 20
DUE = "2027-03-01 23:59:00 UTC"
ON_TIME = "2027-03-01 12:00:00 UTC"
LATE = "2027-03-03 09:30:00 UTC"
# The LMS download is Blackboard Learn's: <assignment>_<student>_attempt_<YYYY-MM-DD-HH-MM-SS>_<file name>,
# in the server's local time (here Berlin: the collector converts to UTC), plus a receipt .txt per attempt.
LMS_TIMEZONE = "Europe/Berlin"

# What this simulated course chooses differently from autograder/nbgrader_config.py (which it loads, so the
# sandbox, the feedback without hidden tests and the rest are the real course's): late work scores zero.
COURSE_CONFIG = f"""
c.LateSubmissionPlugin.penalty_method = "zero"
c.LmsCollector.lms = "blackboard"
c.LmsCollector.timezone = {LMS_TIMEZONE!r}
c.Execute.iopub_timeout = 60
"""

# One scenario per slot; student i gets SLOTS[(i + 3 * assignment index) % 20] for each assignment. Each
# graded notebook costs about 5 s of CPU, and every assignment's scores are proven one by one by the
# catalogue run, so this class proves the flow with about twenty graded notebooks: a correct one in every
# assignment, each other graded scenario in the assignments REACH names (by index, sorted ids), and the
# students a scenario skips hand nothing in (a class where some students hand nothing in is the usual one).
SLOTS = ["correct", "missing", "blank", "partial", "mutant:first", "mutant:middle", "mutant:last",
         "late", "renamed", "cells_deleted", "tests_edited", "jupyter_4_4", "jupyter_4_5",
         "invalid_json", "empty_file", "missing", "missing", "endless_loop", "missing", "missing"]
REACH = {"blank": {0, 3}, "partial": {1, 4}, "mutant:first": {0, 2}, "mutant:middle": {1, 4}, "mutant:last": {3},
         "late": {2}, "renamed": {3}, "cells_deleted": {4}, "tests_edited": {1}, "jupyter_4_4": {0},
         "jupyter_4_5": {2}, "endless_loop": {0}}  # the loop costs one cell timeout: once


@dataclass
class Entry:
    """One student's hand-in for one assignment and what it must earn."""
    student: str
    assignment: str
    scenario: str
    channel: str  # "lms" (zip_collect), "submitted" (a submitted/ tree), "none"
    files: dict[str, bytes]
    timestamp: str | None
    expected_cells: dict[str, float | None] | None  # None: no grade expected (not graded); a cell's None: an
    # answer that waits for a grade by hand (nbgrader's "needs manual grade")
    expected_score: float  # what the exported CSV must say (late penalty applied)
    reason: str = ""  # what the grading report must say for a submission that is not graded
    mutant: str | None = None


@dataclass
class ClassPlan:
    students: list[str]
    assignments: list[str]
    entries: list[Entry] = field(default_factory=list)

    def entry(self, student: str, assignment: str) -> Entry:
        return next(e for e in self.entries if e.student == student and e.assignment == assignment)


def _items(assignment: str) -> list[str]:
    """The items the grader judges (the written answers graded by hand are not among them)."""
    return g.autograded_items(nbformat.read(g.release_path(assignment), as_version=4))


def _max_cells(assignment: str) -> dict[str, float]:
    return g.grade_ids(nbformat.read(g.release_path(assignment), as_version=4))


def _manual(assignment: str) -> dict[str, float]:
    return g.manual_ids(nbformat.read(g.release_path(assignment), as_version=4))


def pick_mutants(assignment: str) -> dict[str, g.Mutant]:
    """One single-item mutant on the first, second, middle and last item (wrong in different places)."""
    items = _items(assignment)
    single = [m for m in g.mutants(assignment) if len(m.cells) == 1]
    chosen = {}
    for where, item in (("first", items[0]), ("second", items[1 % len(items)]),
                        ("middle", items[len(items) // 2]), ("last", items[-1])):
        options = [m for m in single if item in m.cells]
        if options:
            chosen[where] = options[0]
    return chosen


def _bytes(nb) -> bytes:
    return (nbformat.writes(nb) + "\n").encode()


def _cells_for(assignment: str, solution: dict[str, str]) -> nbformat.NotebookNode:
    return g.notebook_with_cells(assignment, solution)


def build_entry(student: str, assignment: str, scenario: str, channel: str,
                mutant_cells: dict[tuple[str, str], dict[str, float]] | None) -> Entry:
    """The files for one scenario and its expected scores, derived from the release and the masters."""
    items, full, hand = _items(assignment), _max_cells(assignment), _manual(assignment)
    ref = g.reference_cells(assignment)  # the written answers too: every notebook built from it has answered them
    written = dict.fromkeys(hand)  # answered: no score until the instructor grades them
    full = full | written
    zero = {k: 0.0 for k in full}  # the release's answer cells, unchanged: nbgrader gives 0
    name = f"{assignment}.ipynb"
    by_item = lambda keep: {k: (v if g.item_of(k, items) in keep or k in written else 0.0)  # noqa: E731
                            for k, v in full.items()}
    files, expected, score, reason, mutant = {}, dict(full), None, "", None
    timestamp = ON_TIME
    if scenario == "correct":
        files[name] = _bytes(_cells_for(assignment, ref))
    elif scenario == "blank":
        files[name] = g.release_path(assignment).read_bytes()
        expected = zero
    elif scenario == "partial":  # the first half of the items done, the rest (written answers too) untouched
        done = items[: max(1, len(items) // 2)]
        files[name] = _bytes(_cells_for(assignment, {k: ref[k] for k in done}))
        expected = by_item(set(done)) | dict.fromkeys(hand, 0.0)
    elif scenario.startswith("mutant:"):
        m = pick_mutants(assignment)[scenario.split(":")[1]]
        mutant = m.name
        files[name] = g.mutant_submission(m, student).files[name]
        expected = dict(mutant_cells[(assignment, m.name)]) if mutant_cells else None
    elif scenario == "late":
        files[name] = _bytes(_cells_for(assignment, ref))
        timestamp, score = LATE, 0.0  # penalty_method "zero"
    elif scenario == "renamed":
        files[f"{assignment} (1).ipynb"] = _bytes(_cells_for(assignment, ref))
    elif scenario == "cells_deleted":  # the last item's solution cell and the first item's first graded cell
        nb = _cells_for(assignment, ref)
        graded = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
                  if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata["nbgrader"].get("solution")
                  and c.metadata["nbgrader"]["grade_id"].startswith(items[0] + "_")]
        gone = {items[-1], graded[0]}
        nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") not in gone]
        files[name] = _bytes(nb)
        # the deleted graded cell is put back and judged (OverwriteCells.add_missing_cells): it keeps its points
        expected = by_item(set(items[:-1]))
    elif scenario == "tests_edited":  # every test cell replaced by `pass`: nbgrader restores them
        nb = _cells_for(assignment, ref)
        for c in nb.cells:
            if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata["nbgrader"].get("solution"):
                c.source = "pass"
        files[name] = _bytes(nb)
    elif scenario in ("jupyter_4_4", "jupyter_4_5"):
        nb = _cells_for(assignment, ref)
        raw = json.loads(nbformat.writes(nb))
        if scenario == "jupyter_4_4":  # an older Jupyter: nbformat 4.4, no cell ids, another kernel name
            raw["nbformat_minor"] = 4
            for c in raw["cells"]:
                c.pop("id", None)
            raw["metadata"]["kernelspec"] = {"name": "conda-env-llm-py", "display_name": "Python [conda env:llm]",
                                             "language": "python"}
        else:  # a newer one: new cell ids, ipykernel's display name, language_info with a version
            for i, c in enumerate(raw["cells"]):
                c["id"] = f"cell-{i:03d}-{student}"
            raw["metadata"]["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                             "language": "python"}
            raw["metadata"]["language_info"] = {"name": "python", "version": "3.12.4",
                                                "codemirror_mode": {"name": "ipython", "version": 3}}
        files[name] = (json.dumps(raw, indent=2) + "\n").encode()
    elif scenario == "invalid_json":
        files[name] = _bytes(_cells_for(assignment, ref))[:-200]  # cut short while saving
        expected, score, reason = None, 0.0, "invalid JSON"
    elif scenario == "empty_file":
        files[name] = b""
        expected, score, reason = None, 0.0, "empty file"
    elif scenario == "missing":
        expected, score, reason, timestamp, channel = None, 0.0, "no submission", None, "none"
    elif scenario == "endless_loop":  # the last item's cell loops forever: interrupted, the rest graded
        files[name] = _bytes(_cells_for(assignment, ref | {items[-1]: "while True:\n    pass\n" + ref[items[-1]]}))
        expected = by_item(set(items[:-1]))
    else:
        raise ValueError(f"unknown scenario {scenario}")
    if score is None:
        score = sum(v or 0.0 for v in expected.values()) if expected is not None else None
    return Entry(student, assignment, scenario, channel, files, timestamp, expected, score, reason, mutant)


def build_class(assignments: list[str] | None = None, n_students: int = N_STUDENTS,
                mutant_cells: dict[tuple[str, str], dict[str, float]] | None = None) -> ClassPlan:
    """The class: students s01..sNN, the first half hand in through the LMS, the rest as submitted/."""
    assignments = assignments or g.assignments()
    students = [f"s{i:02d}" for i in range(1, n_students + 1)]
    plan = ClassPlan(students, assignments)
    slots = {(i, k): SLOTS[(i + 3 * k) % len(SLOTS)] for i in range(n_students) for k in range(len(assignments))}
    for (i, k), scenario in list(slots.items()):
        if scenario in REACH and k not in REACH[scenario]:
            slots[i, k] = "missing"
    for i in range(n_students):  # everyone hands in something: a student with nothing does the last one right
        if all(slots[i, k] == "missing" for k in range(len(assignments))):
            slots[i, len(assignments) - 1] = "correct"
    for k, a in enumerate(assignments):
        for i, s in enumerate(students):
            scenario = slots[i, k]
            if scenario.startswith("mutant:") and scenario.split(":")[1] not in pick_mutants(a):
                scenario = "mutant:first"
            channel = "lms" if i < n_students // 2 else "submitted"
            plan.entries.append(build_entry(s, a, scenario, channel, mutant_cells))
    return plan


def mutants_used(plan: ClassPlan) -> dict[str, list[str]]:
    """assignment -> names of the mutants the class hands in (their catalogue scores are the oracle)."""
    out: dict[str, list[str]] = {}
    for e in plan.entries:
        if e.mutant:
            out.setdefault(e.assignment, []).append(e.mutant)
    return out


# ---------------------------------------------------------------- writing the hand-ins

def _lms_stamp(timestamp: str) -> str:
    """A UTC time as Blackboard writes it into a file name: the server's local time, YYYY-MM-DD-HH-MM-SS."""
    utc = datetime.strptime(timestamp, "%Y-%m-%d %H:%M:%S UTC").replace(tzinfo=ZoneInfo("UTC"))
    return utc.astimezone(ZoneInfo(LMS_TIMEZONE)).strftime("%Y-%m-%d-%H-%M-%S")


def hand_in(course: g.Course, plan: ClassPlan) -> dict[str, str]:
    """Write the LMS download (one zip per assignment plus loose files) and the submitted/ trees.

    Returns path (relative to the course root) -> sha256 of every file a student handed in.
    """
    hashes = {}
    for a in plan.assignments:
        archive = course.root / "downloaded" / a / "archive"
        archive.mkdir(parents=True, exist_ok=True)
        lms = [e for e in plan.entries if e.assignment == a and e.channel == "lms"]
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:  # most of the LMS download comes as one zip ...
            for e in lms[:-2]:
                attempt = f"{a}_{e.student}_attempt_{_lms_stamp(e.timestamp)}"
                z.writestr(f"{attempt}.txt", f"Name: Student {e.student}\nAssignment: {a}\n")  # the receipt
                for fname, data in e.files.items():
                    z.writestr(f"{attempt}_{fname}", data)
        (archive / f"{a}_submissions.zip").write_bytes(buf.getvalue())
        for e in lms[-2:]:  # ... and some files were downloaded one by one
            for fname, data in e.files.items():
                (archive / f"{a}_{e.student}_attempt_{_lms_stamp(e.timestamp)}_{fname}").write_bytes(data)
        for e in plan.entries:
            if e.assignment == a and e.channel == "submitted":
                folder = course.root / "submitted" / e.student / a
                folder.mkdir(parents=True, exist_ok=True)
                for fname, data in e.files.items():
                    (folder / fname).write_bytes(data)
                (folder / "timestamp.txt").write_text(e.timestamp)
    for p in sorted(list((course.root / "downloaded").rglob("*")) + list((course.root / "submitted").rglob("*"))):
        if p.is_file():
            hashes[str(p.relative_to(course.root))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return hashes


def file_hashes(root: Path, paths) -> dict[str, str | None]:
    return {p: (hashlib.sha256((root / p).read_bytes()).hexdigest() if (root / p).exists() else None) for p in paths}


# ---------------------------------------------------------------- the instructor's flow

@dataclass
class FlowResult:
    root: Path
    reports: dict[str, list[StudentReport]]  # assignment -> one line per student
    csv_rows: list[dict]
    seconds: dict[str, float]  # step -> wall seconds
    autograde_seconds: dict[str, dict[str, float | None]]  # assignment -> student -> seconds

    regraded: dict[str, list[str]] = field(default_factory=dict)  # assignment -> students graded in this run

    def report(self, student: str, assignment: str) -> StudentReport:
        return next(r for r in self.reports[assignment] if r.student == student)


def setup_course(course: g.Course, plan: ClassPlan) -> None:
    """The course's config choices, the assignments generated, the roster and the due dates."""
    with open(course.root / "nbgrader_config.py", "a") as f:
        f.write(COURSE_CONFIG)
        f.write(f"c.CourseDirectory.db_url = {course.db_url + '?timeout=120'!r}\n")
    course.generate_all(plan.assignments)
    gradebook.enable_wal(course.root)
    roster = course.root / "students.csv"
    with open(roster, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "first_name", "last_name", "email"])
        for s in plan.students:
            w.writerow([s, "Student", s.upper(), f"{s}@example.org"])
    _check(course.nbgrader("db", "student", "import", str(roster)), "db student import")
    due = course.root / "assignments.csv"  # the due dates, all in one nbgrader process
    with open(due, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["name", "duedate"])
        w.writerows([a, DUE] for a in plan.assignments)
    _check(course.nbgrader("db", "assignment", "import", str(due)), "db assignment import")


def _check(done, what: str):
    if done.returncode != 0:
        raise RuntimeError(f"nbgrader {what} failed:\n{done.stdout}{done.stderr}")
    return done


def run_flow(course: g.Course, plan: ClassPlan, workers: int = 2, cell_timeout: int | None = None,
             force: bool = False) -> FlowResult:
    """zip_collect, then the workflow of `make grade` (intake, autograde what is new or out of date, reports),
    `make feedback` and `make grades`, one assignment per thread, `workers` at a time."""
    seconds = {}

    t = time.monotonic()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for a, done in zip(plan.assignments, pool.map(lambda a: course.nbgrader("zip_collect", a, "--force"),
                                                      plan.assignments)):
            _check(done, f"zip_collect {a}")
    seconds["zip_collect"] = time.monotonic() - t

    t = time.monotonic()
    extra = (f"--Execute.timeout={cell_timeout}",) if cell_timeout else ()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {a: pool.submit(workflow.grade_class, course.root, a, plan.students, 1, force, extra)
                   for a in plan.assignments}
        graded = {a: f.result() for a, f in futures.items()}
    seconds["autograde"] = time.monotonic() - t

    t = time.monotonic()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(lambda a: workflow.feedback(course.root, a), plan.assignments))
    seconds["feedback"] = time.monotonic() - t

    t = time.monotonic()
    workflow.export(course.root, "grades.csv")
    seconds["export"] = time.monotonic() - t
    with open(course.root / "grades.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    return FlowResult(course.root, {a: graded[a].reports for a in plan.assignments}, rows, seconds,
                      {a: graded[a].seconds for a in plan.assignments},
                      {a: graded[a].regraded for a in plan.assignments})


def catalogue_scores(plan: ClassPlan, workers: int = 2, cell_timeout: int | None = None
                     ) -> dict[tuple[str, str], dict[str, float]]:
    """The oracle for mutant students: each mutant graded alone (grading.py), per-cell scores."""
    jobs = {a: [g.mutant_submission(m) for m in g.mutants(a) if m.name in set(names)]
            for a, names in mutants_used(plan).items()}
    extra = (f"--Execute.timeout={cell_timeout}",) if cell_timeout else ()
    runs = g.grade_many(jobs, workers=workers, extra_args=extra, return_exceptions=False)
    return {(a, m.name): runs[a][m.student].cells for a in jobs for m in g.mutants(a) if m.student in runs[a].results}


def benchmark(assignment: str, workers: list[int], n_students: int = N_STUDENTS,
              cell_timeout: int | None = None) -> list[dict]:
    """Grade one assignment's class serially, then with each number of processes, in one course.

    Each run regrades everything (--force) into the same gradebook; every run must leave exactly the
    same grade rows (no lost or doubled grade) and the same exported CSV.
    """
    plan = build_class([assignment], n_students)
    extra = (f"--Execute.timeout={cell_timeout}",) if cell_timeout else ()
    out = []
    with g.Course() as course:
        setup_course(course, plan)
        hand_in(course, plan)
        _check(course.nbgrader("zip_collect", assignment, "--force"), "zip_collect")
        for n in [1, *workers]:
            done = workflow.grade_class(course.root, assignment, plan.students, n, True, extra)
            _check(course.nbgrader("export", "--to", f"grades_{n}.csv"), "export")
            notebooks = sum(1 for t in done.seconds.values() if t)
            out.append(dict(workers=n, seconds=done.wall, notebooks=notebooks,
                            per_notebook=done.wall / max(1, notebooks),
                            snapshot=gradebook.snapshot(course.root, assignment),
                            csv=(course.root / f"grades_{n}.csv").read_text()))
        base = out[0]
        for r in out:
            r["same_grades"] = r["snapshot"] == base["snapshot"] and r["csv"] == base["csv"]
            r["speedup"] = base["seconds"] / r["seconds"]
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("assignments", nargs="*")
    p.add_argument("--students", type=int, default=N_STUDENTS)
    p.add_argument("--workdir", type=Path, help="keep the course here (default: a temporary folder)")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--timeout", type=int, help="per-cell time limit (default: the course's)")
    p.add_argument("--benchmark", type=int, nargs="*", metavar="N",
                   help="grade ONE assignment serially, then with N processes; compare the gradebooks")
    args = p.parse_args(argv)
    if args.benchmark is not None:
        for r in benchmark(args.assignments[0], args.benchmark or [2], args.students, args.timeout):
            print(f"{r['workers']} process(es): {r['notebooks']} notebooks in {r['seconds']:.1f} s "
                  f"({r['per_notebook']:.1f} s a notebook), speed-up {r['speedup']:.2f}, "
                  f"grade rows {r['snapshot']['rows']}, identical to serial: {r['same_grades']}")
        return 0
    plan = build_class(args.assignments or None, args.students)
    if args.workdir and args.workdir.exists():
        shutil.rmtree(args.workdir)
    with g.Course(args.workdir) as course:
        setup_course(course, plan)
        hand_in(course, plan)
        res = run_flow(course, plan, args.workers, args.timeout)
        for a, reports in res.reports.items():
            print(reports_.format_reports(a, reports))
        print("seconds:", {k: round(v, 1) for k, v in res.seconds.items()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
