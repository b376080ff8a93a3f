"""exercises/<id>/<id>.ipynb is exactly what `nbgrader generate_assignment <id>` makes from solutions/."""
import json
import os
import subprocess

import pytest

import grading

ASSIGNMENTS = grading.assignments()


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    """Run the real command from autograder/ (real config), releases and gradebook redirected to a temp dir.

    `generate_assignment '*'` makes every assignment in one nbgrader process (one start-up, not five).
    """
    out = tmp_path_factory.mktemp("release")
    env = dict(os.environ, PATH=f"{grading.BIN}{os.pathsep}{os.environ.get('PATH', '')}", JUPYTER_PLATFORM_DIRS="1")
    done = subprocess.run(
        [str(grading.BIN / "nbgrader"), "generate_assignment", "*", "--force",
         f"--CourseDirectory.release_directory={out}", f"--CourseDirectory.db_url=sqlite:///{out}/gradebook.db"],
        cwd=grading.AUTOGRADER, env=env, capture_output=True, text=True, timeout=300)
    return out, done.stdout + done.stderr


def test_every_assignment_has_a_release():
    assert ASSIGNMENTS, "no solutions/<id>/<id>.ipynb found"
    missing = [a for a in ASSIGNMENTS if not grading.release_path(a).exists()]
    assert not missing, (f"no release for {missing}: run `nbgrader generate_assignment <id> --force` "
                         "in autograder/ and commit exercises/<id>/")


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_matches_generate_assignment(regenerated, assignment):
    out, log = regenerated
    made = out / assignment / f"{assignment}.ipynb"
    assert made.exists(), f"generate_assignment did not write {made}:\n{log[-3000:]}"
    committed = grading.release_path(assignment)
    assert committed.exists() and committed.read_bytes() == made.read_bytes(), (
        f"exercises/{assignment}/{assignment}.ipynb is out of date: run "
        f"`nbgrader generate_assignment {assignment} --force` in autograder/ and commit it")
    extra = sorted(p.name for p in committed.parent.iterdir()) != sorted(p.name for p in made.parent.iterdir())
    assert not extra, f"exercises/{assignment}/ holds files that generate_assignment does not make"


def test_nothing_else_in_exercises():
    # every master, whatever COURSE_ASSIGNMENTS restricts the other tests to
    stray = [p.name for p in grading.EXERCISES.iterdir() if p.name not in grading.all_assignments()]
    assert not stray, f"exercises/ holds {stray}, which have no master in solutions/"


def test_the_book_never_executes_a_release():
    """myst-nb runs a notebook unless its metadata says `mystnb.execution_mode: off` or a pattern of
    `execute.exclude_patterns` in _config.yml matches its path (PurePosixPath.match, as myst-nb does)."""
    from pathlib import PurePosixPath

    import yaml

    config = yaml.safe_load((grading.ROOT / "_config.yml").read_text())
    patterns = config.get("execute", {}).get("exclude_patterns", [])
    executed = []
    for a in ASSIGNMENTS:
        path = grading.release_path(a)
        if not path.exists():
            continue
        off = json.loads(path.read_text()).get("metadata", {}).get("mystnb", {}).get("execution_mode") == "off"
        if not off and not any(PurePosixPath(path.as_posix()).match(p) for p in patterns):
            executed.append(str(path.relative_to(grading.ROOT)))
    assert not executed, (f"the book build would execute {executed} (and fail on NotImplementedError): "
                          f"no pattern of {patterns} matches them; use 'exercises/*/*.ipynb'")
