"""The pre-submission check students run (python -m llmcourse.check): the grader's rule and a clean run."""
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "autograder"))

import grading  # noqa: E402
from llmcourse import check  # noqa: E402


def _write(tmp_path, nb, name="ulmfit.ipynb"):
    path = tmp_path / name
    nbformat.write(nb, path)
    return path


def test_rules_without_running(tmp_path):
    cells = grading.reference_cells("ulmfit")
    cells["gradual_unfreeze"] = "import peft\n" + cells["gradual_unfreeze"]
    nb = grading.notebook_with_cells("ulmfit", cells)
    given = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "gradual_unfreeze_public")
    given.source += "\nprint('changed')"
    problems = check.check(_write(tmp_path, nb), run=False)
    assert any("import peft" in p and "will not run this cell" in p for p in problems), problems
    assert any("changed the given cell 'gradual_unfreeze_public'" in p for p in problems), problems
    assert len(problems) == 2, problems


def test_a_notebook_that_is_not_json_says_what_to_do(tmp_path):
    path = tmp_path / "lora.ipynb"
    path.write_text('{"cells": [')
    [problem] = check.check(path)
    assert "download a fresh copy" in problem


@pytest.mark.slow
def test_run_reports_failing_cells_and_passes_the_reference(tmp_path):
    release = _write(tmp_path, nbformat.read(grading.release_path("ulmfit"), as_version=4), "release.ipynb")
    problems = check.check(release)
    assert any("NotImplementedError" in p and "slanted_triangular_lr_public" in p for p in problems), problems
    reference = _write(tmp_path, grading.notebook_with_cells("ulmfit", grading.reference_cells("ulmfit")))
    done = subprocess.run([sys.executable, "-m", "llmcourse.check", str(reference)], capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0 and "Hand it in" in done.stdout, done.stdout + done.stderr
