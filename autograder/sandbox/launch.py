"""Start an IPython kernel inside a bubblewrap sandbox: the kernel that runs student code at autograde.

The kernelspec autograder/kernels/llm-grader/kernel.json runs `python launch.py -f {connection_file}`.
The kernel sees the system read-only, the Python install and the virtual environment read-only, its
working directory read-only with every notebook in it masked, a private /tmp and /dev/shm capped in
bytes and in files, and nothing else
of the course (no solutions/, gradebook, submissions, source or release folders). It has no network,
its own pid namespace (every process it starts dies with it), an unprivileged uid of its own, and
rlimits on CPU seconds, memory, processes, file size and open files. Limits can be changed with
environment variables (LLM_GRADER_CPU_SECONDS, ...; see LIMITS). Needs the Debian package `bubblewrap`.
"""
from __future__ import annotations

import ctypes
import errno
import importlib.util
import json
import os
import platform
import resource
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

# name -> (rlimit, default, environment variable that overrides it)
LIMITS = {
    "cpu seconds": (resource.RLIMIT_CPU, 600, "LLM_GRADER_CPU_SECONDS"),
    "address space bytes": (resource.RLIMIT_AS, 4 << 30, "LLM_GRADER_MEMORY_BYTES"),
    "processes and threads": (resource.RLIMIT_NPROC, 256, "LLM_GRADER_NPROC"),
    "file size bytes": (resource.RLIMIT_FSIZE, 64 << 20, "LLM_GRADER_FILE_BYTES"),
    "open files": (resource.RLIMIT_NOFILE, 1024, "LLM_GRADER_OPEN_FILES"),
    "core file bytes": (resource.RLIMIT_CORE, 0, None),
}
TMP_BYTES = int(os.environ.get("LLM_GRADER_TMP_BYTES", 256 << 20))  # size of the kernel's /tmp and /dev/shm
TMP_FILES = int(os.environ.get("LLM_GRADER_TMP_FILES", 4096))  # files and folders in each of them
# The kernel runs as uid UID_BASE + this launcher's pid: no other kernel shares it (pids are at most 2**22), and
# kernel_uid refuses one that belongs to an account. Where a directory service hands out uids from 200000 (SSSD,
# FreeIPA), choose a free range with LLM_GRADER_UID_BASE.
UID_BASE = int(os.environ.get("LLM_GRADER_UID_BASE", 200_000))
UID_SPAN = 1 << 22  # /proc/sys/kernel/pid_max's largest value
CONNECTION_COPY = "sandbox-connection.json"
# environment variables passed into the sandbox (everything else is dropped: no tokens, no JPY_PARENT_PID)
PASS_ENV = ("LANG", "LC_ALL", "TZ", "PYTHONHASHSEED", "NBGRADER_EXECUTION")
# Packages hidden from the kernel (an empty read-only folder is mounted over each): ipykernel imports debugpy
# when it starts (ipykernel/debugger.py), about a sixth of a kernel's start-up CPU, for a debugger that grading
# never uses and a student's code has no business reaching.
HIDDEN_PACKAGES = ("debugpy",)
# IPython settings of the kernel: no history database (IPython writes a SQLite file per kernel into /tmp; `In`
# and `_ih` are kept in memory either way), and the working folder not put on sys.path (IPython inserts '' before
# loading its extensions; with `python -P` on the cold path it would not, the forked kernel needs the setting).
KERNEL_ARGS = ("--HistoryManager.enabled=False", "--InteractiveShellApp.ignore_cwd=True")


FORK_SERVER = "LLM_GRADER_FORK_SERVER"  # the fork server's socket (forkserver.ENV); unset: a fresh interpreter


class SandboxError(RuntimeError):
    """The sandbox cannot be set up safely; the message says what to fix."""


def bwrap_path() -> str:
    path = shutil.which("bwrap")
    if path is None:
        raise SandboxError(
            "bubblewrap is not installed, and the grading kernel refuses to run student code without it. "
            "Install it with `apt-get install -y bubblewrap` (Debian/Ubuntu) or your system's package "
            "manager, then run `autograder/sandbox/check.sh`.")
    return path


def _read_connection(connection_file: Path) -> dict:
    info = json.loads(connection_file.read_text())
    if info.get("transport") != "ipc":
        raise SandboxError(
            f"the connection file {connection_file} uses transport {info.get('transport')!r}: the sandbox has "
            "no network, so set `c.KernelManager.transport = 'ipc'` (autograder/secure_config.py does) "
            "and run the kernel through judge.execute.SecureExecute")
    return info


def _check_private(folder: Path, connection_file: Path) -> None:
    """The kernel may write only to its own socket folder: refuse a shared runtime directory."""
    others = [p.name for p in folder.iterdir() if p != connection_file]
    if others:
        raise SandboxError(
            f"{folder} holds other files ({', '.join(sorted(others)[:3])}...): the sandboxed kernel needs a "
            "private folder for its connection file (SecureExecute makes one per kernel); a shared runtime "
            "directory would let a student's kernel read other kernels' keys")


def _system_binds() -> list[str]:
    args = []
    for top in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    return args


def _python_binds() -> list[str]:
    """The interpreter's install (pyenv or system) and the virtual environment, read-only."""
    roots = {sys.prefix, sys.base_prefix, os.path.dirname(os.path.dirname(os.path.realpath(sys.executable)))}
    args = []
    for root in sorted(roots):
        if not any(root == s or root.startswith(s.rstrip("/") + "/") for s in ("/usr", "/bin", "/lib")):
            args += _parents(root) + ["--ro-bind", root, root]
    return args


def _parents(path: str | Path) -> list[str]:
    """Create the folders above a bind mount world-traversable (bwrap would make them 0700)."""
    args = []
    for parent in reversed(Path(path).parents):
        if str(parent) not in ("/", "/tmp"):
            args += ["--perms", "0755", "--dir", str(parent)]
    return args


def _hidden_packages() -> list[str]:
    """An empty read-only tmpfs over each of HIDDEN_PACKAGES' folders: importing one fails in the kernel."""
    args = []
    for name in HIDDEN_PACKAGES:
        spec = importlib.util.find_spec(name)  # finds the folder without importing the package
        for folder in (spec.submodule_search_locations or []) if spec else []:
            args += ["--tmpfs", folder, "--remount-ro", folder]
    return args


def bwrap_command(connection_file: Path, cwd: Path, uid: int, extra: list[str],
                  program: list[str] | None = None) -> list[str]:
    """bwrap, then setpriv to `uid`, then `program` (the kernel; the fork server's placeholder)."""
    folder = connection_file.parent
    cmd = [bwrap_path(),
           "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
           "--die-with-parent", "--new-session", "--hostname", "llm-grader",
           *_system_binds(),
           "--proc", "/proc", "--dev", "/dev",
           # tmpfs mounts of this launcher's own (see private_tmpfs): capped in bytes and in number of files
           "--bind", str(folder / "tmp"), "/tmp", "--bind", str(folder / "shm"), "/dev/shm",  # joblib's semaphores
           # after the private /tmp: a checkout or virtual environment under /tmp stays visible
           *_python_binds(), *_hidden_packages(),
           *_parents(cwd), "--ro-bind", str(cwd), str(cwd)]
    # notebooks in the working folder: during autograde this is the notebook with the hidden tests
    for notebook in sorted(cwd.glob("*.ipynb")) + sorted(cwd.glob(".*.ipynb")):
        cmd += ["--ro-bind", "/dev/null", str(notebook)]
    cmd += [*_parents(folder), "--bind", str(folder), str(folder), "--chdir", str(cwd), "--clearenv"]
    for var, value in sandbox_env().items():
        cmd += ["--setenv", var, value]
    # drop to the kernel's own uid inside the sandbox: rlimits such as RLIMIT_NPROC bind a non-root uid only
    cmd += ["/usr/bin/setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
            "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"]
    return cmd + (program or kernel_command(folder / CONNECTION_COPY, extra))


def kernel_command(connection_copy: Path, extra: list[str]) -> list[str]:
    """The kernel as the cold path runs it inside the sandbox (the fork server runs the same app in-process)."""
    # -P: the working folder is not on sys.path, so a submitted file named like a module that Python or IPython
    # imports at start-up (sitecustomize.py, storemagic.py) never runs before the kernel is ready
    return [sys.executable, "-P", "-m", "ipykernel_launcher", "-f", str(connection_copy), *KERNEL_ARGS, *extra]


def sandbox_env() -> dict[str, str]:
    """The kernel's whole environment (bwrap --clearenv, then these; the fork server starts with exactly these)."""
    env = {"PATH": f"{os.path.dirname(sys.executable)}:/usr/bin:/bin", "HOME": "/tmp", "IPYTHONDIR": "/tmp/.ipython",
           "MPLCONFIGDIR": "/tmp/.matplotlib", "JUPYTER_PLATFORM_DIRS": "1", "PYTHONDONTWRITEBYTECODE": "1",
           "LLM_GRADER_SANDBOX": "1"}
    env |= {var: os.environ[var] for var in PASS_ENV if var in os.environ}
    # one thread per kernel: graders run notebooks side by side, and torch's thread pool under contention turns
    # a 0.2 s cell into 10 s (measured at load 25 on 2 cores); LLM_GRADER_THREADS changes it
    threads = os.environ.get("LLM_GRADER_THREADS", "1")
    env |= {var: threads for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")}
    return env


def private_tmpfs(folders: list[Path], size: int = TMP_BYTES, files: int = TMP_FILES) -> None:
    """Mount a tmpfs of `size` bytes and at most `files` inodes on each folder, in a mount namespace of this
    process's own (the host never sees them; they vanish with the kernel). bwrap's own --tmpfs has a size
    option but no limit on the number of files."""
    libc = ctypes.CDLL(None, use_errno=True)
    clone_newns, ms_rec, ms_private, ms_nosuid, ms_nodev = 0x00020000, 0x4000, 1 << 18, 2, 4

    def call(result: int, what: str) -> None:
        if result != 0:
            raise SandboxError(f"{what} failed: {os.strerror(ctypes.get_errno())}")

    call(libc.unshare(clone_newns), "unshare(CLONE_NEWNS)")
    call(libc.mount(b"none", b"/", None, ms_rec | ms_private, None), "making / private")
    for folder in folders:
        folder.mkdir(mode=0o700, exist_ok=True)
        options = f"size={size},nr_inodes={files},mode=1777".encode()
        call(libc.mount(b"tmpfs", str(folder).encode(), b"tmpfs", ms_nosuid | ms_nodev, options),
             f"mounting a tmpfs on {folder}")


def limits() -> dict[str, int]:
    """name -> value of every rlimit of the kernel (LIMITS, with the environment's overrides)."""
    return {name: int(os.environ.get(env, default)) if env else default for name, (_, default, env) in LIMITS.items()}


def set_limits(values: dict[str, int] | None = None) -> dict[str, int]:
    """Apply the rlimits to this process; bwrap and the kernel inherit them."""
    values = limits() if values is None else values
    for name, value in values.items():
        resource.setrlimit(LIMITS[name][0], (value, value))
    return values


KEYCTL = {"x86_64": 250, "aarch64": 219}  # keyctl(2)'s syscall number (glibc has no wrapper)
KEYCTL_GET_KEYRING_ID, KEYCTL_JOIN_SESSION_KEYRING, KEY_SPEC_SESSION_KEYRING = 0, 1, -3


def keyctl(*args: int | None) -> int:
    """keyctl(2) through libc's syscall(); -errno on failure."""
    libc = ctypes.CDLL(None, use_errno=True)
    number = KEYCTL.get(platform.machine())
    if number is None:
        return -errno.ENOSYS
    done = libc.syscall(ctypes.c_long(number), *(ctypes.c_long(0 if a is None else a) for a in args))
    return done if done >= 0 else -ctypes.get_errno()


def new_session_keyring() -> None:
    """Give the kernel an empty session keyring of its own: it would otherwise share the grader's (ssh, sudo and
    containers give one), a channel to every other notebook and a view of the grader's keys. Where keyctl is
    refused to this process (a container's seccomp profile), it is refused to the kernel too."""
    done = keyctl(KEYCTL_JOIN_SESSION_KEYRING, None)
    if done < 0 and -done not in (errno.ENOSYS, errno.EPERM, errno.EACCES):
        raise SandboxError(f"cannot give the kernel a session keyring of its own: {os.strerror(-done)}")


def kernel_uid(pid: int, base: int = UID_BASE) -> int:
    """The kernel's uid, base + pid, refused when it could be anybody else's: an account or group of this system
    (through NSS, so a directory service's too), or outside the range the fork server accepts."""
    import grp
    import pwd
    if not 65_536 <= base <= 2**31 - UID_SPAN:
        raise SandboxError(f"LLM_GRADER_UID_BASE={base} is not a range of sandbox uids: choose a base between "
                           f"65536 and {2**31 - UID_SPAN} that no account uses")
    uid = base + pid
    for kind, lookup in (("user", pwd.getpwuid), ("group", grp.getgrgid)):
        try:
            name = lookup(uid)[0]
        except KeyError:
            continue
        raise SandboxError(f"uid {uid} (LLM_GRADER_UID_BASE {base} + pid {pid}) is the {kind} {name!r} of this "
                           f"system: set LLM_GRADER_UID_BASE to the start of {UID_SPAN} ids that no account uses")
    return uid


def die_with_parent(parent: int) -> None:
    """SIGKILL this process when `parent` (nbgrader's jupyter_client) exits, as bwrap --die-with-parent does."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(1, signal.SIGKILL, 0, 0, 0) != 0:  # PR_SET_PDEATHSIG
        raise SandboxError(f"prctl(PR_SET_PDEATHSIG) failed: {os.strerror(ctypes.get_errno())}")
    if os.getppid() != parent:  # the parent died before the signal was armed
        raise SandboxError("the grader exited while the kernel was starting")


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] != "-f":
        print("usage: launch.py -f CONNECTION_FILE [kernel arguments...]", file=sys.stderr)
        return 2
    connection_file = Path(argv[1]).resolve()
    extra = argv[2:]
    parent = os.getppid()
    try:
        die_with_parent(parent)  # nbgrader gone: so is this launcher (the fork path's kernel with it)
        _read_connection(connection_file)
        folder = connection_file.parent
        _check_private(folder, connection_file)
        if os.geteuid() != 0:
            raise SandboxError("launch.py must start as root to give the kernel a uid of its own "
                               "(the grader runs as root in this project's container)")
        uid = kernel_uid(os.getpid())
        copy = folder / CONNECTION_COPY
        shutil.copyfile(connection_file, copy)
        os.chown(copy, uid, uid)
        os.chmod(copy, 0o400)
        private_tmpfs([folder / "tmp", folder / "shm"])
        os.chown(folder, uid, uid)
        os.chmod(folder, 0o700)
        cmd = bwrap_command(connection_file, Path.cwd().resolve(), uid, extra)
        new_session_keyring()
    except (SandboxError, OSError, ValueError) as error:
        print(f"llm-grader sandbox: {error}", file=sys.stderr)
        return 1
    set_limits()
    # The kernel gets neither of the grader's output streams: its stdout (banners, student code's raw fd 1) and
    # its stderr would otherwise reach nbgrader's log unbounded, where a forged "error processing assignment ...
    # for student 'x'" line could cost another student their grade. Outputs reach the grader through the kernel's
    # messages only, capped there. (bwrap's own errors are lost with it: the checks above run first.)
    devnull = os.open(os.devnull, os.O_WRONLY)
    if os.environ.get(FORK_SERVER):  # the kernel is the fork server's child: launch.py's stderr is never its
        return run_forked(os.environ[FORK_SERVER], connection_file, Path.cwd().resolve(), uid, extra)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.execv(cmd[0], cmd)
    return 1  # not reached


def _read_until(fd: int, done, what: str, limit: int = 1 << 16) -> bytes:
    """Read `fd` until done(data) (or end of file, an error)."""
    data = b""
    while not done(data):
        chunk = os.read(fd, 4096)
        if not chunk or len(data) > limit:
            raise SandboxError(f"bwrap stopped before {what}")
        data += chunk
    return data


def _json_complete(data: bytes) -> bool:
    try:
        json.loads(data)
        return True
    except ValueError:
        return False


def _parent_of(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("PPid:"):
            return int(line.split()[1])
    raise SandboxError(f"no parent in /proc/{pid}/status")


def placeholder_sandbox(connection_file: Path, cwd: Path, uid: int, extra: list[str]) -> tuple[subprocess.Popen, int]:
    """bwrap exactly as for the cold path, running a placeholder; returns it once every mount is in place, and a
    pidfd of the sandbox's first process (whose namespaces the fork server enters): a pidfd, not a pid number,
    so the server can never be sent into another process that inherited the number."""
    ready_r, ready_w = os.pipe()
    info_r, info_w = os.pipe()
    if ready_w > 9:
        raise SandboxError("no single-digit file descriptor left for the placeholder's readiness pipe")
    # the placeholder says "ready" once it runs (bwrap has built the sandbox), closes the pipe and waits. It runs
    # as the kernel's uid, so the kernel could open its descriptors: they are /dev/null, never the grader's.
    program = ["/bin/sh", "-c", f"echo ready >&{ready_w}; exec sleep infinity {ready_w}>&-"]
    cmd = bwrap_command(connection_file, cwd, uid, extra, program=program)
    proc = subprocess.Popen([cmd[0], "--info-fd", str(info_w), *cmd[1:]], pass_fds=(ready_w, info_w),
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(ready_w)
    os.close(info_w)
    try:
        info = json.loads(_read_until(info_r, _json_complete, "it said its child's pid"))
        _read_until(ready_r, lambda d: d.endswith(b"\n"), "the placeholder ran")
        child = int(info["child-pid"])
        pidfd = os.pidfd_open(child)
        # bwrap (our child, not yet reaped) has one child, the sandbox's first process: if the pidfd's process
        # is that child now, it was when the pidfd was opened, and the pidfd refers to it for good
        if proc.poll() is not None or _parent_of(child) != proc.pid:
            os.close(pidfd)
            raise SandboxError("the sandbox's first process exited before the kernel could start in it")
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    finally:
        os.close(info_r)
        os.close(ready_r)
    return proc, pidfd


def run_forked(server: str, connection_file: Path, cwd: Path, uid: int, extra: list[str]) -> int:
    """The kernel forked by the fork server (forkserver.py) into a sandbox bwrap built as for the cold path.
    This launcher stays its parent for jupyter_client: when jupyter_client kills it, or nbgrader exits (the
    parent-death signal), bwrap dies with it, hence the sandbox's pid namespace and the kernel in it; the server's
    helper also kills the kernel once this launcher's connection closes."""
    proc, pidfd = None, -1
    try:
        proc, pidfd = placeholder_sandbox(connection_file, cwd, uid, extra)
        request = {"uid": uid, "cwd": str(cwd), "limits": limits(),
                   "argv": ["-f", str(connection_file.parent / CONNECTION_COPY), *KERNEL_ARGS, *extra]}
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.connect(server)
            socket.send_fds(conn, [json.dumps(request).encode() + b"\n"], [pidfd])
            os.close(pidfd)
            pidfd = -1
            answer = conn.makefile("r").read()  # "started\n" then "exit <code>\n" when the kernel exits
        code = answer.split()[-1] if answer.startswith("started\n") else ""
        return int(code) if code.lstrip("-").isdigit() else 1
    except (SandboxError, OSError, ValueError) as error:
        print(f"llm-grader sandbox: {error}", file=sys.stderr)
        return 1
    finally:
        if pidfd >= 0:
            os.close(pidfd)
        if proc is not None:
            proc.kill()  # the placeholder's sandbox: its pid namespace, whatever the student left in it
            proc.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
