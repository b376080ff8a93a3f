"""No mutant escapes by the luck of a draw: a grading draws a secret seed, so every mutant of every assignment must
fail a check of its item at every seed tried here (besides the fixed seeds of each test_hidden_*.py). Two escapes
were found this way and closed: lora's alpha = r (scaling 1) and adapters' k >= 2n (a wrapped slice is whole)."""
from __future__ import annotations

import pytest
import torch

import grading
from hidden_harness import Harness

SEEDS = range(100, 112)


@pytest.mark.slow
@pytest.mark.parametrize("assignment", grading.assignments())
def test_no_mutant_escapes_at_any_of_a_dozen_seeds(assignment):
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        harness, escapes = Harness(assignment), {}
        for mutant in grading.mutants(assignment):
            cells = grading.reference_cells(assignment) | mutant.cells
            for seed in SEEDS:
                results = harness.verdicts(cells, seed, set(mutant.cells))
                for item in mutant.cells:
                    mine = [v for g, v in results.items() if grading.item_of(g, harness.items) == item]
                    if not any(v.passed is False for v in mine):
                        escapes.setdefault(mutant.name, []).append(seed)
        assert not escapes, f"{assignment}: mutants that passed every check of their item, by seed: {escapes}"
    finally:
        torch.set_num_threads(threads)


@pytest.mark.slow
@pytest.mark.parametrize("assignment", grading.assignments())
def test_the_reference_and_every_alternative_pass_at_a_dozen_seeds(assignment):
    """The other side: a correct answer never loses points to an unlucky draw."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        harness, failures = Harness(assignment), {}
        entries = [("reference", {})] + [(a.name, a.cells) for a in grading.alternatives(assignment)]
        for name, patch in entries:
            for seed in SEEDS:
                failed = [g for g, v in harness.verdicts(grading.reference_cells(assignment) | patch, seed).items()
                          if not v.passed]
                if failed:
                    failures.setdefault(name, []).append((seed, failed))
        assert not failures, f"{assignment}: correct answers that lost points, by seed: {failures}"
    finally:
        torch.set_num_threads(threads)
