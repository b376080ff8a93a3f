"""The fork server: a warm process that forks each notebook's kernel into the sandbox bubblewrap built for it.

Starting Python and ipykernel and importing torch were 1.6 to 2.8 of a notebook's 2.7 to 3.6 CPU-seconds (issue
14; `python -m grading.bench`). This server imports them once; each kernel is a fork of it (about 0.13 CPU-s).

Isolation is still built anew for every notebook by bwrap, from the same command line (launch.py): fresh pid,
network, IPC, UTS and mount namespaces, the read-only mount tree, the private /tmp and /dev/shm. launch.py runs
a placeholder in that sandbox and sends this server a pidfd of it (SCM_RIGHTS: a process, never a pid number
that another process could inherit). For each request the server forks a helper, which:

1. enters the placeholder's namespaces with setns(2) on that pidfd, all at once (`enter`);
2. forks the kernel (a process forked after setns into a pid namespace is in it: `man 2 setns`);
3. the kernel sets the rlimits, drops to the sandbox's uid with no capabilities and no_new_privs (what setpriv
   does on the cold path: `drop_privileges`), checks that in /proc/self/status, closes every inherited file
   descriptor and runs ipykernel; the helper reports its exit status to launch.py, and kills the kernel as
   soon as launch.py's connection closes (jupyter_client stopped the kernel, or nbgrader died).

The server never reads a request (the helper does), so its memory, which every kernel inherits, holds imported
modules and nothing about any student. It starts with exactly the sandbox's environment (launch.sandbox_env),
listens on a socket in a root-only folder outside every sandbox, and exits when its parent (nbgrader) does.

    python forkserver.py SOCKET UID_BASE      (SecureExecute starts it; see `start`)
"""
from __future__ import annotations

import atexit
import ctypes
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__:
    from . import launch
else:  # run as a script: sys.path[0] is this folder
    import launch

ENV = launch.FORK_SERVER  # the server's socket, for launch.py; unset: the cold path (a fresh interpreter)
# imported once, in the server: Python, ipykernel, IPython, torch (and dynamo, which torch's optimisers import)
WARM_MODULES = ("numpy", "torch", "torch._dynamo", "torch.nn.functional", "ipykernel.kernelapp", "ipykernel.ipkernel",
                "ipykernel.zmqshell")
# CLONE_NEWCGROUP | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWNS: setns(pidfd, these)
NAMESPACES = 0x02000000 | 0x08000000 | 0x04000000 | 0x40000000 | 0x20000000 | 0x00020000
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 1, 4, 24, 38
REQUEST_BYTES = 64 << 10

libc = ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        raise OSError(ctypes.get_errno(), f"{what}: {os.strerror(ctypes.get_errno())}")


# ---------------------------------------------------------------------------------------------- the request
def parse_request(text: bytes, uid_base: int = launch.UID_BASE) -> dict:
    """launch.py's request, checked: the kernel's uid, cwd, arguments and rlimits."""
    request = json.loads(text)
    ok = (isinstance(request, dict) and set(request) == {"uid", "cwd", "argv", "limits"}
          and type(request["uid"]) is int and uid_base < request["uid"] < uid_base + launch.UID_SPAN
          and isinstance(request["cwd"], str) and os.path.isabs(request["cwd"])
          and isinstance(request["argv"], list) and all(isinstance(a, str) for a in request["argv"])
          and request["argv"][:1] == ["-f"]
          and isinstance(request["limits"], dict) and set(request["limits"]) == set(launch.LIMITS)
          and all(type(v) is int and v >= 0 for v in request["limits"].values()))
    if not ok:
        raise ValueError(f"malformed fork request: {text[:200]!r}")
    return request


# ---------------------------------------------------------------------------------------------- the helper
def join_cgroups(pid: int) -> None:
    """Move this process into the placeholder's cgroups (cgroup v1 and v2), so the kernel is accounted and
    limited with its sandbox; cgroups are bookkeeping here, never the isolation, so a failure is ignored."""
    for line in Path(f"/proc/{pid}/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        name = controllers.replace("name=", "") or "unified"
        for root in (Path("/sys/fs/cgroup") / name, Path("/sys/fs/cgroup")) if name == "unified" else \
                (Path("/sys/fs/cgroup") / name,):
            try:
                (root / path.lstrip("/") / "cgroup.procs").write_text(str(os.getpid()))
                break
            except OSError:
                continue


def pid_of(pidfd: int) -> int:
    """The pid (in this namespace) of the process a pidfd refers to, from /proc/self/fdinfo; refuses anything else."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/self/fdinfo/{pidfd}").read_text().splitlines()
                  if ":" in line)
    if "Pid" not in fields or int(fields["Pid"]) <= 1:
        raise ValueError("the fork request's descriptor is not a pidfd of a running process")
    return int(fields["Pid"])


def enter(pidfd: int) -> None:
    """setns(2) into the cgroup, IPC, UTS, network, pid and mount namespaces of the pidfd's process (bwrap's
    sandbox), atomically (Linux 5.8); the pid namespace binds the next child."""
    _check(libc.setns(pidfd, NAMESPACES), "setns into the sandbox")


def drop_privileges(uid: int) -> None:
    """Become `uid` with no capabilities at all and no_new_privs, as setpriv --reuid --regid --clear-groups
    --inh-caps=-all --bounding-set=-all --no-new-privs does on the cold path; verified in /proc/self/status."""
    last = int(Path("/proc/sys/kernel/cap_last_cap").read_text())
    for cap in range(last + 1):
        _check(libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0), "dropping the bounding set")
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    _check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    os.setresuid(uid, uid, uid)  # all uids non-zero: permitted, effective, ambient capabilities cleared
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    _check(libc.capset(header, (ctypes.c_uint32 * 6)()), "clearing the inheritable capabilities")
    _check(libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), "dumpable")  # /proc/self owned by the kernel, as after execve
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    caps = {k: int(status[k], 16) for k in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")}
    ids = {int(x) for k in ("Uid", "Gid") for x in status[k].split()}
    if any(caps.values()) or ids != {uid} or status["NoNewPrivs"].strip() != "1" or os.getgroups():
        raise OSError(f"privileges not dropped: {caps}, ids {ids}, NoNewPrivs {status['NoNewPrivs'].strip()}")


def close_inherited() -> None:
    """Close every file descriptor above stderr (the server's socket, anything a helper held)."""
    for name in os.listdir("/proc/self/fd"):
        if int(name) > 2:
            try:
                os.close(int(name))
            except OSError:
                pass  # the descriptor listdir used, already closed


def run_kernel(request: dict) -> None:
    """In the sandbox: rlimits, privileges dropped, nothing inherited but /dev/null and stderr; then ipykernel."""
    os.chdir(request["cwd"])
    launch.set_limits(request["limits"])
    launch.new_session_keyring()  # as on the cold path: not the server's keyring, which every kernel would share
    drop_privileges(request["uid"])
    _check(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "parent-death signal")
    os.setsid()
    # as on the cold path: neither of the grader's output streams (the server's are nbgrader's). Raw writes would
    # reach nbgrader's log unbounded, where a forged line could un-grade another student.
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    close_inherited()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the server ignores it; SIGINT keeps Python's handler (interrupts)
    sys.argv = ["ipykernel_launcher", *request["argv"]]
    os.environ["PWD"] = os.getcwd()
    # neither the server's folder nor the working folder on sys.path (as `python -P` on the cold path): a submitted
    # file named like a module IPython imports at start-up (storemagic.py) would run before the kernel is ready
    del sys.path[0]
    import random
    random.seed()  # the server's state is every kernel's: draw fresh seeds
    import numpy
    numpy.random.seed()
    from ipykernel.kernelapp import IPKernelApp
    IPKernelApp.launch_instance(argv=request["argv"])


def receive(conn: socket.socket) -> tuple[bytes, int]:
    """One request line and exactly one descriptor with it (the placeholder's pidfd)."""
    data, fds, _, _ = socket.recv_fds(conn, REQUEST_BYTES, 4)
    if len(fds) != 1:
        for fd in fds:
            os.close(fd)
        raise ValueError(f"a fork request carries one pidfd, this one {len(fds)} descriptors")
    while data and not data.endswith(b"\n") and len(data) < REQUEST_BYTES:
        chunk = conn.recv(REQUEST_BYTES)
        if not chunk:
            break
        data += chunk
    return data, fds[0]


def wait_kernel(conn: socket.socket, kernel: int) -> int:
    """The kernel's wait status; it is killed first if launch.py's connection closes (or sends anything)."""
    kernel_fd = os.pidfd_open(kernel)
    poller = select.poll()
    poller.register(conn.fileno(), select.POLLIN | select.POLLHUP)
    poller.register(kernel_fd, select.POLLIN)
    while True:
        ready = {fd for fd, _ in poller.poll()}
        if kernel_fd in ready:
            break
        if conn.fileno() in ready:
            os.kill(kernel, signal.SIGKILL)
            poller.unregister(conn.fileno())
    os.close(kernel_fd)
    return os.waitpid(kernel, 0)[1]


def helper(conn: socket.socket, uid_base: int = launch.UID_BASE) -> int:
    """Read one request, enter its sandbox, fork the kernel into it, report "started" and "exit <code>"."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    conn.settimeout(30)
    data, pidfd = receive(conn)
    request = parse_request(data, uid_base)
    join_cgroups(pid_of(pidfd))
    enter(pidfd)  # fails (ESRCH) if the placeholder exited meanwhile, whatever its pid became
    os.close(pidfd)
    conn.settimeout(None)
    kernel = os.fork()
    if kernel == 0:
        code = 1
        try:
            conn.close()
            run_kernel(request)
            code = 0
        except SystemExit as error:
            code = error.code if isinstance(error.code, int) else 1
        except BaseException as error:  # noqa: BLE001 (reported, never back into the server's loop)
            print(f"llm-grader fork server: the kernel could not start: {error!r}", file=sys.stderr)
        finally:
            os._exit(code)
    conn.sendall(b"started\n")
    status = wait_kernel(conn, kernel)
    try:
        conn.sendall(f"exit {os.waitstatus_to_exitcode(status)}\n".encode())
    except OSError:
        pass  # launch.py is gone (jupyter_client killed it: that is how a kernel is shut down)
    return 0


# ---------------------------------------------------------------------------------------------- the server
def serve(path: str, uid_base: int) -> None:
    """Import WARM_MODULES, then fork a helper per connection until the parent (nbgrader) is gone."""
    import importlib
    sys.modules["debugpy"] = None  # hidden in the sandbox too (launch.HIDDEN_PACKAGES): never in the image
    for name in WARM_MODULES:
        importlib.import_module(name)
    threads = len(os.listdir("/proc/self/task"))
    if threads != 1:  # fork copies one thread only: a lock held by another would hang every kernel
        raise SystemExit(f"llm-grader fork server: {threads} threads after the imports; refusing to fork")
    parent = os.getppid()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # helpers are reaped by the system
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path + ".new")
    os.chmod(path + ".new", 0o600)
    server.listen(64)
    server.settimeout(1.0)
    os.rename(path + ".new", path)  # the socket appears once the server is warm
    sys.stdout.flush()
    sys.stderr.flush()
    while os.getppid() == parent:
        try:
            conn, _ = server.accept()
        except TimeoutError:
            continue
        except OSError as error:  # EMFILE and the like: say so, and keep serving
            print(f"llm-grader fork server: accept failed: {error!r}", file=sys.stderr)
            time.sleep(0.1)
            continue
        try:
            child = os.fork()
        except OSError as error:  # EAGAIN, ENOMEM: this notebook's launcher sees the connection close and fails
            print(f"llm-grader fork server: cannot fork a helper: {error!r}", file=sys.stderr)
            conn.close()
            continue
        if child == 0:
            code = 1
            try:
                server.close()
                code = helper(conn, uid_base)
            except BaseException as error:  # noqa: BLE001
                print(f"llm-grader fork server: {error!r}", file=sys.stderr)
            finally:
                os._exit(code)
        conn.close()


# ---------------------------------------------------------------------------------------------- nbgrader's side
_server: dict = {}


def start(timeout: float = 180) -> str | None:
    """The socket of this process's fork server, started on first use (None if it could not start)."""
    proc = _server.get("proc")
    if proc is not None and proc.poll() is None:
        return _server["path"]
    folder = tempfile.mkdtemp(prefix="llm-grader-forkserver-")  # 0700, root's: no sandbox mounts it
    path = os.path.join(folder, "server")
    proc = subprocess.Popen([sys.executable, __file__, path, str(launch.UID_BASE)], env=launch.sandbox_env(), cwd="/",
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    atexit.register(_stop, proc, folder)
    deadline = time.monotonic() + timeout
    while not os.path.exists(path) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    if not os.path.exists(path):
        proc.kill()
        proc.wait()
        return None
    _server.update(proc=proc, path=path)
    return path


def _stop(proc: subprocess.Popen, folder: str) -> None:
    proc.kill()
    proc.wait()
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]))
