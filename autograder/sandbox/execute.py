"""SecureExecute: nbgrader's Execute preprocessor with the grader's defences around student code.

1. Before the kernel starts, every cell a student could have written (solution cells, cells they added,
   anything that is not an instructor cell identical to the gradebook's copy) is checked by
   validator.validate; a rejected cell runs as a `raise RuntimeError(<what was refused, which line>)`
   (the student's code stays in the graded notebook) and the log says so.
2. The kernel is the bubblewrap sandbox (kernelspec llm-grader, launch.py) talking over ipc sockets in a
   private folder made for it.
3. guard.py snapshots the interpreter before the first cell; before each test cell it restores anything a
   student cell changed, and after it a change made while the test ran gives the test zero.
4. A test cell's execute_result is dropped (no partial credit read from an output the student can shape),
   and a kernel that dies (os._exit, a CPU or memory limit) zeroes the cells that could not run instead
   of stopping grading.
"""
from __future__ import annotations

import ast
import fnmatch
import os
import secrets
import shutil
import tempfile
import time
from pathlib import Path

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from traitlets import Bool, Integer, List, Unicode

from nbgrader.preprocessors import Execute

from . import guard
from .launch import bwrap_path
from .validator import TrustedNames, rejection_cell, validate

KERNELS_DIR = str(Path(__file__).resolve().parents[1] / "kernels")
SANDBOX_KERNEL = "llm-grader"


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _is_test(cell) -> bool:
    md = _nbgrader(cell)
    return cell.cell_type == "code" and bool(md.get("grade")) and not md.get("solution")


def _error(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue,
                        traceback=[f"\x1b[0;31m{ename}\x1b[0m: {evalue}"])


class SecureExecute(Execute):
    """Execute with static validation, the sandboxed kernel and an integrity guard (see module docstring)."""

    kernel_name = Unicode(SANDBOX_KERNEL, help="Kernel that runs student code (the sandbox).").tag(config=True)
    kernels_dir = Unicode(KERNELS_DIR, help="Folder searched first for the kernelspec.").tag(config=True)
    validate_cells = Bool(True, help="Refuse student cells that fail validator.validate.").tag(config=True)
    skip_validation_for = List(Unicode(), help="fnmatch patterns of student ids whose cells are NOT validated: "
                               "only for testing the other layers (tests/test_hostile.py); keep it empty.").tag(config=True)
    runtime_guard = Bool(True, help="Check and restore the interpreter around test cells.").tag(config=True)
    guard_timeout = Integer(60, help="Seconds to wait for the guard's answer (a loaded machine is slow; "
                                     "no answer counts as tampering).").tag(config=True)
    partial_credit = Bool(False, help="Read an execute_result of a test cell as partial credit "
                                      "(nbgrader's default; off: tests pass or fail).").tag(config=True)

    # ------------------------------------------------------------------ the notebook as a whole
    def preprocess(self, nb, resources=None, km=None):
        self._dead: str | None = None
        self._guard_name: str | None = None
        self._student = (resources or {}).get("nbgrader", {}).get("student", "?")
        trusted = self._trusted_indices(nb, resources or {})
        names = TrustedNames.from_sources([nb.cells[i].source for i in sorted(trusted)])
        self._pin = tuple(sorted(names.names))
        self._imports = tuple(sorted(set(names.imports.values())))
        self._trusted = trusted
        self._summary = {"tests": 0, "passed": 0, "refused": [], "errors": [], "guard": [], "slowest": (0.0, "")}
        self._rejected: dict[int, str] = {}
        skip = any(fnmatch.fnmatchcase(self._student, p) for p in self.skip_validation_for)
        if skip:
            self.log.warning("SecureExecute: student %s: static validation skipped (skip_validation_for)", self._student)
        if self.validate_cells and not skip:
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code" or index in trusted:
                    continue
                violations = validate(cell.source, names)
                if violations:
                    self._rejected[index] = rejection_cell(violations)
                    where = _nbgrader(cell).get("grade_id") or f"cell {index}"
                    self._summary["refused"].append(where)
                    self.log.warning("SecureExecute: student %s, %s refused: %s", self._student, where,
                                     "; ".join(str(v) for v in violations))
        if self.kernel_name == SANDBOX_KERNEL:
            bwrap_path()  # no bubblewrap: SandboxError says how to install it; never run unconfined
        else:
            self.log.warning("SecureExecute: kernel %r is not the sandbox %r: student code runs unconfined",
                             self.kernel_name, SANDBOX_KERNEL)
        self._connection_dir = tempfile.mkdtemp(prefix="llm-grader-kernel-")
        try:
            return super().preprocess(nb, resources, km)
        finally:
            shutil.rmtree(self._connection_dir, ignore_errors=True)
            s = self._summary
            self.log.info("SecureExecute: student %s: tests passed %d/%d; refused cells: %s; errors in student "
                          "cells: %s; guard: %s; kernel %s: %s; slowest test cell: %s %.2f s", self._student,
                          s["passed"], s["tests"], ", ".join(s["refused"]) or "none", "; ".join(s["errors"]) or "none",
                          ", ".join(s["guard"]) or "nothing changed", self.kernel_name,
                          self._dead or "ran to the end", s["slowest"][1] or "-", s["slowest"][0])

    def _trusted_indices(self, nb, resources: dict) -> set[int]:
        """Instructor cells: locked or test cells whose source is the gradebook's copy of that cell."""
        info = resources.get("nbgrader", {})
        trusted = set()
        if not {"db_url", "notebook", "assignment"} <= set(info):
            self.log.warning("SecureExecute: no gradebook information; trusting the cells' own metadata")
            return {i for i, c in enumerate(nb.cells)
                    if c.cell_type == "code" and (_is_test(c) or (_nbgrader(c).get("locked") and not _nbgrader(c).get("solution")))}
        from nbgrader.api import Gradebook, MissingEntry

        with Gradebook(info["db_url"]) as gb:
            for index, cell in enumerate(nb.cells):
                md = _nbgrader(cell)
                if cell.cell_type != "code" or md.get("solution") or not md.get("grade_id"):
                    continue
                try:
                    source = gb.find_source_cell(md["grade_id"], info["notebook"], info["assignment"])
                except MissingEntry:
                    continue
                if (source.locked or md.get("grade")) and source.source == cell.source:
                    trusted.add(index)
        return trusted

    # ------------------------------------------------------------------ the sandboxed kernel
    def create_kernel_manager(self):
        km = super().create_kernel_manager()
        if self.kernel_name == SANDBOX_KERNEL:
            ksm = km.kernel_spec_manager
            ksm.kernel_dirs = [self.kernels_dir] + [d for d in ksm.kernel_dirs if d != self.kernels_dir]
            km.transport = "ipc"
            km.connection_file = os.path.join(self._connection_dir, "kernel.json")
            km.ip = os.path.join(self._connection_dir, "kernel-ipc")
        return km

    # ------------------------------------------------------------------ one cell
    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        if self._dead:
            cell.outputs = [_error("KernelDied", f"not run: {self._dead}")]
            self._summary["tests"] += _is_test(cell)
            return cell, resources
        if self.runtime_guard and self._guard_name is None:
            self._install_guard()
        test = _is_test(cell) and index in self._trusted
        if index in self._trusted and self._guard_name:
            changed = self._check()
            if changed:
                self._summary["guard"] += changed
                self.log.warning("SecureExecute: student %s, before %s: restored %s", self._student,
                                 _nbgrader(cell).get("grade_id"), ", ".join(changed))
        original = cell.source
        if index in self._rejected:
            cell.source = self._rejected[index]
        started = time.monotonic()
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            where = _nbgrader(cell).get("grade_id") or f"cell {index}"
            self._dead = (f"the kernel died while running {where} (it exited, was killed, or hit a CPU or "
                          "memory limit)")
            self.log.warning("SecureExecute: student %s: %s; the remaining cells earn nothing",
                             self._student, self._dead)
            cell.outputs.append(_error("KernelDied", self._dead))
            return cell, self.resources
        except CellTimeoutError as error:  # no reply, or outputs that never arrived: an error, not a crash
            cell.outputs.append(_error("CellTimeoutError", str(error).splitlines()[0]))
        finally:
            cell.source = original
            if test:
                took = time.monotonic() - started
                self._summary["slowest"] = max(self._summary["slowest"], (took, _nbgrader(cell).get("grade_id", "")))
        if index in self._trusted and self._guard_name and not self._dead:
            changed = self._check(after_trusted=True)
            if changed and test:
                self._summary["guard"] += changed
                self.log.warning("SecureExecute: student %s, %s zeroed: changed while it ran: %s",
                                 self._student, _nbgrader(cell).get("grade_id"), ", ".join(changed))
                cell.outputs.append(_error("GraderIntegrityError", "student code changed the grader's "
                                           "environment while this test ran: " + ", ".join(changed)))
        where = _nbgrader(cell).get("grade_id") or f"cell {index}"
        errors = [o for o in cell.outputs if o.get("output_type") == "error"]
        if index not in self._trusted and errors:
            text = f"{where} raised {errors[0].get('ename')}: {str(errors[0].get('evalue'))[:160]}"
            self._summary["errors"].append(text)
            self.log.warning("SecureExecute: student %s, %s", self._student, text)
        if test:
            self._summary["tests"] += 1
            stderr = any(o.get("output_type") == "stream" and o.get("name") == "stderr" for o in cell.outputs)
            self._summary["passed"] += not errors and not stderr
        if _is_test(cell) and not self.partial_credit:
            results = [o for o in cell.outputs if o.get("output_type") == "execute_result"]
            if results:
                self.log.warning("SecureExecute: student %s, %s: execute_result dropped (not partial credit)",
                                 self._student, _nbgrader(cell).get("grade_id"))
                cell.outputs = [o for o in cell.outputs if o.get("output_type") != "execute_result"]
        return cell, resources

    # ------------------------------------------------------------------ the guard
    def _kernel_run(self, code: str, expression: str | None = None):
        """Run code silently (no output, no history); return the expression's value or None."""
        msg_id = self.kc.execute(code, silent=True, store_history=False, allow_stdin=False,
                                 user_expressions={"r": expression} if expression else None)
        saved, self.timeout = self.timeout, max(self.timeout or 0, self.guard_timeout)
        try:
            reply = self.wait_for_reply(msg_id)
        finally:
            self.timeout = saved
        if not reply or reply["content"].get("status") != "ok":
            return None
        if expression is None:
            return True
        value = reply["content"].get("user_expressions", {}).get("r", {})
        if value.get("status") != "ok":
            return None
        try:
            return ast.literal_eval(value["data"]["text/plain"])
        except (KeyError, ValueError, SyntaxError):
            return None

    def _install_guard(self) -> None:
        name = "_llm_grader_guard_" + secrets.token_hex(8)
        try:
            ok = self._kernel_run(guard.install_code(name), expression=guard.install_expression(name, self._imports))
            ok = ok and self._kernel_run(f"del {name}_setup", expression=f"callable({name})")
        except Exception:
            ok = None
        if ok:
            self._guard_name = name
        else:
            self._guard_name = ""
            self.log.warning("SecureExecute: student %s: the integrity guard could not be installed", self._student)

    def _check(self, after_trusted: bool = False) -> list[str]:
        try:
            found = self._kernel_run("", expression=guard.check_expression(
                self._guard_name, after_trusted, self._pin if after_trusted else ()))
        except Exception:  # a dead or unresponsive kernel: the next cell reports it
            found = None
        if found is None:
            return ["the grader's integrity check did not answer (the kernel's state was tampered with)"]
        return list(found)
