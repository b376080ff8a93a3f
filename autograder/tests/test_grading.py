"""The grading tools report a broken submission and go on grading the others."""
import re

import pytest

import grading
from test_catalogue import run_of


@pytest.mark.slow
@pytest.mark.skipif("objectives" not in grading.assignments(), reason="the broken submissions ride with objectives")
def test_broken_submissions_are_reported_not_fatal(catalogue_runs):
    run = run_of(catalogue_runs, "objectives")
    reasons = {s: run[s].error for s in run.results if s.startswith("broken-")}
    assert "NotJSONError" in (reasons["broken-invalid-json"] or ""), (reasons, run.log[-3000:])
    assert "No notebooks found" in (reasons["broken-renamed"] or ""), (reasons, run.log[-3000:])
    # `import os; os._exit(1)` in the first solution cell kills the kernel: every graded cell after it earns
    # nothing, the notebook is still graded (not an nbgrader failure), and the log says why
    dies = run["broken-kernel-dies"]
    assert dies.error is None and dies.score == 0 and dies.cells["mlm_mask_rules"] == 0, dies
    assert re.search(r"student broken-kernel-dies: .*kernel llm-grader: the kernel died", run.log), run.log[-2000:]
    # a cell that never ends is interrupted at the time limit; the rest of the notebook is graded
    looping = run["broken-loops-forever"]
    assert looping.error is None and looping.cells["mlm_mask_rules"] == 0, looping
    assert looping.pending == 10 and looping.score == looping.max_score - looping.pending - 10, (
        f"only mlm_mask's 10 points are lost (the written answers wait for a grade by hand): {looping}")
    # and every other student of the same nbgrader run was graded
    ref = run["reference"]
    assert ref.pending == 10 and ref.score == ref.max_score - ref.pending, ref


def test_mutant_files_are_well_formed():
    for assignment in grading.assignments():
        for mutant in grading.mutants(assignment):
            assert mutant.doc and mutant.cells, f"{assignment}/{mutant.name}"
