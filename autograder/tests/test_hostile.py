"""Hostile submissions graded with the real `nbgrader autograde` and the course's secure configuration.

The catalogue is autograder/hostile/<assignment>/<name>.py, in the mutants' format, its docstring giving
`Expected:` (the score of its honest content: the attack must gain nothing), `Base:` (release or reference:
what the cells it does not name hold), `Log:` (a regex the grader's log must match for it) and optionally
`Symlink: <name> -> <file in the course root>` (a link planted in its submission folder). A section named
`+end` is a cell the student added at the end. Two temporary courses are graded in parallel, each with two
honest students (the reference and a wrong mutant) beside the hostile ones; the honest students' scores and
files must not move, and nothing secret may reach any student's graded notebook, folder or feedback.
"""
from __future__ import annotations

import base64
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
from judge import checks  # noqa: E402
from sandbox.launch import UID_BASE  # noqa: E402

pytestmark = pytest.mark.slow

HOSTILE = AUTOGRADER / "hostile"
ASSIGNMENT = "lora"
HONEST_MUTANT = "scaling_forgotten"
CELL_TIMEOUT = 12  # seconds per cell in these runs (the course's own limit is 30; a test cell needs <= 5 s)
LOG = Path(tempfile.gettempdir()) / "llm-grader-hostile.log"  # the last run's nbgrader logs, for debugging


def time_bound(notebooks: int, honest_seconds: float = 20.0) -> float:
    """Grading a class may take at most twice an honest notebook's time per notebook, plus four cell
    timeouts for the loops, plus a minute. Relative to the honest notebooks graded in the same run, so
    that a loaded machine does not fail it and a stalled grader does."""
    return notebooks * 2 * honest_seconds + 4 * CELL_TIMEOUT + 60


@dataclass
class Hostile:
    mutant: g.Mutant
    expected: float
    base: str
    log: str
    symlink: tuple[str, str] | None

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
    link = _field(doc, "Symlink", path, required=False)
    symlink = tuple(part.strip() for part in link.split("->")) if link else None
    return Hostile(mutant, float(_field(doc, "Expected", path)), base, _field(doc, "Log", path), symlink)


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
    return {str(p.relative_to(root)): _sha(p) for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()}


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
            and not p.is_symlink()} if root.exists() else {}


def grade_course(subs: list[g.Submission], links: dict[str, tuple[str, str]]) -> dict:
    """One temporary course: honest + hostile students, one `nbgrader autograde` with secure_config.py,
    then `nbgrader generate_feedback` for everyone (what students get back)."""
    course = g.Course(threads=1)
    try:
        with open(course.root / "nbgrader_config.py", "a") as f:
            f.write(f"load_subconfig('secure_config.py', path={str(AUTOGRADER)!r})\n"
                    f"c.SecureExecute.timeout = {CELL_TIMEOUT}\n")
        course.generate(ASSIGNMENT)
        honest = [s.student for s in subs if not s.student.startswith("hostile-")]
        course.submit(ASSIGNMENT, subs)
        for student, (name, target) in links.items():
            os.symlink(course.root / target, course.root / "submitted" / student / ASSIGNMENT / name)
        solutions_before = _tree_hashes(course.root / "source")
        honest_before = {s: _tree_hashes(course.root / "submitted" / s) for s in honest}
        run = course.autograde(ASSIGNMENT, [s.student for s in subs], timeout=2 * time_bound(len(subs)))
        feedback = course.nbgrader("generate_feedback", ASSIGNMENT, "--force", timeout=600)
        autograded, returned = {}, {}
        for s in subs:
            path = course.root / "autograded" / s.student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
            autograded[s.student] = nbformat.read(path, as_version=4) if path.exists() else None
            # everything that goes back to the student: the graded folder and the feedback folder
            returned[s.student] = (_files(course.root / "autograded" / s.student)
                                   | {"feedback/" + k: v for k, v in _files(course.root / "feedback" / s.student).items()})
        return {
            "run": run,
            "feedback_log": feedback.stdout + feedback.stderr,
            "honest_before": honest_before,
            "honest_after": {s: _tree_hashes(course.root / "submitted" / s) for s in honest},
            "solutions_before": solutions_before,
            "solutions_after": _tree_hashes(course.root / "source"),
            "autograded": autograded,
            "returned": returned,
            "submitted": {s.student: s.files for s in subs},
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
    links = {h.student: h.symlink for h in hostiles if h.symlink}
    halves = [jobs[0::2], jobs[1::2]]
    courses = [honest_submissions() + half for half in halves]
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda c: grade_course(c, {s.student: links[s.student] for s in c
                                                           if s.student in links}), courses))
    seconds = time.monotonic() - start
    runs = {}
    for r in results:
        runs.update(r["run"].results)
    log = "\n".join(r["run"].log for r in results)
    LOG.write_text(log)
    honest = sorted(r["run"][s].seconds or 0.0 for r in results for s in ("reference", "honest-mutant"))
    return {"courses": results, "results": runs, "log": log, "hostiles": hostiles, "seconds": seconds,
            "bound": time_bound(max(len(c) for c in courses), honest[len(honest) // 2])}


def _in_a_live_course(pid: int) -> bool:
    """A kernel of another grading run on a shared machine: its working folder is in a course that still exists
    (this test's courses are deleted before it looks; a process left in the sandbox keeps a deleted folder, or
    chdirs within the sandbox, where no other course is visible)."""
    try:
        cwd = os.readlink(f"/proc/{pid}/cwd")
    except OSError:
        return False
    return cwd.startswith(os.path.join(tempfile.gettempdir(), "llm-grading-")) and os.path.isdir(cwd)


def _kernel_processes(wait: float = 15.0) -> list[str]:
    """Processes still running as a sandbox uid (UID_BASE + launcher pid), after up to `wait` seconds
    for the kernel's pid namespace to be torn down."""
    deadline = time.monotonic() + wait
    while True:
        out = subprocess.run(["ps", "-eo", "uid=,pid=,args="], capture_output=True, text=True).stdout
        left = [line for line in out.splitlines() if line.split() and int(line.split()[0]) >= UID_BASE
                and not _in_a_live_course(int(line.split()[1]))]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.5)


# ------------------------------------------------------------------------------------------ the catalogue

def test_catalogue_covers_every_threat():
    names = {h.mutant.name for h in catalogue()}
    required = {
        # tampering with the kernel's machinery (issue 6 and issue 10)
        "input_transformer", "line_transforms", "ast_transformer", "compiler_ast_parse", "event_callback",
        "custom_exception_handler", "excepthook", "forged_user_expressions", "session_send_filter",
        "execution_result_success", "tensor_base_patch", "patch_during_test", "guard_lookalike",
        "redefine_builtins", "builtins_module", "patch_testing_helpers", "always_equal", "always_equal_dynamic",
        "fake_output", "final_expression",
        # secrets
        "history_print", "read_hidden_tests", "read_solutions", "symlink_gradebook", "write_outside", "network",
        # resources and availability
        "sys_exit", "os_exit", "keyboard_interrupt", "infinite_loop", "fork_loop", "memory_exhaustion",
        "disk_filling", "file_flood", "output_flood", "background_process", "kill_kernel"}
    assert required <= names, f"missing hostile submissions: {sorted(required - names)}"


def _expectations(graded):
    """(student, expected score, log regex) for every hostile submission graded."""
    for h in graded["hostiles"]:
        yield h.student, h.expected, h.log


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
        assert reference.error is None and reference.score == reference.max_score - reference.pending, reference
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


def hidden_test_lines(assignment: str) -> set[str]:
    """The lines of an assignment's hidden tests that are secret: its checks and their helpers, not its probes
    (probes are sent to the kernel and are public by design: inputs, never assertions)."""
    path = AUTOGRADER / "hidden" / f"{assignment}.py"
    registered = checks.load(assignment, AUTOGRADER / "hidden")
    module_globals = next(iter(registered.values())).__globals__
    public = set()
    for value in module_globals.values():
        if callable(value) and getattr(value, "__name__", "").startswith("probe"):
            public |= {line.strip() for line in checks.probe_source(value).splitlines()}
    lines = {line.strip() for line in path.read_text().splitlines()}
    return {line for line in lines - public if len(line) >= 25 and not line.startswith(("#", "import ", "from "))}


def encodings(line: str) -> list[str]:
    raw = line.encode()
    return [line, raw.hex(), base64.b64encode(raw).decode()[:-4] or line, line[::-1], json.dumps(line)[1:-1]]


def _sources(data: bytes) -> str:
    """The code a student handed in: the sources of a notebook's cells (or the raw text of another file)."""
    try:
        return "\n".join(c.source for c in nbformat.reads(data.decode(), as_version=4).cells)
    except Exception:
        return data.decode(errors="replace")


def test_confidentiality_nothing_secret_reaches_any_student(graded):
    """Every simulated student's graded notebook, graded folder and feedback: no hidden-test line (in clear,
    hex, base64 or reversed), no solution line the student did not write, and no file that is not theirs."""
    secrets = hidden_test_lines(ASSIGNMENT)
    assert len(secrets) > 30, "the oracle found too few hidden-test lines to be meaningful"
    solutions = {line.strip() for line in g.reference_cells(ASSIGNMENT)["lora_linear"].splitlines()
                 if len(line.strip()) >= 25}
    problems = []
    for course in graded["courses"]:
        assert "Traceback" not in course["feedback_log"], course["feedback_log"][-2000:]
        for student, returned in course["returned"].items():
            submitted = "\n".join(_sources(data) for data in course["submitted"][student].values())
            names = {n for n in returned if not n.startswith("feedback/")}
            expected_names = {f"{ASSIGNMENT}/{n}" for n in course["submitted"][student]} | {f"{ASSIGNMENT}/timestamp.txt"}
            if not names <= expected_names:
                problems.append(f"{student}: files that are not theirs: {sorted(names - expected_names)}")
            text = "\n".join(v.decode(errors="replace") for v in returned.values())
            for line in secrets:
                for form in encodings(line):
                    if len(form) >= 20 and form in text:
                        problems.append(f"{student}: a hidden-test line reached them: {line[:60]!r}")
                        break
            for line in solutions - {x.strip() for x in submitted.splitlines()}:
                if line in text:
                    problems.append(f"{student}: a solution line they did not write: {line[:60]!r}")
    assert not problems, "\n".join(sorted(set(problems))[:20])


def test_output_is_capped_before_it_is_stored(graded):
    for course in graded["courses"]:
        nb = course["autograded"].get("hostile-output-flood")
        if nb is None:
            continue
        size = len(json.dumps([c.get("outputs", []) for c in nb.cells]))
        assert size < 2 << 20, f"the flood left {size:,} characters of output in the graded notebook"
        assert "output not kept" in json.dumps([c.get("outputs", []) for c in nb.cells])


def test_grading_time_bound_and_nothing_left_running(graded):
    assert graded["seconds"] < graded["bound"], f"grading took {graded['seconds']:.0f} s (bound {graded['bound']} s)"
    for course in graded["courses"]:
        assert course["run"].returncode == 0, course["run"].log[-3000:]
    assert not _kernel_processes(), f"sandbox processes outlived grading: {_kernel_processes()}"


# ------------------------------------------------------------------------------------------ the parts


@pytest.mark.slow
def test_missing_bubblewrap_is_a_clear_error(tmp_path):
    (tmp_path / "kernel.json").write_text(json.dumps({"transport": "ipc"}))
    done = subprocess.run([sys.executable, str(AUTOGRADER / "sandbox" / "launch.py"), "-f",
                           str(tmp_path / "kernel.json")], capture_output=True, text=True,
                          env={"PATH": str(tmp_path)}, cwd=tmp_path)
    assert done.returncode == 1
    assert "apt-get install -y bubblewrap" in done.stderr, done.stderr


@pytest.mark.parametrize("fork", [True, False], ids=["forked", "cold"])
def test_sandbox_kernel_limits(tmp_path, fork, monkeypatch):
    """Raw attacks in the sandbox kernel, no validator: no network, no course files, bounded fork and memory,
    no descriptor of the grader's in any process the kernel can see; the kernel forked by the fork server and
    the one started cold alike."""
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from traitlets.config import Config

    from sandbox import forkserver
    if fork:
        path = forkserver.start()
        assert path, "the fork server did not start"
        monkeypatch.setenv(forkserver.ENV, path)
    else:
        monkeypatch.delenv(forkserver.ENV, raising=False)

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
        # every descriptor of every process the kernel sees (itself, and the placeholder of the forked path,
        # which runs as its uid): /proc/PID/fd/N opens what that process holds
        "fds": "import os\nfor p in [p for p in os.listdir('/proc') if p.isdigit()]:\n"
               "    for fd in os.listdir(f'/proc/{p}/fd') if os.access(f'/proc/{p}/fd', os.R_OK) else []:\n"
               "        try:\n            st = os.stat(f'/proc/{p}/fd/{fd}')\n"
               "            print('fd', p, st.st_dev, st.st_ino)\n        except OSError:\n            pass",
        "keyring": "import ctypes, platform\nlibc = ctypes.CDLL(None, use_errno=True)\n"
                   "nr = {'x86_64': 250, 'aarch64': 219}[platform.machine()]\n"
                   "print('keyring', libc.syscall(*(ctypes.c_long(a) for a in (nr, 0, -3, 0))))",
        "inodes": "import os\nn = 0\ntry:\n    while n < 100000:\n        open(f'/tmp/f{n}', 'w').close()\n        n += 1\n"
                  "except OSError as e:\n    print('files', n, type(e).__name__)",
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
    files = re.search(r"files (\d+)", out["inodes"])
    assert files and int(files.group(1)) <= 4096, out["inodes"]  # /tmp is capped in files, not only in bytes
    assert re.search(r"uid (\d+) pid (\d+)", out["uid"]) and int(out["uid"].split()[1]) >= UID_BASE
    # none of the kernel's files is the grader's stdout or stderr (it could forge the grader's log lines)
    kernel_files = set(re.findall(r"fd \d+ (\d+) (\d+)", out["fds"]))
    assert kernel_files and len(set(re.findall(r"fd (\d+)", out["fds"]))) >= (2 if fork else 1), out["fds"]
    for fd in (1, 2):
        st = os.fstat(fd)
        assert (str(st.st_dev), str(st.st_ino)) not in kernel_files, f"a process the kernel sees holds the grader's fd {fd}"
    # its session keyring is not the grader's (where keyrings exist at all)
    from sandbox.launch import KEY_SPEC_SESSION_KEYRING, KEYCTL_GET_KEYRING_ID, keyctl
    ours, theirs = keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0), int(out["keyring"].split()[1])
    assert ours < 0 or theirs != ours, (ours, theirs)
    assert not _kernel_processes(), f"the forked sleepers outlived the kernel: {_kernel_processes()}"


def test_the_private_tmp_does_not_hide_the_python_or_the_course(tmp_path):
    """bwrap mounts in order: the private /tmp comes first, so a checkout or venv under /tmp stays visible."""
    from sandbox.launch import bwrap_command
    connection = tmp_path / "kernel" / "kernel.json"
    connection.parent.mkdir()
    connection.write_text("{}")
    cmd = bwrap_command(connection, tmp_path, UID_BASE + 1, [])
    tmpfs = next(i for i in range(len(cmd) - 2) if cmd[i] == "--bind" and cmd[i + 2] == "/tmp")
    binds = [i for i, arg in enumerate(cmd) if arg in ("--ro-bind", "--bind") and cmd[i + 1] != "/dev/null"
             and not cmd[i + 1].startswith(("/usr", "/bin", "/sbin", "/lib", "/etc", str(connection.parent)))]
    assert binds and min(binds) > tmpfs, [cmd[i + 1] for i in binds if i < tmpfs]
