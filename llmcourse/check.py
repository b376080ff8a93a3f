"""Check a graded notebook before you hand it in: the grader's rules, then a clean run of the whole notebook.

    python -m llmcourse.check lora.ipynb

It applies the rule the grader applies before running anything (a graded notebook imports only the standard
library, torch, numpy and matplotlib), tells you about given cells you changed (the grader puts the original
back), then restarts a kernel and runs every cell from top to bottom, as the grader will, with the grader's
time limit per cell. It prints what to fix: refused imports, cells that raise, public tests that fail. It
cannot tell you your score: the graded cells are tested with the grader's own inputs when you hand in.
"""
from __future__ import annotations

import argparse
import ast
import sys
from dataclasses import dataclass
from pathlib import Path

# third-party packages a graded notebook may import, besides the standard library
ALLOWED_PACKAGES = frozenset({"torch", "numpy", "matplotlib"})
ALLOWED_TEXT = "the Python standard library, torch, numpy and matplotlib"
CELL_SECONDS = 30  # the grader's limit per cell


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
    except Exception:  # a cell IPython cannot transform: Python reports it when it runs
        return source


def validate(source: str) -> list[Violation]:
    """The imports of a cell that graded notebooks may not use; [] if none, or if it does not parse (Python
    then reports the syntax error, with your own line, when the cell runs)."""
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


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def changed_given_cells(nb) -> list[str]:
    """Given (read-only) cells whose text no longer matches the checksum nbgrader stored in them."""
    try:
        from nbgrader.utils import compute_checksum
    except ImportError:  # nbgrader is not installed: nothing to compare with
        return []
    changed = []
    for cell in nb.cells:
        md = _meta(cell)
        if md.get("locked") and md.get("checksum") and compute_checksum(cell) != md["checksum"]:
            changed.append(md.get("grade_id", "?"))
    return changed


def check(path: Path, run: bool = True) -> list[str]:
    """Everything to fix before handing in `path`, in the student's terms ([] when it is ready)."""
    import nbformat

    problems = []
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as error:  # not a notebook at all: nothing else can be checked
        return [f"{path.name} is not a readable notebook ({type(error).__name__}: {error}); download a fresh copy "
                "and copy your code into it"]
    for grade_id in changed_given_cells(nb):
        problems.append(f"you changed the given cell '{grade_id}': the grader puts the original back, so your "
                        "change will not count (undo it, or move your code to a cell of your own)")
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or _meta(cell).get("locked"):
            continue
        for v in validate(cell.source):
            problems.append(f"cell {index + 1} ({_meta(cell).get('grade_id', 'your own cell')}), {v}: the grader "
                            "will not run this cell")
    if run:
        problems += _run(nb, path.parent)
    return problems


def _run(nb, folder: Path) -> list[str]:
    """Run every cell in a fresh kernel, as the grader does; the cells that raise or time out."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    problems = []
    client = NotebookClient(nb, timeout=CELL_SECONDS, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(folder)}})
    try:
        client.execute()
    except CellTimeoutError:
        problems.append(f"a cell ran longer than {CELL_SECONDS} s: the grader stops it there")
    except DeadKernelError:
        problems.append("the kernel died (os._exit, or out of memory): the cells after it would earn nothing")
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                what = _meta(cell).get("grade_id", "your own cell")
                kind = "public tests" if what.endswith("_public") else "cell"
                problems.append(f"{kind} {index + 1} ({what}) raised {out.get('ename')}: "
                                f"{str(out.get('evalue'))[:300]}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path, help="the notebook you will hand in, e.g. lora.ipynb")
    parser.add_argument("--no-run", action="store_true", help="check the rules only, without running the cells")
    args = parser.parse_args(argv)
    if not args.notebook.is_file():
        parser.error(f"{args.notebook} does not exist")
    problems = check(args.notebook, run=not args.no_run)
    for p in problems:
        print("-", p)
    if problems:
        print(f"{len(problems)} thing(s) to fix before you hand in {args.notebook.name}.")
        return 1
    print(f"{args.notebook.name}: the rules are met and every cell ran without an error, the public tests "
          "included. Hand it in; the graded cells are tested when it is graded.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
