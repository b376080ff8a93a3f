"""The adapters checks, without nbgrader: each runs its probes on code executed in this process.

The reference and every alternative must pass every check; every mutant must fail a check of the item it breaks.
The catalogue test (test_catalogue.py) proves the same through the real nbgrader and the sandbox; this one is fast
enough for the development loop and says which check a mutant escapes.
"""
from __future__ import annotations

import nbformat
import pytest
import torch

import grading
from hidden_harness import Harness
from judge import checks

ASSIGNMENT = "adapters"
CHECKS = checks.load(ASSIGNMENT, grading.AUTOGRADER / "hidden")
ITEMS = list(grading.reference_cells(ASSIGNMENT))
SEEDS = (1, 2)


@pytest.fixture(autouse=True)
def one_thread():
    """torch on one thread: on a shared 2-core machine its thread pools otherwise fight (ten times slower)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


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
    probes = [value for name, value in module.items() if name.startswith("probe_")]
    assert len(probes) >= 8
    for probe in probes:
        assert checks.probe_globals(probe) == set(), probe.__name__
        assert not checks.probe_asserts(probe), probe.__name__


@pytest.mark.parametrize("seed", [SEEDS[0], *(pytest.param(s, marks=pytest.mark.slow) for s in SEEDS[1:])])
def test_reference_passes_every_check(seed):
    failed = {g: v.message for g, v in verdicts(grading.reference_cells(ASSIGNMENT), seed).items() if not v.passed}
    assert not failed


@pytest.mark.slow  # a second or so an entry on a quiet machine; the fast tier keeps the reference and the structure
@pytest.mark.parametrize("alternative", grading.alternatives(ASSIGNMENT), ids=lambda m: m.name)
def test_alternative_passes_every_check(alternative):
    cells = grading.reference_cells(ASSIGNMENT) | alternative.cells
    for seed in SEEDS:
        failed = {g: v.message for g, v in verdicts(cells, seed).items() if not v.passed}
        assert not failed, f"{alternative.name} (seed {seed}): {alternative.doc}"


@pytest.mark.slow
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
    assert all(v.passed is False for v in results.values()), {g: v.message for g, v in results.items()}
    assert "is not defined" in results["adapter_params_formula"].message


def test_a_wrong_adapter_costs_only_the_adapter_points():
    """AdaptedFFN is judged with the grader's own adapter: a wrong HoulsbyAdapter loses its own cells only."""
    wrong = grading.reference_cells(ASSIGNMENT) | {
        "houlsby_adapter": grading.reference_cells(ASSIGNMENT)["houlsby_adapter"].replace("F.gelu", "F.relu")}
    results = verdicts(wrong, 1)
    assert {g for g, v in results.items() if not v.passed} == {"houlsby_adapter_forward", "houlsby_adapter_gradients"}


def test_a_missing_adapter_leaves_adapted_ffn_gradable():
    cells = grading.reference_cells(ASSIGNMENT) | {"houlsby_adapter": ""}
    results = verdicts(cells, 1, {"adapted_ffn"})
    assert all(v.passed for v in results.values()), {g: v.message for g, v in results.items()}


def test_the_wrap_around_mutant_is_caught_at_the_seed_it_once_escaped():
    """Seed 123 drew only layer counts n with k >= 2n, where layers[n - k:] is the whole list again."""
    mutant = next(m for m in grading.mutants(ASSIGNMENT) if m.name == "topk_slice_n_minus_k")
    results = verdicts(grading.reference_cells(ASSIGNMENT) | mutant.cells, 123, set(mutant.cells))
    assert results["freeze_all_but_top_k_edges"].passed is False, results["freeze_all_but_top_k_edges"].message
