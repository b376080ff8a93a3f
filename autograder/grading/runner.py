"""The one runner: an nbgrader command with time-stamped log lines, a time limit on the whole process group,
and the log cut into each student's part."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .paths import BIN, nbgrader_env

# nbgrader's own lines, from the start of a line with its prefix: text a student controls (an exception message,
# a file name) reaches the log only inside another line, quoted by repr, never at the start of one
STUDENT_LINE = re.compile(r"^\[\w+ \| INFO\] Creating/updating student with ID '(?P<student>[^']+)'", re.M)
FAILED_LINE = re.compile(r"^\[\w+ \| ERROR\] There was an error processing assignment '[^']*' for student '([^']*)'",
                         re.M)
# nbgrader's per-student noise: SQLAlchemy's warnings, and OverwriteCells' "checksum has changed" for every
# hidden-test cell (the release strips the hidden tests, so its cell never matches the master's checksum)
CHECKSUM = re.compile(r"Attribute 'checksum' for cell (\S+) has changed!")
NOISE = (re.compile(r"SAWarning|sqlalchemy", re.I),)


@dataclass
class Run:
    """What one nbgrader process did: its log lines (arrival time, text), wall time, and how it ended."""
    lines: list[tuple[float, str]]
    start: float
    end: float
    returncode: int | None  # None: killed at the time limit

    @property
    def seconds(self) -> float:
        return self.end - self.start

    @property
    def killed(self) -> bool:
        return self.returncode is None

    @property
    def log(self) -> str:
        return "\n".join(text for _, text in self.lines)

    def per_student(self) -> dict[str, tuple[float, str]]:
        """student -> (seconds nbgrader spent on them, the last error line of their part of the log).

        A student's part starts at nbgrader's "Creating/updating student with ID 'x'" line.
        """
        marks = [(i, t, m.group("student")) for i, (t, x) in enumerate(self.lines) if (m := STUDENT_LINE.search(x))]
        out = {}
        for (i, t, s), (j, t2, _) in zip(marks, marks[1:] + [(len(self.lines), self.end, None)]):
            part = [x for _, x in self.lines[i:j]]
            exceptions = [x.strip() for x in part if re.match(r"^\s*[\w.]*(Error|Exception)\b.*:", x)]
            errors = [x.split("ERROR]", 1)[1].strip() for x in part if "ERROR]" in x
                      and "error processing assignment" not in x and "Traceback" not in x]
            out[s] = (t2 - t, (exceptions or errors or [""])[-1][:300])
        return out

    def failed(self) -> set[str]:
        """Students nbgrader itself says it could not process."""
        return set(FAILED_LINE.findall(self.log))


def run(root: Path | str, args: list[str], timeout: float, threads: int | None = None,
        on_line: Callable[[str], None] | None = None) -> Run:
    """Run `nbgrader <args>` in course root `root`; kill it and every kernel it started after `timeout` s."""
    start = time.monotonic()
    proc = subprocess.Popen([str(BIN / "nbgrader"), *args], cwd=root, env=nbgrader_env(threads),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines: list[tuple[float, str]] = []

    def reader():
        for line in proc.stdout:
            lines.append((time.monotonic(), line.rstrip("\n")))
            if on_line is not None:
                on_line(line)

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    try:
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # nbgrader and the kernels it started
        proc.wait()
        code = None
    thread.join(timeout=60)  # the rest of the log, even on a loaded machine
    return Run(lines, start, time.monotonic(), code)


def quiet(log: str, hidden_cells: set[str] = frozenset()) -> str:
    """The log without nbgrader's per-student noise; a changed checksum of any other cell (a student edited
    a read-only cell, which nbgrader restores) stays."""
    def noise(line: str) -> bool:
        m = CHECKSUM.search(line)
        return bool(m and m.group(1) in hidden_cells) or any(p.search(line) for p in NOISE)
    return "\n".join(x for x in log.splitlines() if not noise(x))
