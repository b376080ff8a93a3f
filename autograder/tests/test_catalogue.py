"""The real nbgrader grades each assignment: reference full marks, release zero, every mutant loses points.

The written answers an instructor grades by hand (grading.manual_ids) have no score after autograding: the
reference's are pending (None), never lost; the untouched release's are 0 (nbgrader sees them unchanged)."""
import re

import pytest

import grading

pytestmark = pytest.mark.slow  # real nbgrader runs of whole catalogues or a class

ASSIGNMENTS = grading.assignments()


def run_of(runs, assignment):
    """The grading run of one assignment, or the reason it could not be graded, as a test failure."""
    run = runs[assignment]
    if isinstance(run, Exception):
        pytest.fail(f"{assignment} could not be graded: {type(run).__name__}: {run}")
    return run


CASES = [(a, m.name) for a in ASSIGNMENTS for m in grading.mutants(a)]


def manual(assignment) -> dict[str, float]:
    return grading.manual_ids(grading.nbformat.read(grading.source_path(assignment), as_version=4))


def auto_lost(res, assignment) -> dict:
    """The autograded cells where a submission earned less than their points."""
    return {g: (res.cells[g], res.max_cells[g]) for g in res.max_cells
            if g not in manual(assignment) and res.cells[g] != res.max_cells[g]}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_reference_earns_full_marks(catalogue_runs, assignment):
    res = run_of(catalogue_runs, assignment)["reference"]
    assert res.error is None, f"{assignment}: the reference was not graded: {res.error}\n{run_of(catalogue_runs, assignment).log[-3000:]}"
    lost = auto_lost(res, assignment)
    assert not lost, f"{assignment}: the reference loses points in {lost} (a test cell failed or wrote to stderr)"
    assert res.max_score > 0 and res.max_score % 10 == 0, f"{assignment}: total {res.max_score} is not a round number"
    hand = manual(assignment)
    assert hand and sum(hand.values()) % 5 == 0, f"{assignment}: no written answer graded by hand ({hand})"
    assert {g: res.cells.get(g) for g in hand} == dict.fromkeys(hand), (
        f"{assignment}: the reference's written answers should wait for a grade by hand, not be scored: "
        f"{ {g: res.cells.get(g) for g in hand} }")
    assert res.pending == sum(hand.values()) and res.score == res.max_score - res.pending


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_untouched_release_earns_zero_without_crashing(catalogue_runs, assignment):
    res = run_of(catalogue_runs, assignment)["release"]
    assert res.error is None, f"{assignment}: grading the untouched release failed: {res.error}"
    earned = {g: s for g, s in res.cells.items() if s}
    assert res.score == 0 and not earned, f"{assignment}: the untouched release earns points in {earned}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_catalogue_covers_every_item(assignment):
    catalogue = grading.mutants(assignment)
    assert len(catalogue) >= 8, f"{assignment}: {len(catalogue)} mutants, at least 8 are needed"
    items = set(grading.reference_cells(assignment)) - set(manual(assignment))  # written answers: no mutant
    covered = {item for m in catalogue for item in m.cells}
    assert items <= covered, f"{assignment}: no mutant targets {sorted(items - covered)}"


@pytest.mark.parametrize("assignment,mutant", CASES)
def test_mutant_loses_points_on_its_item(catalogue_runs, assignment, mutant):
    run = run_of(catalogue_runs, assignment)
    m = grading.load_mutant(grading.MUTANTS / assignment / f"{mutant}.py")
    res = run[m.student]
    assert res.error is None, f"{assignment}/{mutant} was not graded: {res.error}"
    assert res.score < res.max_score - res.pending, f"{assignment}/{mutant} earns full automatic marks: {m.doc}"
    items = list(grading.reference_cells(assignment))
    for item in m.cells:
        earned, possible = res.item_score(item, items)
        assert possible > 0, f"{assignment}: no test cell grades item '{item}'"
        assert earned < possible, (f"{assignment}/{mutant} keeps all {possible:g} points of '{item}', "
                                   f"the item it breaks: {m.doc}")


ALTERNATIVE_CASES = [(a, m.name) for a in ASSIGNMENTS for m in grading.alternatives(a)]


@pytest.mark.parametrize("assignment,alternative", ALTERNATIVE_CASES)
def test_correct_alternative_earns_full_marks(catalogue_runs, assignment, alternative):
    """A right answer in another form (scratch lines, another formula, another library call) is not punished."""
    m = grading.load_mutant(grading.ALTERNATIVES / assignment / f"{alternative}.py", "alternative")
    res = run_of(catalogue_runs, assignment)[m.student]
    assert res.error is None, f"{assignment}/{alternative} was not graded: {res.error}"
    lost = auto_lost(res, assignment)
    assert not lost, f"{assignment}/{alternative} loses points in {lost}: {m.doc}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_notebook_autogrades_within_30_seconds(catalogue_runs, assignment):
    run = run_of(catalogue_runs, assignment)
    slow = {s: r.seconds and round(r.seconds, 1) for s, r in run.results.items()
            if not s.startswith("broken-") and (r.seconds is None or r.seconds > 30)}
    assert not slow, f"{assignment}: these notebooks took more than 30 s (or were not timed): {slow}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_test_cell_of_the_reference_runs_within_5_seconds(catalogue_runs, assignment):
    """The sandbox logs each notebook's slowest test cell; the reference's must take at most 5 s."""
    log = run_of(catalogue_runs, assignment).log
    m = re.search(r"SecureExecute: student reference: .*slowest test cell: (\S+) ([0-9.]+) s", log)
    assert m, f"{assignment}: no summary line for the reference in the grader's log"
    assert float(m.group(2)) <= 5.0, f"{assignment}: test cell {m.group(1)} took {m.group(2)} s (at most 5 s)"
