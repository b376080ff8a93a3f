"""The sandboxed kernel's command line, and one real kernel: what it starts with and what it cannot reach."""
import json
import os
import shutil
import tempfile
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
