"""Where the course lives, and its id, read once from autograder/nbgrader_config.py."""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AUTOGRADER = ROOT / "autograder"
CONFIG = AUTOGRADER / "nbgrader_config.py"
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
MUTANTS = AUTOGRADER / "mutants"
ALTERNATIVES = AUTOGRADER / "alternatives"  # correct answers written differently: each must earn full marks
BIN = Path(sys.executable).parent  # the virtual environment's bin/: nbgrader, alembic, jupyter


def _course_id() -> str:
    """`CourseDirectory.course_id` as nbgrader_config.py sets it (the one place it is written)."""
    m = re.search(r"^c\.CourseDirectory\.course_id\s*=\s*['\"]([^'\"]+)['\"]", CONFIG.read_text(), re.M)
    if not m:
        raise RuntimeError(f"{CONFIG} does not set c.CourseDirectory.course_id")
    return m.group(1)


COURSE_ID = _course_id()


def nbgrader_env(threads: int | None = None) -> dict[str, str]:
    """The environment every nbgrader process of the course runs in."""
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"  # nbgrader calls `alembic` by name
    env["JUPYTER_PLATFORM_DIRS"] = "1"  # silences jupyter_core's migration warning
    env["TRAITLETS_APPLICATION_RAISE_CONFIG_FILE_ERROR"] = "1"  # a broken config fails, never runs unsandboxed
    env.pop("PYTHONPATH", None)
    if threads:
        for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
            env[var] = str(threads)
    return env
