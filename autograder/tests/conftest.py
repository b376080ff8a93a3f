"""Shared fixtures of the autograder tests: the grading tools, and one grading run for all assignments."""
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import grading  # noqa: E402

_RUNS: dict = {}


def broken_submissions(assignment: str) -> list:
    """Submissions that must be reported, never stop grading: student id -> what is wrong."""
    ref = grading.reference_cells(assignment)
    first = next(iter(ref))

    def with_cell(student, code):
        nb = grading.notebook_with_cells(assignment, ref | {first: code})
        return grading.notebook_submission(assignment, student, nb)

    def without_first_written_answer(student):  # the reference, its first written answer's cell deleted
        nb = grading.notebook_with_cells(assignment, ref)
        gone = next(iter(grading.manual_ids(nb)))
        nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != gone]
        return grading.notebook_submission(assignment, student, nb)

    return [
        grading.notebook_submission(assignment, "broken-invalid-json", b'{"cells": [ not json'),
        grading.notebook_submission(assignment, "broken-renamed", grading.release_path(assignment).read_bytes(),
                                    filename=f"my_{assignment}.ipynb"),
        with_cell("broken-kernel-dies", "import os\nos._exit(1)"),
        with_cell("broken-loops-forever", "while True:\n    pass"),
        without_first_written_answer("broken-answer-deleted"),
    ]


@pytest.fixture(scope="session")
def catalogue_runs():
    """Every assignment's reference, release, mutants and alternatives, graded by the real nbgrader."""
    if not _RUNS:
        start = time.monotonic()
        jobs = {}
        for a in grading.assignments():
            try:
                jobs[a] = grading.catalogue_submissions(a)
            except Exception as error:  # e.g. no release yet: that assignment's tests fail, not the others'
                _RUNS[a] = error
        if "objectives" in jobs:  # bad submissions ride along with one assignment: no extra nbgrader run
            jobs["objectives"] += broken_submissions("objectives")
        # a 15 s cell limit (the course uses 30 s); chunks of at most 16 notebooks keep both workers busy to the
        # end (each part is one nbgrader process)
        args = ("--Execute.timeout=15",)
        # three nbgrader processes on two cores: each waits for its kernels now and then (measured: 9% faster
        # than two, four is slower again)
        _RUNS.update(grading.grade_many(jobs, workers=3, extra_args=args, chunk=16))
        _RUNS["_seconds"] = time.monotonic() - start
    return _RUNS


def pytest_terminal_summary(terminalreporter):
    """Print the autograde time of each notebook, so every test run records it."""
    if not _RUNS:
        return
    tr = terminalreporter
    tr.section("nbgrader autograde times (seconds per notebook)")
    for assignment, run in _RUNS.items():
        if assignment == "_seconds" or isinstance(run, Exception):
            continue
        times = sorted(r.seconds for r in run.results.values() if r.seconds is not None)
        ref = run.results.get("reference")
        if not times:
            tr.write_line(f"{assignment}: no timing (nbgrader log: {run.log[-300:]!r})")
            continue
        tr.write_line(
            f"{assignment:14s} {len(run.results):3d} notebooks in {run.seconds:6.1f} s; "
            f"reference {ref.seconds if ref and ref.seconds else float('nan'):5.1f} s, "
            f"median {times[len(times) // 2]:5.1f} s, max {times[-1]:5.1f} s; "
            f"reference score {ref.score if ref else None}/{ref.max_score if ref else None}")
    tr.write_line(f"all assignments graded in {_RUNS['_seconds']:.1f} s")
