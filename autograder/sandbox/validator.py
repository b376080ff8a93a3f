"""The one rule checked before a student's cell runs: graded notebooks import only what the exercise allows.

Scores never rest on this check: every verdict is decided by the judge, outside the student's process, from
data (see autograder/judge/). It is a teaching aid with one job: an exercise asks you to build LoRA, a
metric or a schedule yourself, so a cell that imports a library which implements it (peft, transformers,
scikit-learn, the course library) is not run, and the student is told why. Everything else runs in the
sandbox as written; a syntax error is reported by Python itself, with the student's own line.
"""
from __future__ import annotations

import ast
import sys
from dataclasses import dataclass

# third-party packages a graded notebook may import, besides the standard library
ALLOWED_PACKAGES = frozenset({"torch", "numpy", "matplotlib"})
ALLOWED_TEXT = "the Python standard library, torch, numpy and matplotlib"


@dataclass(frozen=True)
class Violation:
    line: int
    construct: str
    why: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.construct}: {self.why}"


def allowed(module: str) -> bool:
    """Whether a graded notebook may import `module` (a dotted name)."""
    top = module.split(".")[0]
    return top in ALLOWED_PACKAGES or top in sys.stdlib_module_names or top == "__future__"


def _python(source: str) -> str:
    """The Python IPython really runs for a cell (magics become get_ipython() calls)."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
        return TransformerManager().transform_cell(source)
    except Exception:  # a cell IPython cannot transform: Python will report it when it runs
        return source


def validate(source: str) -> list[Violation]:
    """The imports of a student's cell that graded notebooks may not use; [] if none (or if it does not parse:
    the kernel then reports the syntax error in the student's terms)."""
    try:
        tree = ast.parse(_python(source))
    except (SyntaxError, ValueError):
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id == "__import__" and node.args and isinstance(node.args[0], ast.Constant)):
            modules = [str(node.args[0].value)]
        else:
            continue
        for module in modules:
            if not allowed(module):
                found.append(Violation(node.lineno, f"import {module}",
                                       f"graded notebooks may import only {ALLOWED_TEXT}: this exercise asks "
                                       f"you to write the code that {module.split('.')[0]} would give you"))
    return sorted(set(found), key=lambda v: (v.line, v.construct))


def rejection_cell(violations: list[Violation]) -> str:
    """The code the grader runs instead of a refused cell: it raises an error that says what to change."""
    text = "; ".join(str(v) for v in violations[:5]) + (" ..." if len(violations) > 5 else "")
    message = f"The grader did not run this cell: {text}. Remove that import and write the code yourself."
    return f"raise ImportError({message!r})"
