"""The objectives checks, without nbgrader: each runs its probes, through the wire, on code executed here.

The reference and every alternative must pass every check for several seeds; every mutant must fail a check of
the item it breaks, for every seed. The catalogue test (test_catalogue.py) proves the same through the real
nbgrader and the sandbox; this one is fast enough for the development loop and says which check a mutant escapes.
"""
from __future__ import annotations

import math
import random

import nbformat
import pytest
import torch

import grading
from hidden_harness import Harness
from judge import checks

ASSIGNMENT = "objectives"
CHECKS = checks.load(ASSIGNMENT, grading.AUTOGRADER / "hidden")
ITEMS = list(grading.reference_cells(ASSIGNMENT))
SEEDS = (1, 2, 3)


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
    for cell in nb.cells:  # each graded cell shows its points, and nothing else runs there
        md = cell.metadata.get("nbgrader", {})
        if md.get("grade") and not md.get("solution"):  # the written answers are graded by hand
            assert cell.source.startswith(f"# Graded ({md['points']:g} point"), md["grade_id"]
            assert all(line.startswith("#") for line in cell.source.splitlines()), md["grade_id"]


def test_probes_are_self_contained_and_judge_nothing():
    module = next(iter(CHECKS.values())).__globals__
    probes = [probe for name, probe in module.items() if name.startswith("probe_")]
    assert len(probes) >= 5
    for probe in probes:
        assert checks.probe_globals(probe) == set(), probe.__name__
        assert not checks.probe_asserts(probe), probe.__name__


def test_the_student_side_imports_no_oracle():
    nb = nbformat.read(grading.source_path(ASSIGNMENT), as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for oracle in ("sklearn", "transformers", "peft", "llmcourse"):
        assert oracle not in code, oracle


@pytest.mark.parametrize("seed", [SEEDS[0], *(pytest.param(s, marks=pytest.mark.slow) for s in SEEDS[1:])])
def test_reference_passes_every_check(seed):
    failed = {g: v.message for g, v in verdicts(grading.reference_cells(ASSIGNMENT), seed).items() if not v.passed}
    assert not failed


@pytest.mark.slow  # about 3 s an entry on a quiet machine; the fast tier keeps the reference and the structure
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
        results = verdicts(cells, seed, items=set(mutant.cells))
        not_judged = {g: v.message for g, v in results.items() if v.passed is None}
        assert not not_judged, f"{mutant.name}: the checks could not judge {not_judged}"
        for item in mutant.cells:
            mine = {g: v for g, v in results.items() if grading.item_of(g, ITEMS) == item}
            assert any(v.passed is False for v in mine.values()), \
                f"{mutant.name} (seed {seed}) passes every check of {item}: {mutant.doc}"


def test_a_missing_function_fails_with_a_message():
    results = verdicts({k: "" for k in ITEMS}, 1)
    assert all(v.passed is False for v in results.values()), {g: v.message for g, v in results.items()}
    assert "mlm_mask' is not defined" in results["mlm_mask_rules"].message


def test_one_wrong_function_costs_its_own_points_only():
    """A broken clm_loss loses clm_loss's cells, never the metrics' or mlm_mask's."""
    wrong = grading.reference_cells(ASSIGNMENT) | {"clm_loss": "def clm_loss(logits, input_ids, ignore_index=-100):\n"
                                                               "    raise RuntimeError('not yet')"}
    results = verdicts(wrong, 1)
    assert {g for g, v in results.items() if not v.passed} == {g for g in CHECKS if g.startswith("clm_loss_")}
    assert "RuntimeError: not yet" in results["clm_loss_shift"].message


def test_the_rate_tolerance_is_five_binomial_standard_deviations():
    """A fair coin: 5 sigma passes, 5.1 sigma fails; a correct mlm_mask fails a rate test once in a million."""
    module = next(iter(CHECKS.values())).__globals__
    within = module["within_binomial"]
    n, q = 10_000, 0.3
    sigma = math.sqrt(q * (1 - q) / n)
    assert within(round(n * (q + 4.99 * sigma)), n, q)
    assert not within(round(n * (q + 5.1 * sigma)), n, q)
    assert not within(0, 0, q), "no trials: nothing to judge, not a pass"


def test_float32_metrics_are_within_the_tolerance():
    """The float32 rate `(t == p).float().mean().item()` is within the metric tolerance of scikit-learn's."""
    module = next(iter(CHECKS.values())).__globals__
    rng = random.Random(0)
    worst = 0.0
    for y_true, y_pred, _ in module["label_cases"](rng, 200):
        t, p = torch.tensor(y_true), torch.tensor(y_pred)
        worst = max(worst, abs((t == p).float().mean().item() - module["expected_metric"]("accuracy", y_true, y_pred)))
    assert 0 < worst < module["METRIC_ATOL"] / 10
