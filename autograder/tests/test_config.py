"""The course's nbgrader_config.py, as the standard commands load it from autograder/."""
import subprocess

import pytest
from traitlets.config.loader import PyFileConfigLoader

import grading


def _config():
    return PyFileConfigLoader("nbgrader_config.py", path=str(grading.AUTOGRADER)).load_config()


def test_standard_commands_grade_in_the_sandbox_and_judge_outside_it():
    c = _config()
    assert c.Autograde.autograde_preprocessors[0] == "judge.execute.SecureExecute"
    assert "nbgrader.preprocessors.Execute" not in c.Autograde.autograde_preprocessors
    assert c.SecureExecute.kernel_name == "llm-grader" and c.KernelManager.transport == "ipc"
    assert c.Autograde.pre_convert_hook == "judge.files.autograde_hook"
    assert c.ExchangeFactory.collect == "grading.exchange.TrustedTimeCollect"
    assert c.ZipCollectApp.extractor_plugin == "judge.files.RegularFilesExtractor"
    assert c.OverwriteCells.add_missing_cells is True
    from nbgrader.converters import Autograde
    default = Autograde.class_traits()["sanitize_preprocessors"].default()
    default = [f"nbgrader.preprocessors.{k.__name__}" for k in default]
    assert [p.replace("judge.restore.RestoreCells", "nbgrader.preprocessors.OverwriteCells")
            for p in c.Autograde.sanitize_preprocessors] == default  # nbgrader's own list, one step replaced
    # the plug-ins named by import path really import (a typo would make nbgrader fall back or fail late)
    import judge.execute
    import judge.files
    import judge.restore
    import grading.exchange
    assert issubclass(grading.exchange.TrustedTimeCollect, judge.files.RegularFilesCollect)


def test_paths_are_the_course_layout():
    c = _config()
    assert c.CourseDirectory.source_directory == str(grading.SOLUTIONS)
    assert c.CourseDirectory.release_directory == str(grading.AUTOGRADER.parent / "exercises")
    assert c.Execute.timeout > 0 and c.LateSubmissionPlugin.penalty_method in ("none", "zero")


@pytest.mark.slow
def test_a_broken_config_stops_nbgrader(tmp_path):
    """traitlets logs a config file's error and goes on with defaults (unsandboxed); the grading tools and
    the Makefile set TRAITLETS_APPLICATION_RAISE_CONFIG_FILE_ERROR so that it stops instead."""
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\nc.Execute.timeout = \n")
    done = subprocess.run([str(grading.BIN / "nbgrader"), "autograde", "nothing"], cwd=tmp_path,
                          env=grading._env(None), capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "SyntaxError" in done.stdout + done.stderr
    assert not (tmp_path / "gradebook.db").exists()


def test_make_targets_stop_on_a_broken_config():
    makefile = (grading.ROOT / "Makefile").read_text()
    line = next(x for x in makefile.splitlines() if x.startswith("NBGRADER :="))
    assert "TRAITLETS_APPLICATION_RAISE_CONFIG_FILE_ERROR=1" in line


@pytest.mark.slow
def test_make_release_regenerates_every_exercise(tmp_path):
    """`make release`, as an instructor types it, in a copy of the course: every release comes back as committed."""
    root = grading.ROOT
    for name in ("Makefile", "requirements.txt", "constraints.txt", "pyproject.toml", "solutions", "autograder",
                 "exercises"):
        subprocess.run(["cp", "-a", str(root / name), str(tmp_path / name)], check=True)
    (tmp_path / ".venv").symlink_to(root / ".venv")
    # -o: never reinstall from the copy (an editable install would then point into this temporary folder)
    done = subprocess.run(["make", "-o", ".venv/.installed", "release"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    for a in grading.all_assignments():
        assert f"released {a} -> exercises/{a}/" in done.stdout
        made = tmp_path / "exercises" / a / f"{a}.ipynb"
        assert made.read_bytes() == (root / "exercises" / a / f"{a}.ipynb").read_bytes(), f"{a}: make release differs"
    # a broken master stops the release, says so, and leaves every committed exercise as it was
    before = {p: p.read_bytes() for p in (tmp_path / "exercises").rglob("*.ipynb")}
    (tmp_path / "solutions" / "lora" / "lora.ipynb").write_text('{"cells": [')
    done = subprocess.run(["make", "-o", ".venv/.installed", "release"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode != 0 and "exercises/ was not changed" in done.stdout, done.stdout[-2000:]
    assert {p: p.read_bytes() for p in (tmp_path / "exercises").rglob("*.ipynb")} == before
    assert not (tmp_path / "autograder" / "release.tmp").exists()
