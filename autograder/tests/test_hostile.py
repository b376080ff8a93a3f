"""Hostile submissions graded with the real `nbgrader autograde` and the course's secure configuration.

The catalogue is autograder/hostile/<assignment>/<name>.py, in the mutants' format, its docstring giving
`Expected:` (the score of its honest content), `Base:` (release or reference: what the cells it does not
name hold), `Log:` (a regex the grader's log must match for it) and optionally `Unvalidated:` (it is also
graded with the static validator switched off, to show that the sandbox and the runtime guard hold alone).
Two temporary courses are graded in parallel, each with two honest students (the reference and a wrong
mutant) beside the hostile ones; the honest students' scores and files must not move.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

AUTOGRADER = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(AUTOGRADER))

import grading as g  # noqa: E402
from sandbox.launch import UID_BASE  # noqa: E402
from sandbox.validator import TrustedNames, validate  # noqa: E402

HOSTILE = AUTOGRADER / "hostile"
ASSIGNMENT = "param_counts"
HONEST_MUTANT = "mha_bias_ignored"
CELL_TIMEOUT = 12  # seconds per cell in these runs (the course's own limit is 30; a test cell needs <= 5 s)
LOG = Path(tempfile.gettempdir()) / "llm-grader-hostile.log"  # the last run's nbgrader logs, for debugging


def time_bound(notebooks: int, honest_seconds: float = 20.0) -> float:
    """Grading a class may take at most twice an honest notebook's time per notebook, plus two cell
    timeouts for the loops, plus a minute. Relative to the honest notebooks graded in the same run, so
    that a loaded machine does not fail it and a stalled grader does."""
    return notebooks * 2 * honest_seconds + 2 * CELL_TIMEOUT + 60


@dataclass
class Hostile:
    mutant: g.Mutant
    expected: float
    base: str
    log: str
    unvalidated: float | None

    @property
    def student(self) -> str:
        return "hostile-" + self.mutant.name.replace("_", "-")


def _field(doc: str, name: str, path: Path, required: bool = True) -> str | None:
    m = re.search(rf"^{name}: *(.+)$", doc, re.M)
    if m is None and required:
        raise ValueError(f"{path}: the docstring needs a line '{name}: ...'")
    return m.group(1).strip() if m else None


def load_hostile(path: Path) -> Hostile:
    mutant = g.load_mutant(path)
    doc = mutant.doc
    base = _field(doc, "Base", path)
    if base not in ("release", "reference"):
        raise ValueError(f"{path}: Base must be 'release' or 'reference', not {base!r}")
    unvalidated = _field(doc, "Unvalidated", path, required=False)
    return Hostile(mutant, float(_field(doc, "Expected", path)), base, _field(doc, "Log", path),
                   None if unvalidated is None else float(unvalidated))


def catalogue(assignment: str = ASSIGNMENT) -> list[Hostile]:
    return [load_hostile(p) for p in sorted((HOSTILE / assignment).glob("*.py"))]


def hostile_submission(h: Hostile) -> g.Submission:
    cells = dict(g.reference_cells(h.mutant.assignment)) if h.base == "reference" else {}
    nb = g.notebook_with_cells(h.mutant.assignment, cells | h.mutant.cells)
    return g.Submission(h.student, {f"{h.mutant.assignment}.ipynb": g._notebook_bytes(nb)})


def honest_submissions() -> list[g.Submission]:
    mutant = next(m for m in g.mutants(ASSIGNMENT) if m.name == HONEST_MUTANT)
    return [g.reference_submission(ASSIGNMENT), g.mutant_submission(mutant, "honest-mutant")]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tree_hashes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): _sha(p) for p in sorted(root.rglob("*")) if p.is_file()}


def grade_course(subs: list[g.Submission]) -> dict:
    """One temporary course: honest + hostile students, one `nbgrader autograde` with secure_config.py.
    Students named unvalidated-* skip the static validator, to prove the sandbox and the guard alone."""
    course = g.Course(threads=1)
    try:
        with open(course.root / "nbgrader_config.py", "a") as f:
            f.write(f"load_subconfig('secure_config.py', path={str(AUTOGRADER)!r})\n"
                    f"c.SecureExecute.timeout = {CELL_TIMEOUT}\n"
                    "c.SecureExecute.skip_validation_for = ['unvalidated-*']\n")
        course.generate(ASSIGNMENT)
        honest = [s.student for s in subs if not s.student.startswith(("hostile-", "unvalidated-"))]
        course.submit(ASSIGNMENT, subs)
        solutions_before = _tree_hashes(course.root / "source")
        honest_before = {s: _tree_hashes(course.root / "submitted" / s) for s in honest}
        run = course.autograde(ASSIGNMENT, [s.student for s in subs], timeout=2 * time_bound(len(subs)))
        autograded = {}
        for s in subs:
            path = course.root / "autograded" / s.student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
            autograded[s.student] = nbformat.read(path, as_version=4) if path.exists() else None
        return {
            "run": run,
            "honest_before": honest_before,
            "honest_after": {s: _tree_hashes(course.root / "submitted" / s) for s in honest},
            "solutions_before": solutions_before,
            "solutions_after": _tree_hashes(course.root / "source"),
            "autograded": autograded,
            "gradebook_manual": _manual_scores(course),
        }
    finally:
        course.close()


def _manual_scores(course: g.Course) -> list:
    import sqlite3

    with sqlite3.connect(course.root / "gradebook.db") as db:
        return db.execute("SELECT manual_score FROM grade WHERE manual_score IS NOT NULL").fetchall()


@pytest.fixture(scope="module")
def graded():
    """Both courses in parallel, the catalogue dealt between them so that they take about as long."""
    hostiles = catalogue()
    jobs = [hostile_submission(h) for h in hostiles]
    for h in hostiles:
        if h.unvalidated is not None:
            sub = hostile_submission(h)
            jobs.append(g.Submission(h.student.replace("hostile-", "unvalidated-", 1), sub.files))
    courses = [honest_submissions() + jobs[0::2], honest_submissions() + jobs[1::2]]
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(grade_course, courses))
    seconds = time.monotonic() - start
    runs = {}
    for r in results:
        runs.update(r["run"].results)
    log = "\n".join(r["run"].log for r in results)
    LOG.write_text(log)
    honest = sorted(r["run"][s].seconds or 0.0 for r in results for s in ("reference", "honest-mutant"))
    return {"courses": results, "results": runs, "log": log, "hostiles": hostiles, "seconds": seconds,
            "bound": time_bound(max(len(c) for c in courses), honest[len(honest) // 2])}


def _kernel_processes(wait: float = 15.0) -> list[str]:
    """Processes still running as a sandbox uid (UID_BASE + launcher pid), after up to `wait` seconds
    for the kernel's pid namespace to be torn down."""
    deadline = time.monotonic() + wait
    while True:
        out = subprocess.run(["ps", "-eo", "uid=,pid=,args="], capture_output=True, text=True).stdout
        left = [line for line in out.splitlines() if line.split() and int(line.split()[0]) >= UID_BASE]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.5)


# ------------------------------------------------------------------------------------------ the catalogue

def test_catalogue_covers_every_threat():
    names = {h.mutant.name for h in catalogue()}
    required = {"input_transformer", "ast_transformer", "custom_exception_handler", "excepthook",
                "event_callback", "redefine_builtins", "patch_testing_helpers", "always_equal", "fake_output",
                "final_expression", "sys_exit", "os_exit", "keyboard_interrupt", "infinite_loop", "fork_loop",
                "memory_exhaustion", "disk_filling", "background_process", "kill_kernel", "read_hidden_tests",
                "read_solutions", "write_outside", "network"}
    assert required <= names, f"missing hostile submissions: {sorted(required - names)}"


def _expectations(graded):
    """(student, expected score, log regex) for every hostile submission graded."""
    for h in graded["hostiles"]:
        yield h.student, h.expected, h.log
        if h.unvalidated is not None:
            yield h.student.replace("hostile-", "unvalidated-", 1), h.unvalidated, h.log


def test_each_hostile_earns_its_honest_score(graded):
    wrong = []
    for student, expected, _ in _expectations(graded):
        res = graded["results"][student]
        if res.error or res.score != expected:
            wrong.append(f"{student}: {res.score} (expected {expected}) {res.error or ''} {res.cells}")
    assert not wrong, "\n".join(wrong) + f"\n(nbgrader's log: {LOG})"


def test_honest_students_unchanged(graded):
    first, second = (c["run"] for c in graded["courses"])
    for course in graded["courses"]:
        run = course["run"]
        reference, mutant = run["reference"], run["honest-mutant"]
        assert reference.error is None and reference.score == reference.max_score, reference
        assert mutant.error is None and 0 < mutant.score < mutant.max_score, mutant
        assert course["honest_after"] == course["honest_before"], "an honest student's submitted files changed"
        assert course["solutions_after"] == course["solutions_before"], "the course's source folder changed"
        assert course["gradebook_manual"] == [], f"manual scores in the gradebook: {course['gradebook_manual']}"
    for student in ("reference", "honest-mutant"):
        assert first[student].cells == second[student].cells, f"{student}: per-cell scores differ between courses"


def test_every_notebook_ran_in_the_sandbox(graded):
    students = [s for c in graded["courses"] for s in c["autograded"]]
    summaries = [line for line in graded["log"].splitlines() if "SecureExecute: student" in line and "tests passed" in line]
    for student in students:
        assert any(f"student {student}:" in line and "kernel llm-grader:" in line for line in summaries), \
            f"{student} was not graded by SecureExecute in the llm-grader sandbox (see {LOG})"


def test_log_names_what_happened(graded):
    missing = []
    lines = graded["log"].splitlines()
    for student, _, pattern in _expectations(graded):
        mine = [line for line in lines if f"student {student}" in line]
        if not any(re.search(pattern, line) for line in mine):
            missing.append(f"{student}: no log line about it matches {pattern!r}")
    assert not missing, "\n".join(missing) + f"\n(nbgrader's log: {LOG})"


def test_no_secret_reaches_a_hostile_students_notebook(graded):
    """The graded notebook (copied into the feedback) holds no hidden test or solution in the student's outputs."""
    source = nbformat.read(g.source_path(ASSIGNMENT), as_version=4)
    secrets = set()
    for cell in source.cells:
        lines = cell.source.splitlines()
        for markers in (g.HIDDEN_MARKERS, g.SOLUTION_MARKERS):
            if markers[0] in lines:
                inside = lines[lines.index(markers[0]) + 1: lines.index(markers[1])]
                secrets |= {line.strip() for line in inside if len(line.strip()) > 25}
    assert secrets
    for course in graded["courses"]:
        for student, nb in course["autograded"].items():
            if nb is None or not student.startswith(("hostile-", "unvalidated-")):
                continue
            for cell in nb.cells:
                if cell.metadata.get("nbgrader", {}).get("grade"):
                    continue  # the test cells themselves (nbgrader's own feedback policy)
                text = json.dumps(cell.get("outputs", []))
                leaked = [s for s in secrets if s in text or json.dumps(s)[1:-1] in text]
                assert not leaked, f"{student}: the outputs show {leaked[:2]}"


def test_grading_time_bound_and_nothing_left_running(graded):
    assert graded["seconds"] < graded["bound"], f"grading took {graded['seconds']:.0f} s (bound {graded['bound']} s)"
    for course in graded["courses"]:
        assert course["run"].returncode == 0, course["run"].log[-3000:]
    assert not _kernel_processes(), f"sandbox processes outlived grading: {_kernel_processes()}"


# ------------------------------------------------------------------------------------------ the parts

def test_references_pass_the_validator():
    for assignment in g.assignments():
        nb = nbformat.read(g.source_path(assignment), as_version=4)
        md = [c.metadata.get("nbgrader", {}) for c in nb.cells]
        trusted = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                   and (md[i].get("locked") or md[i].get("grade")) and not md[i].get("solution")]
        names = TrustedNames.from_sources([nb.cells[i].source for i in trusted])
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "code" and i not in trusted:
                assert validate(cell.source, names) == [], (assignment, md[i].get("grade_id"), cell.source)


def test_names_local_to_a_test_helper_stay_free_for_students():
    """A hidden test's helper `def forward(self, x)` reads its own parameter, not the notebook's `x`: a student's
    scratch `x = ...` is fine. A helper that reads a notebook name defined by an earlier test cell protects it."""
    names = TrustedNames.from_sources([
        "import torch\nx = torch.ones(2)\nn = 3\nref = 4",
        "class _Host(torch.nn.Module):\n    def forward(self, x):\n        return x * 2\n"
        "def _net(d, n):\n    return [i * n for i in range(d)]\ndef _check():\n    return ref + 1",
    ])
    assert "x" not in names.names and "n" not in names.names and "ref" in names.names
    assert validate("x = torch.randn(3)\nn = 5", names) == []
    assert validate("ref = 0", names) != []


def test_missing_bubblewrap_is_a_clear_error(tmp_path):
    (tmp_path / "kernel.json").write_text(json.dumps({"transport": "ipc"}))
    done = subprocess.run([sys.executable, str(AUTOGRADER / "sandbox" / "launch.py"), "-f",
                           str(tmp_path / "kernel.json")], capture_output=True, text=True,
                          env={"PATH": str(tmp_path)}, cwd=tmp_path)
    assert done.returncode == 1
    assert "apt-get install -y bubblewrap" in done.stderr, done.stderr


def test_sandbox_kernel_limits(tmp_path):
    """Raw attacks in the sandbox kernel, no validator: no network, no course files, bounded fork and memory."""
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from traitlets.config import Config

    course = tmp_path / "course"
    folder = course / "autograded" / "student" / "a"
    folder.mkdir(parents=True)
    (folder / "a.ipynb").write_text("HIDDEN TESTS")
    (course / "gradebook.db").write_text("GRADEBOOK")
    cells = {
        "net": "import socket\ntry:\n    socket.create_connection(('1.1.1.1', 53), timeout=2)\n    print('OPEN')\n"
               "except OSError as e:\n    print('blocked', e)",
        "fs": "import os\nprint(sorted(os.listdir('../../..')), os.path.exists('../../../gradebook.db'))\n"
              "try:\n    print(open('a.ipynb').read() or 'EMPTY')\nexcept OSError as e:\n    print('masked', e)\n"
              "try:\n    open('x', 'w')\nexcept OSError as e:\n    print('read-only', e)",
        "memory": "import torch\ntry:\n    x = torch.ones(2 ** 31)\n    print('ALLOCATED')\nexcept RuntimeError as e:\n"
                  "    print('memory refused')",
        "uid": "import os\nprint('uid', os.getuid(), 'pid', os.getpid())",
        "fork": "import os, time\nn = 0\ntry:\n    while n < 2000:\n        if os.fork() == 0:\n"
                "            time.sleep(60)\n            os._exit(0)\n        n += 1\nexcept OSError as e:\n"
                "    print('forks', n, type(e).__name__)",
    }
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells.values()])
    config = Config()
    config.KernelManager.transport = "ipc"
    conn = tmp_path / "conn"
    conn.mkdir()
    km = KernelManager(config=config, kernel_name="llm-grader")
    km.kernel_spec_manager.kernel_dirs = [str(AUTOGRADER / "kernels")]
    km.connection_file = str(conn / "kernel.json")
    km.ip = str(conn / "kernel-ipc")
    try:
        NotebookClient(nb, km=km, timeout=60, allow_errors=True,
                       resources={"metadata": {"path": str(folder)}}).execute()
    finally:
        if km.has_kernel:
            km.shutdown_kernel(now=True)
    out = {name: "".join(o.get("text", "") for o in cell.outputs) for name, cell in zip(cells, nb.cells)}
    assert "blocked" in out["net"] and "OPEN" not in out["net"], out["net"]
    assert "GRADEBOOK" not in out["fs"] and "HIDDEN" not in out["fs"], out["fs"]
    assert "['autograded'] False" in out["fs"] and "read-only" in out["fs"], out["fs"]
    forks = re.search(r"forks (\d+)", out["fork"])
    assert forks and int(forks.group(1)) < 300, out["fork"]
    assert "memory refused" in out["memory"], out["memory"]
    assert re.search(r"uid (\d+) pid (\d+)", out["uid"]) and int(out["uid"].split()[1]) >= UID_BASE
    assert not _kernel_processes(), f"the forked sleepers outlived the kernel: {_kernel_processes()}"


def test_the_private_tmp_does_not_hide_the_python_or_the_course(tmp_path):
    """bwrap mounts in order: the private /tmp comes first, so a checkout or venv under /tmp stays visible."""
    from sandbox.launch import bwrap_command
    connection = tmp_path / "kernel" / "kernel.json"
    connection.parent.mkdir()
    connection.write_text("{}")
    cmd = bwrap_command(connection, tmp_path, UID_BASE + 1, [])
    tmpfs = next(i for i in range(len(cmd) - 1) if cmd[i] == "--tmpfs" and cmd[i + 1] == "/tmp")
    binds = [i for i, arg in enumerate(cmd) if arg in ("--ro-bind", "--bind") and cmd[i + 1] != "/dev/null"
             and not cmd[i + 1].startswith(("/usr", "/bin", "/sbin", "/lib", "/etc"))]
    assert binds and min(binds) > tmpfs, [cmd[i + 1] for i in binds if i < tmpfs]
