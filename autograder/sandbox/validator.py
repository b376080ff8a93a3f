"""The one rule checked before a student's cell runs: graded notebooks import only what the exercise allows.

Scores never rest on this check: every verdict is decided by the judge, outside the student's process, from
data (see autograder/judge/). It is a teaching aid with one job: an exercise asks you to build LoRA, a
metric or a schedule yourself, so a cell that imports a library which implements it (peft, transformers,
scikit-learn, the course library) is not run, and the student is told why. The rule itself lives in the
student kit (llmcourse/check.py, the pre-submission check), so students and the grader apply the same one.
"""
from __future__ import annotations

from llmcourse.check import ALLOWED_PACKAGES, ALLOWED_TEXT, Violation, allowed, validate  # noqa: F401


def rejection_cell(violations: list[Violation]) -> str:
    """The code the grader runs instead of a refused cell: it raises an error that says what to change."""
    text = "; ".join(str(v) for v in violations[:5]) + (" ..." if len(violations) > 5 else "")
    message = f"The grader did not run this cell: {text}. Remove that import and write the code yourself."
    return f"raise ImportError({message!r})"
