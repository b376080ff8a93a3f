"""Hidden checks judged in this process, without nbgrader or a kernel: the fast half of every test_hidden_*.py.

A notebook made of the master's import cell and the given solution cells runs here, the kernel half of the wire
(wire.KERNEL_RUNTIME) in its namespace as in the sandboxed kernel, and each check judges it as the grader would.
"""
from __future__ import annotations

import nbformat

import grading
from judge import checks, wire


class Harness:
    """The checks of one assignment (hidden/<id>.py) and the solution items of its master."""

    def __init__(self, assignment: str):
        self.assignment = assignment
        self.checks = checks.load(assignment, grading.AUTOGRADER / "hidden")
        self.items = list(grading.reference_cells(assignment))

    def namespace(self, cells: dict[str, str]) -> dict:
        """The notebook's namespace after its import cell and the given solution cells ran, as in the kernel."""
        nb = nbformat.read(grading.source_path(self.assignment), as_version=4)
        ns: dict = {"__name__": "__main__"}
        for cell in nb.cells:
            md = cell.metadata.get("nbgrader", {})
            if md.get("solution") and cell.cell_type == "code":  # not the written answers
                exec(cells[md["grade_id"]], ns)
            elif md.get("grade_id") == "imports":
                exec(cell.source, ns)
        exec(wire.KERNEL_RUNTIME, ns)  # the kernel half lives in the notebook's namespace, as in the kernel
        return ns

    def verdicts(self, cells: dict[str, str], seed: int, items=None) -> dict[str, checks.Verdict]:
        """The verdict of every check (or of those grading `items`) on the notebook made of `cells`."""
        ns = self.namespace(cells)
        return {grade_id: checks.judge(fn, local_student(ns), seed) for grade_id, fn in self.checks.items()
                if items is None or grading.item_of(grade_id, self.items) in items}


def local_student(ns: dict) -> checks.Student:
    return checks.Student(lambda source, name, args, timeout: ns["__llm_probe"](source, name, args))
