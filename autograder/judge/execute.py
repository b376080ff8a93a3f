"""SecureExecute: nbgrader's Execute preprocessor, with student code in the sandbox and verdicts decided here.

1. Each cell a student could have written is checked by sandbox.validator (one rule: graded notebooks import
   only the standard library, torch, numpy and matplotlib); a refused cell runs as an ImportError that says why.
2. Every cell that is not a graded cell runs in the bubblewrap kernel (kernelspec llm-grader, ipc sockets in a
   private folder that becomes read-only once the kernel is up), its output capped in bytes as it arrives.
3. A graded cell never runs in the kernel. Its check (autograder/hidden/<assignment>.py) runs here, in the
   nbgrader process: it sends probes (public code plus inputs drawn from a per-grading secret seed) to the
   kernel, gets plain data back (judge/wire.py) and judges it. The cell's outputs are the verdict only: a line
   when it passed, an error with the check's message when it failed, "NotJudged" (earns nothing, logged for an
   instructor) when the answer could not be judged.
"""
from __future__ import annotations

import ast
import hashlib
import os
import secrets
import shutil
import tempfile
import time
from pathlib import Path

import torch
import zmq
import zmq.asyncio
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import run_sync
from nbformat.notebooknode import NotebookNode
from traitlets import Bool, Float, Integer, Unicode

from nbgrader.preprocessors import Execute

from sandbox import forkserver
from sandbox.launch import bwrap_path
from sandbox.validator import rejection_cell, validate

from . import checks
from .wire import KERNEL_RUNTIME, MAX_TEXT_BYTES

AUTOGRADER = Path(__file__).resolve().parents[1]
SANDBOX_KERNEL = "llm-grader"


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _error(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def _stream(text: str, name: str = "stdout") -> NotebookNode:
    return NotebookNode(output_type="stream", name=name, text=text)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + f"\n[... {len(text) - limit:,} more characters not kept]"


class SecureExecute(Execute):
    """Execute with the sandboxed kernel for student code and the judge for graded cells (module docstring)."""

    kernel_name = Unicode(SANDBOX_KERNEL, help="Kernel that runs student code (the sandbox).").tag(config=True)
    kernels_dir = Unicode(str(AUTOGRADER / "kernels"), help="Folder searched first for the kernelspec.").tag(config=True)
    hidden_tests = Unicode(str(AUTOGRADER / "hidden"), help="Folder of the hidden tests, <assignment>.py.").tag(config=True)
    validate_cells = Bool(True, help="Refuse student cells that import what the exercise forbids.").tag(config=True)
    probe_timeout = Float(20.0, help="Seconds one probe may run in the student's kernel.").tag(config=True)
    check_timeout = Float(60.0, help="Seconds all the probes of one graded cell may take together.").tag(config=True)
    cell_output_bytes = Integer(64 << 10, help="Characters of output kept per cell (the rest is dropped "
                                               "as it arrives).").tag(config=True)
    notebook_output_bytes = Integer(1 << 20, help="Characters of output kept per notebook.").tag(config=True)
    judge_threads = Integer(1, help="torch threads of the judge (nbgrader's process).").tag(config=True)
    setup_timeout = Integer(180, help="Seconds each set-up cell before the first student cell may run "
                            "(importing torch on a loaded grading machine can take a minute).").tag(config=True)
    fork_server = Bool(True, help="Fork each notebook's kernel from a warm server (sandbox/forkserver.py: Python, "
                       "ipykernel and torch imported once) into the sandbox bwrap builds for that notebook; False "
                       "starts a fresh interpreter in it (1.6 to 2.8 CPU-s more per notebook).").tag(config=True)
    message_bytes = Integer(2 * MAX_TEXT_BYTES + (1 << 20), help="Largest message accepted from the kernel; "
                            "a larger one disconnects it.").tag(config=True)

    # ------------------------------------------------------------------ the notebook as a whole
    def preprocess(self, nb, resources=None, km=None):
        resources = resources or {}
        info = resources.get("nbgrader", {})
        self._student = info.get("student", "?")
        self._dead: str | None = None
        self._graded = self._graded_cells(nb, info)
        self._checks = checks.load(info.get("assignment", ""), Path(self.hidden_tests))
        self._seed = secrets.randbits(62)
        torch.set_num_threads(self.judge_threads)  # the checks' tensors are small; threads only contend
        self._output = {"cell": 0, "notebook": 0, "noted": False}
        self._summary = {"tests": 0, "passed": 0, "refused": [], "errors": [], "not judged": [],
                         "slowest": (0.0, "")}
        self._clock = {"start": time.monotonic(), "kernel start": 0.0, "cells": 0.0, "checks": 0.0}
        self._refused: dict[int, str] = {}
        if self.validate_cells:
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code" or index in self._graded or _nbgrader(cell).get("locked"):
                    continue
                violations = validate(cell.source)
                if violations:
                    self._refused[index] = rejection_cell(violations)
                    where = _nbgrader(cell).get("grade_id") or f"cell {index}"
                    self._summary["refused"].append(where)
                    self.log.warning("SecureExecute: student %s, %s refused: %s", self._student, where,
                                     "; ".join(str(v) for v in violations))
        if self.kernel_name == SANDBOX_KERNEL:
            bwrap_path()  # no bubblewrap: SandboxError says how to install it; never run unconfined
            self._use_fork_server()
        else:
            self.log.warning("SecureExecute: kernel %r is not the sandbox %r: student code runs unconfined",
                             self.kernel_name, SANDBOX_KERNEL)
        first_student = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                              and not _nbgrader(c).get("locked")), len(nb.cells))
        self._setup = {id(c) for c in nb.cells[:first_student]}
        self.timeout_func = self._timeout_for
        self._connection_dir = tempfile.mkdtemp(prefix="llm-grader-kernel-")
        self._context = zmq.asyncio.Context()
        self._context.setsockopt(zmq.MAXMSGSIZE, self.message_bytes)
        try:
            return super().preprocess(nb, resources, km)
        finally:
            self._context.destroy(linger=0)
            shutil.rmtree(self._connection_dir, ignore_errors=True)
            s = self._summary
            self.log.info("SecureExecute: student %s: tests passed %d/%d; refused cells: %s; errors in student "
                          "cells: %s; not judged: %s; kernel %s: %s; slowest test cell: %s %.2f s", self._student,
                          s["passed"], s["tests"], ", ".join(s["refused"]) or "none", "; ".join(s["errors"]) or "none",
                          "; ".join(s["not judged"]) or "none", self.kernel_name, self._dead or "ran to the end",
                          s["slowest"][1] or "-", s["slowest"][0])
            c = self._clock
            self.log.info("SecureExecute: student %s: seconds: kernel start %.2f, cells %.2f, checks %.2f, "
                          "all %.2f", self._student, c["kernel start"], c["cells"], c["checks"],
                          time.monotonic() - c["start"])

    def _use_fork_server(self) -> None:
        """launch.py (started by jupyter_client with this process's environment) finds the server's socket in
        forkserver.ENV; without it, or when the server cannot start, the kernel starts cold (same sandbox)."""
        path = forkserver.start() if self.fork_server else None
        if self.fork_server and path is None:
            self.log.warning("SecureExecute: the fork server did not start; kernels start cold (slower, as safe)")
        if path:
            os.environ[forkserver.ENV] = path
        else:
            os.environ.pop(forkserver.ENV, None)

    def _timeout_for(self, cell) -> int:
        """The instructor's set-up cells (imports) get `setup_timeout`; every other cell `timeout`."""
        return max(self.timeout or 0, self.setup_timeout) if id(cell) in self._setup else self.timeout

    def _graded_cells(self, nb, info: dict) -> dict[int, str]:
        """index -> grade_id of the cells the gradebook grades automatically (after nbgrader restored them)."""
        candidates = {i: _nbgrader(c)["grade_id"] for i, c in enumerate(nb.cells)
                      if c.cell_type == "code" and _nbgrader(c).get("grade") and not _nbgrader(c).get("solution")
                      and _nbgrader(c).get("grade_id")}
        if not {"db_url", "notebook", "assignment"} <= set(info):
            return candidates  # a unit test without a gradebook
        from nbgrader.api import Gradebook, MissingEntry

        graded = {}
        with Gradebook(info["db_url"]) as gb:
            for index, grade_id in candidates.items():
                try:
                    gb.find_grade_cell(grade_id, info["notebook"], info["assignment"])
                except MissingEntry:
                    continue
                graded[index] = grade_id
        return graded

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

    async def async_start_new_kernel_client(self):
        """The client's sockets refuse any message over `message_bytes`; once the kernel answered, its socket
        folder becomes read-only to it (it cannot create files there any more)."""
        km, original = self.km, self.km.client
        km.client = lambda **kw: original(context=self._context, **kw)
        try:
            kc = await super().async_start_new_kernel_client()
        finally:
            del km.client
            self._clock["kernel start"] = time.monotonic() - self._clock["start"]
        if self.kernel_name == SANDBOX_KERNEL:
            os.chown(self._connection_dir, os.geteuid(), os.getegid())
            os.chmod(self._connection_dir, 0o755)
        return kc

    # nbclient binds its sync wrapper to its own coroutine when the class is made: bind it to this one
    start_new_kernel_client = run_sync(async_start_new_kernel_client)

    # ------------------------------------------------------------------ one cell
    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        self._output["cell"], self._output["noted"] = 0, False
        if index in self._graded:
            return self._judge_cell(cell, index), resources
        if self._dead:
            cell.outputs = [_error("KernelDied", f"not run: {self._dead}")]
            return cell, resources
        original = cell.source
        if index in self._refused:
            cell.source = self._refused[index]
        started = time.monotonic()
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._kernel_died(cell, index)
            return cell, self.resources
        except CellTimeoutError as error:  # no reply, or outputs that never arrived: an error, not a crash
            cell.outputs.append(_error("CellTimeoutError", str(error).splitlines()[0]))
        finally:
            cell.source = original
            self._clock["cells"] += time.monotonic() - started
        errors = [o for o in cell.outputs if o.get("output_type") == "error"]
        if errors and not _nbgrader(cell).get("locked"):
            where = _nbgrader(cell).get("grade_id") or f"cell {index}"
            # repr: the student's exception name and message can hold anything, a newline and a forged log line
            text = f"{where} raised {str(errors[0].get('ename'))[:80]!r}: {str(errors[0].get('evalue'))[:160]!r}"
            self._summary["errors"].append(text)
            self.log.warning("SecureExecute: student %s, %s", self._student, text)
        return cell, resources

    def _kernel_died(self, cell, index) -> None:
        where = _nbgrader(cell).get("grade_id") or f"cell {index}"
        self._dead = (f"the kernel died while running {where} (it exited, was killed, or hit a CPU or "
                      "memory limit)")
        self.log.warning("SecureExecute: student %s: %s; the remaining cells earn nothing", self._student, self._dead)
        cell.outputs.append(_error("KernelDied", self._dead))

    def output(self, outs, msg, display_id, cell_index):
        """Keep at most `cell_output_bytes` of a cell's output and `notebook_output_bytes` of a notebook's."""
        content = msg.get("content", {})
        size = sum(len(v) for v in _strings(content))
        room = min(self.cell_output_bytes - self._output["cell"], self.notebook_output_bytes - self._output["notebook"])
        if size > room:
            if not self._output["noted"]:
                outs.append(_stream(f"[output not kept: this cell wrote more than {self.cell_output_bytes:,} "
                                    "characters, or the notebook more than "
                                    f"{self.notebook_output_bytes:,}]\n", "stderr"))
                self._output["noted"] = True
            return None
        self._output["cell"] += size
        self._output["notebook"] += size
        return super().output(outs, msg, display_id, cell_index)

    # ------------------------------------------------------------------ graded cells: the judge
    def _judge_cell(self, cell, index):
        grade_id = self._graded[index]
        self._summary["tests"] += 1
        check = self._checks.get(grade_id)
        started = time.monotonic()
        if check is None:
            verdict = checks.Verdict(None, f"no hidden test is registered for {grade_id}", 0.0, 0)
        elif self._dead:
            verdict = checks.Verdict(False, f"not run: {self._dead}", 0.0, 0)
        else:
            deadline = time.monotonic() + self.check_timeout
            student = checks.Student(lambda *a: self._send(*a, deadline=deadline), timeout=self.probe_timeout)
            seed = int.from_bytes(hashlib.sha256(f"{self._seed}:{grade_id}".encode()).digest()[:8], "big")
            verdict = checks.judge(check, student, seed)
        took = time.monotonic() - started
        self._clock["checks"] += took
        self._summary["slowest"] = max(self._summary["slowest"], (took, grade_id))
        if verdict.passed:
            self._summary["passed"] += 1
            description = (check.__doc__ or grade_id).strip().splitlines()[0]
            cell.outputs = [_stream(f"passed: {description}\n")]
        elif verdict.passed is False:
            cell.outputs = [_error("CheckFailed", verdict.message)]
        else:
            self._summary["not judged"].append(f"{grade_id}: {verdict.message}")
            self.log.warning("SecureExecute: student %s, %s NOT JUDGED (earns nothing; look at it): %s",
                             self._student, grade_id, verdict.message)
            cell.outputs = [_error("NotJudged", "the grader could not judge this answer, so this cell earns no "
                                   f"points for now and your instructor will look at it: {verdict.message}")]
        cell.execution_count = None
        return cell

    def _send(self, source: str, name: str, args: str, timeout: float, deadline: float) -> str:
        """Run one probe in the student's kernel; its answer as text (checks.NotJudged when there is none)."""
        if self._dead:
            raise checks.NotJudged(self._dead)
        timeout = min(timeout, deadline - time.monotonic())
        if timeout <= 0:
            raise checks.NotJudged(f"the probes of this cell took more than {self.check_timeout:.0f} s")
        # a fresh name for every answer: if student code stops the probe from running, there is no answer
        # (never the previous probe's)
        variable = "__llm_answer_" + secrets.token_hex(8)
        code = KERNEL_RUNTIME + f"\n{variable} = __llm_probe({source!r}, {name!r}, {args!r})\n"
        msg_id = self.kc.execute(code, silent=True, store_history=False, allow_stdin=False,
                                 user_expressions={"answer": f"globals().pop({variable!r})"})
        saved, self.timeout = self.timeout, max(1, int(timeout + 0.999))
        try:
            reply = self.wait_for_reply(msg_id)
        except DeadKernelError:
            self._dead = f"the kernel died while {name} ran"
            raise checks.NotJudged(self._dead) from None
        finally:
            self.timeout = saved
        if reply is None:  # interrupted: the kernel must answer the interrupt soon, or it is given up
            self.timeout = 5
            try:
                late = self.wait_for_reply(msg_id)
            except DeadKernelError:
                late = None
            finally:
                self.timeout = saved
            if late is None:
                self._dead = f"the kernel did not stop {name} when interrupted"
            raise checks.NotJudged(f"{name} did not finish within {timeout:.0f} s (your code may loop forever "
                                   "or be very slow)")
        content = reply.get("content", {})
        if content.get("status") != "ok":
            raise checks.NotJudged(f"the kernel could not run {name}: {str(content.get('ename'))[:80]!r}")
        value = content.get("user_expressions", {}).get("answer", {})
        text = value.get("data", {}).get("text/plain") if value.get("status") == "ok" else None
        if not isinstance(text, str) or len(text) > 2 * MAX_TEXT_BYTES + 16:
            raise checks.NotJudged(f"the kernel's answer to {name} is missing or too large")
        try:
            answer = ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            raise checks.NotJudged(f"the kernel's answer to {name} is not a string") from None
        if not isinstance(answer, str):
            raise checks.NotJudged(f"the kernel's answer to {name} is not a string")
        return answer


def _strings(value, depth: int = 0):
    """Every string inside a message's content (its outputs' text, data and traceback)."""
    if isinstance(value, str):
        yield value
    elif depth < 4 and isinstance(value, dict):
        for v in value.values():
            yield from _strings(v, depth + 1)
    elif depth < 4 and isinstance(value, list):
        for v in value:
            yield from _strings(v, depth + 1)
