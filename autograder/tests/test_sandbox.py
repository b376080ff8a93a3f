"""The sandboxed kernel's command line, and one real kernel: what it starts with and what it cannot reach."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from sandbox import launch

AUTOGRADER = Path(__file__).resolve().parents[1]


def _command(tmp_path: Path) -> list[str]:
    folder = tmp_path / "sockets"
    folder.mkdir()
    return launch.bwrap_command(folder / "kernel.json", tmp_path, 200_001, [])


def test_the_kernel_starts_without_debugpy_and_without_a_history_database(tmp_path):
    cmd = _command(tmp_path)
    hidden = [cmd[i + 1] for i, a in enumerate(cmd) if a == "--tmpfs"]
    assert any(Path(h).name == "debugpy" for h in hidden), "debugpy's folder is not hidden from the kernel"
    for folder in hidden:  # an empty folder, read-only to the kernel
        assert ["--tmpfs", folder, "--remount-ro", folder] == cmd[cmd.index(folder) - 1:cmd.index(folder) + 3]
    assert "--HistoryManager.enabled=False" in cmd[cmd.index("ipykernel_launcher"):]


def test_hiding_a_package_comes_after_the_python_install_is_mounted(tmp_path):
    cmd = _command(tmp_path)
    venv = next(i for i, a in enumerate(cmd) if a == "--ro-bind" and cmd[i + 1] == launch.sys.prefix)
    assert cmd.index("--tmpfs") > venv, "a folder hidden before the install is mounted would be visible again"


@pytest.mark.slow
def test_a_sandboxed_kernel_has_no_debugger_and_keeps_in_out(tmp_path):
    """A real kernel through the course's kernelspec: debugpy cannot be imported, `In` still works."""
    if os.geteuid() != 0 or shutil.which("bwrap") is None:
        pytest.skip("the sandbox needs root and bubblewrap")
    from jupyter_client.manager import KernelManager
    from jupyter_client.kernelspec import KernelSpecManager

    private = Path(tempfile.mkdtemp(prefix="llm-grader-kernel-"))
    km = KernelManager(kernel_name="llm-grader", transport="ipc",
                       connection_file=str(private / "kernel.json"), ip=str(private / "kernel-ipc"))
    km.kernel_spec_manager = KernelSpecManager(kernel_dirs=[str(AUTOGRADER / "kernels")])
    km.start_kernel(cwd=str(tmp_path))
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        kc.execute_interactive("x = 1", timeout=30)
        code = ("import importlib.util, json\n"
                "try:\n    import debugpy.server\n    dbg = 'imported'\nexcept ImportError:\n    dbg = 'refused'\n"
                "print(json.dumps({'debugpy': dbg, 'In': len(In) >= 2}))")
        out = []
        kc.execute_interactive(code, timeout=30, output_hook=lambda m: out.append(m["content"].get("text", "")))
        assert json.loads("".join(out)) == {"debugpy": "refused", "In": True}
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        shutil.rmtree(private, ignore_errors=True)


# ------------------------------------------------------------------------------------------------ the fork server
from sandbox import forkserver  # noqa: E402

GOOD = {"uid": launch.UID_BASE + 7, "cwd": "/tmp/x", "argv": ["-f", "/tmp/k.json"], "limits": launch.limits()}


@pytest.mark.parametrize("change", [
    {"uid": 0}, {"uid": 1000}, {"uid": "200007"}, {"uid": launch.UID_BASE}, {"uid": launch.UID_BASE + (1 << 22)},
    {"placeholder": 4242}, {"cwd": "relative"}, {"argv": ["--existing"]}, {"argv": "-f x"}, {"limits": {}},
    {"limits": {**launch.limits(), "cpu seconds": -1}}, {"extra": 1},
])
def test_the_fork_server_refuses_a_malformed_request(change):
    assert forkserver.parse_request(json.dumps(GOOD).encode()) == GOOD
    with pytest.raises(ValueError):
        forkserver.parse_request(json.dumps(GOOD | change).encode())


def test_the_fork_server_takes_one_pidfd_and_nothing_else():
    """A request's descriptor must be a pidfd of a live process; a file, or two descriptors, are refused."""
    with open(os.devnull) as f:
        a, b = socket.socketpair()
        with a, b:
            socket.send_fds(a, [json.dumps(GOOD).encode() + b"\n"], [f.fileno()])
            data, fd = forkserver.receive(b)
            assert forkserver.parse_request(data) == GOOD
            with pytest.raises(ValueError, match="not a pidfd"):
                forkserver.pid_of(fd)
            os.close(fd)
            socket.send_fds(a, [b"{}\n"], [f.fileno(), f.fileno()])
            with pytest.raises(ValueError, match="2 descriptors"):
                forkserver.receive(b)
    pidfd = os.pidfd_open(os.getpid())
    try:
        assert forkserver.pid_of(pidfd) == os.getpid()
    finally:
        os.close(pidfd)


def test_a_sandbox_uid_is_never_an_account(monkeypatch):
    """base + pid is refused when it names a user or group of the system (a directory service's through NSS), and
    a base that could overflow the uid range or reach system accounts is refused, each saying what to set."""
    import grp
    import pwd
    assert launch.kernel_uid(7, 300_000) == 300_007
    monkeypatch.setattr(pwd, "getpwuid", lambda uid: ("ldap-alice",) if uid == 300_007 else (_ for _ in ()).throw(KeyError(uid)))
    with pytest.raises(launch.SandboxError, match="user 'ldap-alice'.*LLM_GRADER_UID_BASE"):
        launch.kernel_uid(7, 300_000)
    monkeypatch.setattr(grp, "getgrgid", lambda gid: ("staff",) if gid == 300_008 else (_ for _ in ()).throw(KeyError(gid)))
    with pytest.raises(launch.SandboxError, match="group 'staff'"):
        launch.kernel_uid(8, 300_000)
    for base in (1000, 2**31):
        with pytest.raises(launch.SandboxError, match="LLM_GRADER_UID_BASE"):
            launch.kernel_uid(7, base)


def test_a_forked_kernel_keeps_no_privilege():
    """drop_privileges in a child: no capability in any set, no_new_privs, only the sandbox's uid and gid."""
    if os.geteuid() != 0:
        pytest.skip("needs root")
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            forkserver.drop_privileges(launch.UID_BASE + 11)
            os.write(w, Path("/proc/self/status").read_bytes())
        finally:
            os._exit(0)
    os.close(w)
    status = b""
    while chunk := os.read(r, 65536):
        status += chunk
    os.waitpid(pid, 0)
    fields = dict(line.split(":", 1) for line in status.decode().splitlines() if ":" in line)
    assert all(int(fields[k], 16) == 0 for k in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"))
    assert fields["NoNewPrivs"].strip() == "1"
    assert set(fields["Uid"].split()) == set(fields["Gid"].split()) == {str(launch.UID_BASE + 11)}
    assert fields["Groups"].strip() == ""


class Kernel:
    """A sandboxed kernel started through the course's kernelspec, as SecureExecute starts it."""

    def __init__(self, cwd: Path):
        from jupyter_client.kernelspec import KernelSpecManager
        from jupyter_client.manager import KernelManager
        self.private = Path(tempfile.mkdtemp(prefix="llm-grader-kernel-"))
        self.km = KernelManager(kernel_name="llm-grader", transport="ipc",
                                connection_file=str(self.private / "kernel.json"), ip=str(self.private / "kernel-ipc"))
        self.km.kernel_spec_manager = KernelSpecManager(kernel_dirs=[str(AUTOGRADER / "kernels")])
        self.km.start_kernel(cwd=str(cwd))
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=120)

    def run(self, code: str) -> str:
        out = []
        reply = self.kc.execute_interactive(code, timeout=60, output_hook=lambda m: out.append(m["content"].get("text", "")))
        assert reply["content"]["status"] == "ok", reply["content"]
        return "".join(out)

    def close(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)
        shutil.rmtree(self.private, ignore_errors=True)


LEAVE_BEHIND = r'''
import os, subprocess, json
open("/tmp/left-behind", "w").write("secret of the first notebook")
open("/dev/shm/left-behind", "w").write("secret of the first notebook")
os.mkfifo("/tmp/fifo-left-behind")
subprocess.Popen(["sleep", "%s"], start_new_session=True)                  # a background process
subprocess.Popen(["sh", "-c", "sleep %s & exit 0"], start_new_session=True)  # a double-forked one
print(json.dumps({"uid": os.getuid()}))
'''

LOOK_AROUND = r'''
import os, json, socket
def status():
    return {l.split(":")[0]: l.split(":")[1].strip() for l in open("/proc/self/status") if ":" in l}
try:
    socket.create_connection(("1.1.1.1", 53), timeout=2); net = "reached"
except OSError as e:
    net = type(e).__name__
try:
    import debugpy.server; dbg = "imported"
except ImportError:
    dbg = "refused"
cmdlines = [open(f"/proc/{p}/cmdline", "rb").read().replace(b"\0", b" ").decode() for p in os.listdir("/proc") if p.isdigit()]
print(json.dumps({"uid": os.getuid(), "tmp": sorted(os.listdir("/tmp")), "shm": sorted(os.listdir("/dev/shm")),
                  "cmdlines": cmdlines, "net": net, "debugpy": dbg, "env": sorted(os.environ),
                  "caps": [status()[k] for k in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")],
                  "nnp": status()["NoNewPrivs"], "cwd": os.getcwd(), "torch": "torch" in __import__("sys").modules}))
'''


def _host_processes_with(marker: str) -> list[str]:
    found = []
    for p in Path("/proc").iterdir():
        try:
            if p.name.isdigit() and marker in (p / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"):
                found.append(p.name)
        except OSError:
            continue
    return found


@pytest.mark.parametrize("fork", [True, False], ids=["forked", "cold"])
def test_one_notebook_leaves_nothing_the_next_one_sees(tmp_path, fork, monkeypatch):
    """Two notebooks in a row, as one nbgrader process grades them: the first leaves files in /tmp and /dev/shm
    and background processes; the second sees none of it, and no process of the first outlives its kernel."""
    if os.geteuid() != 0 or shutil.which("bwrap") is None:
        pytest.skip("the sandbox needs root and bubblewrap")
    if fork:
        path = forkserver.start()
        assert path, "the fork server did not start"
        monkeypatch.setenv(forkserver.ENV, path)
    else:
        monkeypatch.delenv(forkserver.ENV, raising=False)
    monkeypatch.setenv("LLM_TEST_CANARY", "the grader's environment")
    marker = f"{os.getpid() % 1000 + 1000}.{len(str(tmp_path))}17"  # a sleep duration no one else uses
    first_cwd, second_cwd = tmp_path / "alice", tmp_path / "bob"
    first_cwd.mkdir()
    second_cwd.mkdir()
    first = Kernel(first_cwd)
    try:
        first_uid = json.loads(first.run(LEAVE_BEHIND % (marker, marker)))["uid"]
        deadline = time.monotonic() + 10  # the double-forked sleeper starts after its shell
        while len(_host_processes_with(f"sleep {marker}")) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(_host_processes_with(f"sleep {marker}")) == 2
    finally:
        first.close()
    deadline = time.monotonic() + 10
    while _host_processes_with(f"sleep {marker}") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _host_processes_with(f"sleep {marker}") == [], "a process of the first notebook outlived its kernel"
    second = Kernel(second_cwd)
    try:
        seen = json.loads(second.run(LOOK_AROUND))
    finally:
        second.close()
    assert not [n for n in seen["tmp"] + seen["shm"] if "left-behind" in n], seen
    assert not [c for c in seen["cmdlines"] if marker in c], seen["cmdlines"]
    assert seen["uid"] != first_uid and seen["uid"] >= launch.UID_BASE
    assert seen["caps"] == ["0000000000000000"] * 5 and seen["nnp"] == "1"
    assert seen["net"] != "reached" and seen["debugpy"] == "refused"
    assert seen["cwd"] == str(second_cwd)
    # the grader's environment stays out; ipykernel and torch set a few variables of their own
    assert "LLM_TEST_CANARY" not in seen["env"]
    assert set(seen["env"]) <= set(launch.sandbox_env()) | {"CLICOLOR", "CLICOLOR_FORCE", "FORCE_COLOR", "PAGER",
                                                            "GIT_PAGER", "MPLBACKEND", "TERM", "PWD",
                                                            "TORCHINDUCTOR_CACHE_DIR"}, seen["env"]


ORPHAN = r'''
import os, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
sys.path.insert(0, sys.argv[1] + "/tests")
from sandbox import forkserver
os.environ[forkserver.ENV] = forkserver.start()
from test_sandbox import Kernel
kernel = Kernel(Path(sys.argv[2]))
kernel.run("import subprocess\nsubprocess.Popen(['sleep', '%s'], start_new_session=True)")
print(forkserver._server["path"], kernel.km.connection_file, flush=True)
time.sleep(600)
'''


@pytest.mark.slow
def test_a_forked_kernel_dies_with_its_grader(tmp_path):
    """nbgrader killed mid-notebook (SIGKILL: no clean-up of its own): the launcher, the sandbox, the kernel and
    what it started, and the fork server are all gone within seconds; nothing runs on as root or as the student."""
    if os.geteuid() != 0 or shutil.which("bwrap") is None:
        pytest.skip("the sandbox needs root and bubblewrap")
    marker = f"{os.getpid() % 1000 + 2000}.{len(str(tmp_path))}23"
    grader = subprocess.Popen([sys.executable, "-c", ORPHAN % marker, str(AUTOGRADER), str(tmp_path)],
                              stdout=subprocess.PIPE, text=True, cwd=AUTOGRADER)
    try:
        socket_path, connection_file = grader.stdout.readline().split()
        assert _host_processes_with(f"sleep {marker}"), "the kernel's process did not start"
        assert _host_processes_with(connection_file), "no launcher runs for the kernel"
    finally:
        grader.send_signal(signal.SIGKILL)
        grader.wait()
    deadline = time.monotonic() + 15
    left = lambda: [m for m in (f"sleep {marker}", connection_file, socket_path) if _host_processes_with(m)]  # noqa
    while left() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not left(), f"outlived the grader: {left()}"


EARLY = '''import os
open("/tmp/ran-at-start-up", "w").write(__name__)
def load_ipython_extension(ip):
    pass
'''


@pytest.mark.parametrize("fork", [True, False], ids=["forked", "cold"])
def test_a_submitted_module_never_runs_at_start_up(tmp_path, fork, monkeypatch):
    """A file beside the notebook named like a module Python or IPython imports while the kernel starts
    (sitecustomize, storemagic: IPython tries a top-level module first) would run before the kernel is ready, while
    its socket folder is still its own. The working folder is not on sys.path, so neither runs."""
    if os.geteuid() != 0 or shutil.which("bwrap") is None:
        pytest.skip("the sandbox needs root and bubblewrap")
    if fork:
        path = forkserver.start()
        assert path, "the fork server did not start"
        monkeypatch.setenv(forkserver.ENV, path)
    else:
        monkeypatch.delenv(forkserver.ENV, raising=False)
    for name in ("storemagic.py", "sitecustomize.py", "usercustomize.py"):
        (tmp_path / name).write_text(EARLY)
    kernel = Kernel(tmp_path)
    try:
        seen = json.loads(kernel.run("import os, sys, json\nprint(json.dumps({'ran': os.path.exists('/tmp/ran-at-start-up'), "
                                     "'path': [p for p in sys.path if p in ('', os.getcwd())]}))"))
    finally:
        kernel.close()
    assert seen == {"ran": False, "path": []}, seen
