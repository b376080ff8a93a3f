"""Where the CPU goes when a class is graded: CPU-seconds per notebook, split by phase (issue 14).

    cd autograder && ../.venv/bin/python -m grading.bench lora 6            # 6 copies of the reference
    ../.venv/bin/python -m grading.bench lora 6 --kind release
    ../.venv/bin/python -m grading.bench class --students 40 lora ulmfit   # `make grade` of a class (CPU, wall)

One `nbgrader autograde` grades N copies of a submission in a throwaway course (grading.course). CPU is counted
by the kernel, not by a clock: the nbgrader process and everything it starts run in a cpuacct cgroup of their
own, and the sandboxed kernels in a child cgroup of it (a kernelspec that joins it before it execs the real
launcher), so a loaded machine changes the wall time but not these numbers. Inside nbgrader, time.process_time
and the kernels' cgroup are read at the boundaries of each phase (`instrument`). Needs root and cgroup v1's
cpuacct controller (this project's grading container has both).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

CPUACCT = Path("/sys/fs/cgroup/cpuacct")
PHASE_LINE = re.compile(r"bench: student (\S+): (\{.*\})")


class CpuGroup:
    """A cpuacct cgroup: processes written into it (and their children) are counted in `seconds`."""

    def __init__(self, path: Path):
        self.path = path
        path.mkdir(exist_ok=True)

    @property
    def seconds(self) -> float:
        return int((self.path / "cpuacct.usage").read_text()) / 1e9

    def remove(self) -> None:
        for child in sorted(self.path.iterdir(), reverse=True):
            if child.is_dir():
                child.rmdir()
        self.path.rmdir()


# ---------------------------------------------------------------------------------------------- inside nbgrader
def _kernel_seconds() -> float:
    path = os.environ.get("LLM_BENCH_KERNELS")
    return int(Path(path, "cpuacct.usage").read_text()) / 1e9 if path else 0.0


class _Phases:
    """CPU-seconds of the current student, per phase: nbgrader's process and the kernels' cgroup apart."""

    def __init__(self):
        self.student = None
        self.cpu: dict[str, float] = defaultdict(float)

    def add(self, phase: str, judge: float, kernel: float) -> None:
        self.cpu[phase + " (nbgrader)"] += judge
        self.cpu[phase + " (kernel)"] += kernel

    def flush(self, log) -> None:
        if self.student is not None:
            log.info("bench: student %s: %s", self.student, json.dumps({k: round(v, 4) for k, v in self.cpu.items()}))
        self.student, self.cpu = None, defaultdict(float)


PHASES = _Phases()


def _timed(cls, name: str, phase, is_async: bool = False) -> None:
    """Wrap cls.name so that its CPU (nbgrader's and the kernels') is added to phase(self, *args)."""
    original = getattr(cls, name)

    def before():
        return time.process_time(), _kernel_seconds()

    def after(start, self, args):
        label = phase(self, *args) if callable(phase) else phase
        if label:
            PHASES.add(label, time.process_time() - start[0], _kernel_seconds() - start[1])

    if is_async:
        async def wrapper(self, *args, **kwargs):
            start = before()
            try:
                return await original(self, *args, **kwargs)
            finally:
                after(start, self, args)
    else:
        def wrapper(self, *args, **kwargs):
            start = before()
            try:
                return original(self, *args, **kwargs)
            finally:
                after(start, self, args)
    setattr(cls, name, wrapper)


def instrument() -> None:
    """Patch nbgrader's autograde and SecureExecute to log each student's CPU per phase (bench runs only)."""
    from nbclient.util import run_sync
    from nbgrader.converters.autograde import Autograde
    from nbgrader.converters.base import BaseConverter
    from nbgrader.preprocessors import SaveAutoGrades

    from judge.execute import SecureExecute

    start_init = Autograde.init_assignment

    def init_assignment(self, assignment_id, student_id):
        PHASES.flush(self.log)
        if not _seen:
            _seen.add("startup")
            self.log.info("bench: startup: %s", json.dumps({"nbgrader start and imports": time.process_time()}))
        PHASES.student = student_id
        t, k = time.process_time(), _kernel_seconds()
        try:
            return start_init(self, assignment_id, student_id)
        finally:
            PHASES.add("gradebook: student, submission, file copies", time.process_time() - t, _kernel_seconds() - k)

    _seen: set[str] = set()
    Autograde.init_assignment = init_assignment
    _timed(BaseConverter, "convert_single_notebook",
           lambda self, *a: "sanitize (read, 5 preprocessors, write)" if self._sanitizing else "autograde pass, total")
    _timed(SaveAutoGrades, "preprocess", "gradebook: save grades")
    _timed(SecureExecute, "preprocess", "execute, total")
    _timed(SecureExecute, "async_start_new_kernel_client", "kernel start (to ready)", is_async=True)
    SecureExecute.start_new_kernel_client = run_sync(SecureExecute.async_start_new_kernel_client)

    def cell_phase(self, cell, resources, index):
        if cell.cell_type != "code" or index in self._graded:
            return None
        return "set-up cells (import torch)" if id(cell) in self._setup else "student cells"

    _timed(SecureExecute, "preprocess_cell", cell_phase)
    _timed(SecureExecute, "_judge_cell", "checks (probes + judging)")

    finish = Autograde.start

    def start(self):
        try:
            return finish(self)
        finally:
            PHASES.flush(self.log)
    Autograde.start = start


def _nbgrader_main() -> None:
    """`python -m grading.bench _nbgrader <nbgrader arguments>`: nbgrader, instrumented."""
    instrument()
    from nbgrader.apps.nbgraderapp import main
    sys.argv = ["nbgrader", *sys.argv[2:]]
    main()


# ---------------------------------------------------------------------------------------------- the bench
KERNEL_JSON = {"display_name": "llm-grader (bench: joins a cpuacct cgroup first)", "language": "python",
               "interrupt_mode": "message", "metadata": {"debugger": False}}


def bench_kernels(folder: Path, group: CpuGroup) -> Path:
    """A kernels folder whose llm-grader kernelspec joins `group`, then execs the real sandbox launcher."""
    from .paths import AUTOGRADER
    spec = folder / "llm-grader"
    spec.mkdir(parents=True, exist_ok=True)
    launch = AUTOGRADER / "sandbox" / "launch.py"
    script = f'echo $$ > {group.path}/cgroup.procs && exec {sys.executable} {launch} -f "$0"'
    (spec / "kernel.json").write_text(json.dumps(KERNEL_JSON | {"argv": ["/bin/sh", "-c", script, "{connection_file}"]}))
    return folder


def run(assignment: str, copies: int, kind: str = "reference", extra: tuple[str, ...] = ()) -> dict:
    """Grade `copies` copies of one submission in one nbgrader process; CPU-seconds per phase and in total."""
    from . import catalogue
    from .course import Course
    from .paths import AUTOGRADER, nbgrader_env

    make = {"reference": catalogue.reference_submission, "release": catalogue.release_submission}[kind]
    subs = [make(assignment, f"{kind}-{i:03d}") for i in range(copies)]
    everything = CpuGroup(CPUACCT / f"llm-bench-{os.getpid()}")
    kernels = CpuGroup(everything.path / "kernels")
    try:
        with Course() as course:
            course.generate(assignment)
            course.submit(assignment, subs)
            env = nbgrader_env() | {"LLM_BENCH_KERNELS": str(kernels.path), "PYTHONPATH": str(AUTOGRADER)}
            kdir = bench_kernels(course.root / "bench-kernels", kernels)
            cmd = [sys.executable, "-m", "grading.bench", "_nbgrader", "autograde", assignment, "--force",
                   f"--SecureExecute.kernels_dir={kdir}", *extra]
            wall = time.monotonic()
            proc = subprocess.Popen(cmd, cwd=course.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    text=True, preexec_fn=lambda: (everything.path / "cgroup.procs").write_text("0"))
            log, _ = proc.communicate(timeout=120 + 60 * copies)
            wall = time.monotonic() - wall
            scores = course.scores(assignment, [s.student for s in subs])
            total, kernel = everything.seconds, kernels.seconds
    finally:
        time.sleep(0.5)  # the last kernel's processes leave the cgroup
        everything.remove()
    rows = {m.group(1): json.loads(m.group(2)) for m in PHASE_LINE.finditer(log)}
    startup = re.search(r"bench: startup: (\{.*\})", log)
    return {"assignment": assignment, "kind": kind, "copies": copies, "wall": wall, "cpu": total,
            "cpu kernels": kernel, "returncode": proc.returncode, "rows": rows,
            "startup": json.loads(startup.group(1)) if startup else {},
            "scores": sorted({(r.score, r.max_score) for r in scores.values()}, key=str), "log": log}


def summary(result: dict) -> str:
    """Median CPU-seconds per notebook and phase (the first notebook, which loads the judge, left out)."""
    rows = list(result["rows"].values())
    later = rows[1:] or rows
    phases = sorted({k for r in rows for k in r})
    n = result["copies"]
    lines = [f"{result['assignment']} ({result['kind']} x {n}, scores {result['scores']}): wall {result['wall']:.1f} s, "
             f"CPU {result['cpu']:.1f} s ({result['cpu'] / n:.2f} s a notebook; kernels {result['cpu kernels']:.1f} s), "
             f"nbgrader start and imports {result['startup'].get('nbgrader start and imports', 0):.2f} s"]
    if rows:
        lines.append("  first notebook: " + ", ".join(f"{k} {v:.2f}" for k, v in rows[0].items() if v >= 0.01))
    for phase in phases:
        values = [r.get(phase, 0.0) for r in later]
        lines.append(f"  {phase:48s} median {statistics.median(values):6.3f} s")
    return "\n".join(lines)


def class_submissions(assignment: str, students: int) -> list:
    """A class of one assignment: the reference, the release and each mutant in turn, `students` in all."""
    from . import catalogue
    makers = [lambda s: catalogue.reference_submission(assignment, s),
              lambda s: catalogue.release_submission(assignment, s)]
    makers += [lambda s, m=m: catalogue.mutant_submission(m, s) for m in catalogue.mutants(assignment)]
    return [makers[i % len(makers)](f"student-{i:04d}") for i in range(students)]


def grade_a_class(assignments: list[str], students: int, workers: int, extra: tuple[str, ...] = ()) -> dict:
    """`make grade` (grading.workflow.grade_class: one nbgrader process per worker) of every assignment in turn,
    in a throwaway course; wall time and CPU-seconds of everything it ran (cgroup), per notebook."""
    from .course import Course
    from .workflow import grade_class

    group = CpuGroup(CPUACCT / f"llm-bench-class-{os.getpid()}")
    out = {"notebooks": 0, "graded": 0, "wall": 0.0, "cpu": 0.0, "per assignment": {}}
    try:
        with Course() as course:
            for a in assignments:
                course.generate(a)
                course.submit(a, class_submissions(a, students))
            (group.path / "cgroup.procs").write_text(str(os.getpid()))  # this process and all it starts
            for a in assignments:
                cpu, wall = group.seconds, time.monotonic()
                done = grade_class(course.root, a, None, workers, True, extra, sync=False)
                wall, cpu = time.monotonic() - wall, group.seconds - cpu
                graded = sum(r.status == "graded" for r in done.reports)
                out["per assignment"][a] = {"notebooks": len(done.regraded), "graded": graded, "wall": wall,
                                            "cpu": cpu, "scores": sorted({r.score for r in done.reports}, key=str)}
                out["notebooks"] += len(done.regraded)
                out["graded"] += graded
                out["wall"] += wall
                out["cpu"] += cpu
    finally:
        (CPUACCT / "cgroup.procs").write_text(str(os.getpid()))
        time.sleep(0.5)
        group.remove()
    return out


def main(argv: list[str]) -> int:
    if argv[:1] == ["_nbgrader"]:
        _nbgrader_main()
        return 0
    if argv[:1] == ["class"]:
        parser = argparse.ArgumentParser(prog="python -m grading.bench class")
        parser.add_argument("--students", type=int, default=20)
        parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
        parser.add_argument("assignments", nargs="*")
        args, extra = parser.parse_known_args(argv[1:])
        from .notebooks import assignments
        result = grade_a_class(args.assignments or assignments(), args.students, args.workers, tuple(extra))
        for a, r in result["per assignment"].items():
            print(f"{a}: {r['notebooks']} notebooks ({r['graded']} graded), wall {r['wall']:.1f} s, CPU {r['cpu']:.1f} s "
                  f"({r['cpu'] / max(1, r['notebooks']):.2f} s a notebook), scores {r['scores']}")
        n = max(1, result["notebooks"])
        print(f"class: {result['notebooks']} notebooks, {args.workers} workers, wall {result['wall']:.1f} s "
              f"({result['wall'] / n:.2f} s a notebook), CPU {result['cpu']:.1f} s ({result['cpu'] / n:.2f} s a notebook)")
        return 0
    parser = argparse.ArgumentParser(prog="python -m grading.bench", description=__doc__.splitlines()[0])
    parser.add_argument("assignment")
    parser.add_argument("copies", type=int)
    parser.add_argument("--kind", default="reference", choices=["reference", "release"])
    parser.add_argument("--log", help="write nbgrader's log here")
    args, extra = parser.parse_known_args(argv)
    result = run(args.assignment, args.copies, args.kind, tuple(extra))
    if args.log:
        Path(args.log).write_text(result["log"])
    print(summary(result))
    return 0 if result["returncode"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
