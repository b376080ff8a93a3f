"""Autograde a class on every core: several `nbgrader autograde` processes against one SQLite gradebook.

Before grading, an intake step checks each submitted/<student>/<assignment>/ folder and writes a
grading report (grading_report_<assignment>.csv): graded, or not graded and why. Run from anywhere:

    python autograder/grade_parallel.py lora                 # shards of students, one process per core
    python autograder/grade_parallel.py lora --workers 1     # the same, serially
    python autograder/grade_parallel.py '*'                  # every assignment in the gradebook

Locking: the gradebook is put in WAL mode and opened with a 120 s busy timeout, so a writer waits for
another instead of failing; a student whose grading still failed on a lock is graded again, alone.
"""
from __future__ import annotations

import argparse
import csv
import html
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
COURSE_ID = "llm-adaptation"
LOCKED = re.compile(r"database is locked|OperationalError", re.I)


@dataclass
class StudentReport:
    """What happened to one student's submission of one assignment."""
    student: str
    status: str  # "graded", "not graded", "no submission"
    score: float | None = None
    max_score: float | None = None
    files: list[str] = field(default_factory=list)
    note: str = ""  # e.g. "renamed notebook 'lora (1).ipynb' graded as lora.ipynb"
    cells: dict[str, float | None] = field(default_factory=dict)


@dataclass
class Graded:
    assignment: str
    reports: list[StudentReport]
    seconds: dict[str, float | None]  # student -> seconds nbgrader spent on the notebook
    wall: float
    log: str


def env() -> dict[str, str]:
    e = dict(os.environ)
    e["PATH"] = f"{BIN}{os.pathsep}{e.get('PATH', '')}"  # nbgrader calls `alembic` by name
    e["JUPYTER_PLATFORM_DIRS"] = "1"
    e["TRAITLETS_APPLICATION_RAISE_CONFIG_FILE_ERROR"] = "1"  # a broken config fails, never runs unsandboxed
    e.pop("PYTHONPATH", None)
    return e


def enable_wal(db: Path) -> None:
    """Write-ahead logging: readers never block the writer, writers queue on the busy timeout."""
    with sqlite3.connect(db) as con:
        con.execute("PRAGMA journal_mode=WAL")


def db_url(root: Path) -> str:
    return "sqlite:///" + str(Path(root) / "gradebook.db") + "?timeout=120"


# ---------------------------------------------------------------- intake

def intake(root: Path, assignment: str, students: list[str]) -> dict[str, StudentReport]:
    """Check each student's folder; a single notebook under another name is copied (never moved) to <id>.ipynb."""
    reports = {}
    # the copies made by earlier intakes (student -> renamed file), so that a rerun reports the same thing
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


# ---------------------------------------------------------------- running nbgrader autograde

def _run(root: Path, args: list[str], timeout: float) -> tuple[list[tuple[float, str]], float, bool]:
    """Run nbgrader with time-stamped log lines; kill the whole process group after `timeout` s."""
    start = time.monotonic()
    proc = subprocess.Popen([str(BIN / "nbgrader"), *args], cwd=root, env=env(), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines: list[tuple[float, str]] = []
    reader = threading.Thread(target=lambda: lines.extend((time.monotonic(), x.rstrip("\n")) for x in proc.stdout),
                              daemon=True)
    reader.start()
    try:
        proc.wait(timeout=timeout)
        killed = False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        killed = True
    reader.join(timeout=10)
    return lines, time.monotonic() - start, killed


def _per_student(lines, end: float) -> tuple[dict[str, float], dict[str, str]]:
    """Seconds per student (between nbgrader's 'Creating/updating student' lines) and the last error line."""
    pat = re.compile(r"Creating/updating student with ID '([^']+)'")
    marks = [(i, t, m.group(1)) for i, (t, x) in enumerate(lines) if (m := pat.search(x))]
    seconds, errors = {}, {}
    for (i, t, s), (j, t2, _) in zip(marks, marks[1:] + [(len(lines), end, None)]):
        seconds[s] = t2 - t
        part = [x for _, x in lines[i:j]]
        errs = [x.strip() for x in part if re.match(r"^\s*[\w.]*(Error|Exception)\b.*:", x)]
        if errs:
            errors[s] = errs[-1][:300]
    return seconds, errors


def notebook_errors(path: Path) -> str:
    """The errors a graded notebook records, as '<cell>: <Error>: <message>' (first 300 characters)."""
    try:
        nb = json.loads(path.read_text())
    except (OSError, ValueError):
        return ""
    found = []
    for i, cell in enumerate(nb.get("cells", [])):
        for out in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            if out.get("output_type") == "error":
                name = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") or f"cell {i}"
                message = re.sub(r"0x[0-9a-fA-F]+", "0x…", str(out.get("evalue", "")))[:120]  # no addresses: reruns agree
                found.append(f"{name}: {out.get('ename', '')}: {message}")
    return "; ".join(found)[:300]


def scores(root: Path, assignment: str, students: list[str]) -> dict[str, tuple[float, float, dict]]:
    """student -> (score, max score, grade_id -> score) for every student with a graded submission."""
    from nbgrader.api import Gradebook, MissingEntry
    out = {}
    with Gradebook(db_url(root), COURSE_ID) as gb:
        for s in students:
            try:
                sub = gb.find_submission(assignment, s)
            except MissingEntry:
                continue
            cells = {gr.name: (None if gr.score is None else float(gr.score)) for nb in sub.notebooks for gr in nb.grades}
            out[s] = (float(sub.score), float(sub.max_score), cells)
    return out


def grade_assignment(root: Path, assignment: str, students: list[str], extra: tuple[str, ...] = (),
                     force: bool = True, workers: int = 1, timeout: float | None = None) -> Graded:
    """Intake, then autograde in `workers` processes (shards of students), then one report line per student."""
    root = Path(root)
    reports = intake(root, assignment, students)
    todo = [s for s, r in reports.items() if r.status != "no submission"]
    base = ["autograde", assignment, f"--CourseDirectory.db_url={db_url(root)}", *extra] + (["--force"] if force else [])
    shards = [todo[i::workers] for i in range(workers)] if workers > 1 else [todo]
    shards = [sh for sh in shards if sh]
    limit = timeout or 120 + 60 * max(1, len(todo))

    def shard_args(shard):
        others = sorted(set(todo) - set(shard)) + sorted(set(students) - set(todo))
        return base + ([f"--CourseDirectory.student_id_exclude={','.join(others)}"] if others else [])

    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(1, len(shards))) as pool:
        runs = list(pool.map(lambda sh: _run(root, shard_args(sh), limit), shards))
    seconds, errors, logs = {}, {}, []
    for lines, _, killed in runs:
        sec, err = _per_student(lines, lines[-1][0] if lines else time.monotonic())
        seconds.update(sec)
        errors.update(err)
        logs.append("\n".join(x for _, x in lines) + ("\n[killed: time limit]" if killed else ""))
    # a student whose grading failed on a lock is graded again, alone (never seen with WAL + timeout)
    for s in [s for s, e in errors.items() if LOCKED.search(e)]:
        lines, _, _ = _run(root, base + ["--student", s, "--force"], limit)
        sec, err = _per_student(lines, lines[-1][0] if lines else time.monotonic())
        seconds.update(sec)
        errors.pop(s, None)
        errors.update(err)
        logs.append("\n".join(x for _, x in lines))
    wall = time.monotonic() - start

    got = scores(root, assignment, students)
    for s in todo:
        rep = reports[s]
        autograded = root / "autograded" / s / assignment
        if s in got and (autograded / f"{assignment}.ipynb").exists():
            rep.status = "graded"
            rep.score, rep.max_score, rep.cells = got[s]
            stopped = notebook_errors(autograded / f"{assignment}.ipynb")
            if stopped:  # read from the graded notebook, not the log: a rerun that skips it says the same
                rep.note = (rep.note + "; " if rep.note else "") + "cells with errors: " + stopped
        else:
            rep.status, rep.score = "not graded", 0.0
            why = errors.get(s) or "nbgrader wrote no graded notebook (see the log)"
            rep.note = rep.note if rep.note and "not graded" in rep.note else \
                (rep.note + "; " if rep.note else "") + f"not graded, score 0: {why}"
    out = [reports[s] for s in students]
    write_report(root, assignment, out)
    return Graded(assignment, out, {s: seconds.get(s) for s in students}, wall, "\n".join(logs))


# ---------------------------------------------------------------- reports

def write_report(root: Path, assignment: str, reports: list[StudentReport]) -> Path:
    path = Path(root) / f"grading_report_{assignment}.csv"
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student", "status", "score", "max_score", "files", "note"])
        for r in reports:
            w.writerow([r.student, r.status, "" if r.score is None else r.score,
                        "" if r.max_score is None else r.max_score, ";".join(r.files), r.note])
    return path


def write_not_graded_feedback(root: Path, assignment: str, reports: list[StudentReport]) -> None:
    """A feedback page for each student with no graded notebook: what we received and why it scored 0."""
    for r in reports:
        if r.status == "graded":
            continue
        folder = Path(root) / "feedback" / r.student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        received = ", ".join(r.files) or "nothing"
        (folder / "not_graded.html").write_text(
            f"<html><body><h1>{html.escape(assignment)}: not graded</h1>"
            f"<p>Student: {html.escape(r.student)}. Score: 0.</p>"
            f"<p>We received: {html.escape(received)}.</p>"
            f"<p>Reason: {html.escape(r.note)}.</p>"
            f"<p>What to do: hand in the notebook <code>{html.escape(assignment)}.ipynb</code> as saved by "
            "Jupyter (File, Save), not renamed, not empty; ask your instructor about a re-submission.</p>"
            "</body></html>\n")


def format_reports(assignment: str, reports: list[StudentReport]) -> str:
    lines = [f"{assignment}:"]
    for r in reports:
        score = "-" if r.score is None else f"{r.score:g}" + (f"/{r.max_score:g}" if r.max_score else "")
        lines.append(f"  {r.student:6s} {r.status:14s} {score:>9s}  {r.note}")
    return "\n".join(lines)


def gradebook_snapshot(root: Path, assignment: str) -> dict:
    """(student, grade_id) -> score, and the number of grade rows: to compare two gradings exactly."""
    with sqlite3.connect(Path(root) / "gradebook.db") as con:
        rows = con.execute(
            "SELECT st.id, gc.name, g.auto_score, g.manual_score FROM grade g "
            "JOIN submitted_notebook sn ON g.notebook_id = sn.id "
            "JOIN submitted_assignment sa ON sn.assignment_id = sa.id "
            "JOIN assignment a ON sa.assignment_id = a.id JOIN student st ON sa.student_id = st.id "
            "JOIN base_cell gc ON g.cell_id = gc.id WHERE a.name = ?", (assignment,)).fetchall()
    return {"rows": len(rows), "scores": {(s, c): (auto, manual) for s, c, auto, manual in rows}}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("assignments", nargs="+", help="ids, or '*' for every assignment in the gradebook")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="nbgrader processes per assignment")
    p.add_argument("--root", type=Path, default=HERE, help="the course root (default: autograder/)")
    p.add_argument("--no-force", action="store_true", help="skip submissions that are already graded")
    args = p.parse_args(argv)
    root = args.root.resolve()
    from nbgrader.api import Gradebook
    enable_wal(root / "gradebook.db")
    with Gradebook(db_url(root), COURSE_ID) as gb:
        known = [a.name for a in gb.assignments]
        students = [s.id for s in gb.students]
    ids = known if args.assignments == ["*"] else args.assignments
    on_disk = sorted({p.name for p in (root / "submitted").glob("*")}) if (root / "submitted").exists() else []
    students = sorted(set(students) | set(on_disk))
    for a in ids:
        done = grade_assignment(root, a, students, force=not args.no_force, workers=args.workers)
        print(format_reports(a, done.reports))
        graded = [s for s in done.seconds.values() if s]
        print(f"{a}: {len(graded)} notebooks in {done.wall:.1f} s with {args.workers} processes "
              f"({done.wall / max(1, len(graded)):.1f} s a notebook); report: grading_report_{a}.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
