"""The param_counts checks, without nbgrader: each runs its probes on code executed in this process.

The reference and every alternative must pass every check; every mutant must fail a check of the item it breaks.
The catalogue test (test_catalogue.py) proves the same through the real nbgrader and the sandbox; this one is fast
enough for the development loop and says which check a mutant escapes.
"""
from __future__ import annotations

import nbformat
import pytest

import grading
from hidden_harness import Harness
from judge import checks

ASSIGNMENT = "param_counts"
CHECKS = checks.load(ASSIGNMENT, grading.AUTOGRADER / "hidden")
ITEMS = list(grading.reference_cells(ASSIGNMENT))
SEEDS = (1, 2)


HARNESS = Harness(ASSIGNMENT)
namespace, verdicts = HARNESS.namespace, HARNESS.verdicts


def test_every_graded_cell_has_a_check_and_the_points_add_up():
    nb = nbformat.read(grading.source_path(ASSIGNMENT), as_version=4)
    graded = grading.grade_ids(nb)
    assert sorted(graded) == sorted(CHECKS)
    assert sum(graded.values()) == 30
    assert all(grading.item_of(g, ITEMS) for g in graded), "every graded cell names the function it grades"


def test_probes_are_self_contained_and_judge_nothing():
    module = next(iter(CHECKS.values())).__globals__
    for name, probe in module.items():
        if name.startswith("probe_"):
            assert checks.probe_globals(probe) == set(), name
            assert not checks.probe_asserts(probe), name


@pytest.mark.parametrize("seed", SEEDS)
def test_reference_passes_every_check(seed):
    failed = {g: v.message for g, v in verdicts(grading.reference_cells(ASSIGNMENT), seed).items() if not v.passed}
    assert not failed


@pytest.mark.parametrize("alternative", grading.alternatives(ASSIGNMENT), ids=lambda m: m.name)
def test_alternative_passes_every_check(alternative):
    cells = grading.reference_cells(ASSIGNMENT) | alternative.cells
    for seed in SEEDS:
        failed = {g: v.message for g, v in verdicts(cells, seed).items() if not v.passed}
        assert not failed, f"{alternative.name} (seed {seed}): {alternative.doc}"


@pytest.mark.parametrize("mutant", grading.mutants(ASSIGNMENT), ids=lambda m: m.name)
def test_mutant_fails_a_check_of_its_item_for_every_seed(mutant):
    cells = grading.reference_cells(ASSIGNMENT) | mutant.cells
    for seed in SEEDS:
        results = verdicts(cells, seed, set(mutant.cells))
        not_judged = {g: v.message for g, v in results.items() if v.passed is None}
        assert not not_judged, f"{mutant.name}: the checks could not judge {not_judged}"
        for item in mutant.cells:
            mine = {g: v for g, v in results.items() if grading.item_of(g, ITEMS) == item}
            assert any(v.passed is False for v in mine.values()), \
                f"{mutant.name} (seed {seed}) passes every check of {item}: {mutant.doc}"


def test_a_missing_function_fails_with_a_message():
    cells = {k: "" for k in grading.reference_cells(ASSIGNMENT)}
    results = verdicts(cells, 1)
    assert all(v.passed is False for v in results.values())
    assert "is not defined" in results["gpt_params_gpt2"].message


def test_one_wrong_piece_costs_its_own_points_only():
    """A wrong mha_params loses mha_params' cells, not those of the functions that call it."""
    wrong = grading.reference_cells(ASSIGNMENT) | {
        "mha_params": "def mha_params(d_model, n_heads, bias=True):\n    return 3 * d_model * d_model"}
    results = verdicts(wrong, 1)
    assert {g for g, v in results.items() if not v.passed} == {"mha_params_weights", "mha_params_biases"}
