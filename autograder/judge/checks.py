"""What a hidden test is: a check, run by the judge, that sends probes to the student's kernel and judges the data.

A hidden-test module (autograder/hidden/<assignment>.py) holds, for each graded cell, one check:

    @check("lora_linear_init")
    def lora_linear_init(student: Student, rng: random.Random) -> None:
        got = student.run(probe_init, k=5, d=7, r=2, alpha=4.0)   # runs in the sandbox, returns data
        expect(got["B_zero"] is True, "B must start at zero")        # judged here

Probes are plain functions `probe(ns, **inputs)` whose source is sent to the kernel with the inputs; `ns` is the
notebook's namespace. They return data (numbers, strings, lists, dicts, tensors) and never judge anything:
a probe is public, the check that reads its answer is not.
"""
from __future__ import annotations

import ast
import builtins
import importlib.util
import inspect
import math
import random
import symtable
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import torch

from .wire import Opaque, ProbeRaised, WireError, decode, encode_args


class CheckFailed(AssertionError):
    """The student's answer is wrong; the message says what is wrong, never the expected value's secret."""


class NotJudged(Exception):
    """The judge could not decide (no answer in time, malformed data, a dead kernel): the check earns nothing
    and the notebook is flagged for an instructor."""


def expect(condition: bool, message: str) -> None:
    """Fail the check with `message` unless `condition` is exactly True."""
    if condition is not True:
        raise CheckFailed(message)


def close(got, want, what: str, atol: float = 1e-5, rtol: float = 1e-4) -> None:
    """`got` (from the student) equals `want` (computed here) within tolerances fit for float32 arithmetic."""
    if isinstance(want, torch.Tensor):
        expect(isinstance(got, torch.Tensor), f"{what}: expected a tensor, got {describe(got)}")
        expect(tuple(got.shape) == tuple(want.shape),
               f"{what} has shape {tuple(got.shape)}, expected {tuple(want.shape)}")
        got64, want64 = got.double(), want.double()
        expect(bool(torch.isfinite(got64).all()), f"{what} contains nan or inf")
        # the error float32 arithmetic makes grows with the size of the numbers involved, not of each entry
        err = (got64 - want64).abs().max().item() if want64.numel() else 0.0
        scale = want64.abs().max().item() if want64.numel() else 0.0
        expect(err <= atol + rtol * scale, f"{what} is wrong (largest difference {err:.3g})")
    else:
        expect(isinstance(got, (int, float)) and not isinstance(got, bool),
               f"{what}: expected a number, got {describe(got)}")
        expect(math.isfinite(got) and abs(got - want) <= atol + rtol * abs(want),
               f"{what} is {got!r}, which is wrong")


def describe(value) -> str:
    """A short description of a value that came from the kernel, for a message."""
    if isinstance(value, Opaque):
        return f"an object of type {value}"
    if isinstance(value, torch.Tensor):
        return f"a tensor of shape {tuple(value.shape)}"
    return f"{type(value).__name__} {str(value)[:60]}"


def randn(rng: random.Random, *shape: int) -> torch.Tensor:
    """A float32 tensor of standard normal numbers drawn from `rng` (the check's secret stream)."""
    return torch.randn(*shape, generator=torch.Generator().manual_seed(rng.getrandbits(62)))


# ------------------------------------------------------------------------------------------ probes

def uses(*helpers: Callable) -> Callable:
    """Decorator: send these helper functions' source with the probe (a probe may call them by name)."""

    def mark(probe: Callable) -> Callable:
        probe.__helpers__ = helpers
        return probe

    return mark


def probe_source(probe: Callable) -> str:
    """The probe's source and its helpers', as sent to the kernel (no decorators, no module globals)."""
    parts = [*getattr(probe, "__helpers__", ()), probe]
    return "\n\n".join(_undecorated(textwrap.dedent(inspect.getsource(f))) for f in parts)


def _undecorated(source: str) -> str:
    lines = source.splitlines()
    while lines and lines[0].startswith("@"):
        lines.pop(0)
    return "\n".join(lines) + "\n"


def probe_globals(probe: Callable) -> set[str]:
    """Names a probe reads that are neither its own nor builtins (should be empty: probes are self-contained)."""
    source = probe_source(probe)
    free = set()

    def walk(t):
        for s in t.get_symbols():
            if s.is_global() and not hasattr(builtins, s.get_name()):
                free.add(s.get_name())
        for child in t.get_children():
            walk(child)

    for child in symtable.symtable(source, "<probe>", "exec").get_children():
        walk(child)
    return free - {f.__name__ for f in getattr(probe, "__helpers__", ())}


def probe_asserts(probe: Callable) -> bool:
    """Whether a probe contains an assert (probes return data; judging happens in the check)."""
    return any(isinstance(n, ast.Assert) for n in ast.walk(ast.parse(probe_source(probe))))


class Student:
    """The student's kernel as a check sees it: `run(probe, **inputs)` returns the probe's answer as data."""

    def __init__(self, send: Callable[[str, str, str, float], str], timeout: float = 10.0):
        self._send, self.timeout, self.calls = send, timeout, 0

    def run(self, probe: Callable, /, timeout: float | None = None, **inputs):
        self.calls += 1
        text = self._send(probe_source(probe), probe.__name__, encode_args(inputs), timeout or self.timeout)
        try:
            return decode(text)
        except WireError as error:
            raise NotJudged(f"the kernel's answer to {probe.__name__} could not be read: {error}") from None
        except ProbeRaised as error:
            raise CheckFailed(f"your code raised {error.kind}: {error.message}"
                              + (f" ({error.where})" if error.where else "")) from None


# ------------------------------------------------------------------------------------------ the registry

def check(grade_id: str) -> Callable:
    """Register `fn(student, rng)` as the check of the graded cell `grade_id` in its module's CHECKS."""

    def register(fn: Callable) -> Callable:
        registry = fn.__globals__.setdefault("CHECKS", {})
        if grade_id in registry:
            raise ValueError(f"two checks for {grade_id!r} in {fn.__module__}")
        registry[grade_id] = fn
        return fn

    return register


def load(assignment: str, folder: Path) -> dict[str, Callable]:
    """The checks of one assignment: autograder/hidden/<assignment>.py, imported by path (never from a submission)."""
    path = Path(folder) / f"{assignment}.py"
    if not path.is_file():
        return {}
    spec = importlib.util.spec_from_file_location(f"llm_hidden_{assignment}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return dict(getattr(module, "CHECKS", {}))


@dataclass
class Verdict:
    passed: bool | None  # None: not judged (fails closed, flagged)
    message: str
    seconds: float
    calls: int


def judge(fn: Callable, student: Student, seed: int) -> Verdict:
    """Run one check against the student's kernel; every outcome becomes a Verdict, nothing is raised."""
    start = time.monotonic()
    try:
        fn(student, random.Random(seed))
        passed, message = True, "passed"
    except CheckFailed as error:
        passed, message = False, str(error)
    except NotJudged as error:
        passed, message = None, str(error)
    except Exception as error:  # a bug in the check itself, or data it did not expect: never the student's loss
        passed, message = None, f"the check could not judge this answer ({type(error).__name__}: {error})"
    return Verdict(passed, message, time.monotonic() - start, student.calls)
