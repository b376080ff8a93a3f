"""Thin command-line fronts: `python -m grading <command>` from autograder/ (the Makefile's targets)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import workflow
from .catalogue import catalogue_submissions, notebook_submission
from .course import AssignmentRun, grade_many
from .notebooks import assignments
from .paths import AUTOGRADER
from .reports import summary


def _catalogue_report(run: AssignmentRun) -> str:
    lines = [f"{run.assignment}: {len(run.results)} notebooks in {run.seconds:.1f} s"]
    for student, res in run.results.items():
        took = f"{res.seconds:5.1f} s" if res.seconds is not None else "    - "
        score = f"{res.score:g}/{res.max_score:g}" if res.score is not None else f"-/{res.max_score:g}"
        lines.append(f"  {student:40s} {score:>8s} {took}  {res.error or ''}")
    return "\n".join(lines)


def _show(path: Path) -> str:
    """A path as the instructor finds it from the repository root."""
    try:
        return str(path.relative_to(AUTOGRADER.parent))
    except ValueError:
        return str(path)


def cmd_grade(args) -> int:
    root = args.root.resolve()
    for a in args.assignments:
        log = root / f"grade_{a}.log"
        done = workflow.grade_class(root, a, workers=args.workers, force=args.force, progress=not args.quiet,
                                    log_to=log)
        print(summary(a, done.reports, len(done.regraded), done.wall))
        print(f"reports: {_show(root / f'grading_report_{a}.csv')}, {_show(root / f'grading_summary_{a}.txt')}; "
              f"not-graded pages: feedback/<student>/{a}/not_graded.html; nbgrader's log: {_show(log)}")
    return 0


def cmd_feedback(args) -> int:
    for a in args.assignments:
        n, found = workflow.feedback(args.root.resolve(), a)
        print(f"{a}: feedback written for {n} graded students in {_show(args.root.resolve() / 'feedback')}/<student>/{a}/; "
              f"{sum(r.status != 'graded' for r in found)} not-graded pages (not_graded.html)")
    return 0


def cmd_export(args) -> int:
    only = [a for a in (args.assignments or "").split(",") if a] or None
    chosen = workflow.export(args.root.resolve(), args.to, only)
    print(f"exported {', '.join(chosen)} to {_show(args.root.resolve() / args.to)}"
          + ("" if only else " (the assignments with submissions; choose with A=id1,id2)"))
    return 0


def cmd_catalogue(args) -> int:
    ids = args.assignments or assignments()
    if args.notebook:
        if len(ids) != 1:
            raise SystemExit("--notebook needs exactly one assignment id")
        jobs = {ids[0]: [notebook_submission(ids[0], "student", args.notebook)]}
    else:
        jobs = {a: catalogue_submissions(a) for a in ids}
    runs = grade_many(jobs, workers=args.workers)
    for a, run in list(runs.items()):
        if isinstance(run, Exception):
            print(f"{a}: could not be graded: {run}", file=sys.stderr)
            del runs[a]
    if args.json:
        print(json.dumps({a: {s: r.__dict__ for s, r in run.results.items()} for a, run in runs.items()}, indent=1))
    else:
        print("\n".join(_catalogue_report(run) for run in runs.values()))
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m grading", description="The course's grading commands.")
    p.add_argument("--root", type=Path, default=AUTOGRADER, help="the course root (default: autograder/)")
    sub = p.add_subparsers(dest="command", required=True)
    g = sub.add_parser("grade", help="intake, autograde what is new or out of date (in parallel), reports")
    g.add_argument("assignments", nargs="+")
    g.add_argument("--workers", type=int, help="nbgrader processes (default: two per core)")
    g.add_argument("--force", action="store_true", help="grade every submission again")
    g.add_argument("--quiet", action="store_true", help="no progress bar")
    f = sub.add_parser("feedback", help="every graded student's report, and the not-graded pages")
    f.add_argument("assignments", nargs="+")
    e = sub.add_parser("export", help="the grades of the assignments that were set, as CSV")
    e.add_argument("--assignments", help="comma-separated ids (default: those with submissions)")
    e.add_argument("--to", default="grades.csv")
    c = sub.add_parser("catalogue", help="grade the reference, release, mutants and alternatives in a temp course")
    c.add_argument("assignments", nargs="*")
    c.add_argument("--notebook", type=Path, help="grade this one notebook file instead (one assignment)")
    c.add_argument("--workers", type=int, default=2)
    c.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    try:
        return {"grade": cmd_grade, "feedback": cmd_feedback, "export": cmd_export,
                "catalogue": cmd_catalogue}[args.command](args)
    except workflow.Stop as stop:
        print(f"stopped: {stop}", file=sys.stderr)
        return 2
