"""The trusted side of grading, piece by piece and without nbgrader: the wire format, the checks' API, every
hidden test's probes, the import rule, and the regular-files entry. Fast: no kernel is started."""
from __future__ import annotations

import base64
import json
import os
import random
from pathlib import Path

import nbformat
import pytest
import torch

import grading
from judge import checks, files, wire
from sandbox.validator import validate

HIDDEN = grading.AUTOGRADER / "hidden"


# ------------------------------------------------------------------------------------------ the wire


def kernel_answer(probe_source: str, name: str, args: dict, ns: dict | None = None) -> str:
    """What the kernel half sends back, run here on a namespace (as the student's kernel would)."""
    namespace = dict(ns or {})
    exec(wire.KERNEL_RUNTIME, namespace)
    return namespace["__llm_probe"](probe_source, name, wire.encode_args(args))


def test_values_and_tensors_cross_intact():
    source = ("def probe(ns, x, n):\n    import numpy\n    return {'y': x * 2, 'n': n + 1, 'f': 0.5, 'b': True,\n"
              "            'none': None, 'list': [1, 'a'], 'np': numpy.arange(3), 'i': numpy.int64(7),\n"
              "            'nan': float('nan'), 'half': x.half(), 'obj': object()}\n")
    x = torch.randn(2, 3)
    got = wire.decode(kernel_answer(source, "probe", {"x": x, "n": 4}))
    assert torch.equal(got["y"], x * 2) and got["y"].dtype == torch.float32
    assert got["n"] == 5 and got["f"] == 0.5 and got["b"] is True and got["none"] is None
    assert got["list"] == [1, "a"] and torch.equal(got["np"], torch.arange(3)) and got["i"] == 7
    assert got["nan"] != got["nan"] and got["half"].dtype == torch.float16
    assert isinstance(got["obj"], wire.Opaque) and got["obj"] == "builtins.object"


def test_an_exception_in_student_code_comes_back_as_a_report():
    ns = {}
    exec("def lora_params(k, d, r):\n    raise ValueError('not yet')\n", ns)
    text = kernel_answer("def probe(ns):\n    return ns['lora_params'](1, 2, 3)\n", "probe", {}, ns)
    with pytest.raises(wire.ProbeRaised) as error:
        wire.decode(text)
    assert error.value.kind == "ValueError" and error.value.message == "not yet"


def _array(dtype="float32", shape=(2,), data=None):
    data = data if data is not None else base64.b64encode(b"\0" * 8).decode()
    return {"__array__": {"dtype": dtype, "shape": list(shape), "data": data}}


@pytest.mark.parametrize("text, why", [
    ("not json", "not JSON"),
    (json.dumps({"ok": 1, "extra": 2}), "neither a value"),
    (json.dumps({"ok": _array(dtype="object")}), "not allowed"),
    (json.dumps({"ok": _array(shape=(3,))}), "bytes"),
    (json.dumps({"ok": _array(data="!!!")}), "base64"),
    (json.dumps({"ok": _array(shape=(-1,))}), "shape"),
    (json.dumps({"ok": {"__array__": {"dtype": "float32"}}}), "malformed array"),
    ('{"ok": NaN}', "constant"),
    (json.dumps({"ok": "x" * (wire.MAX_STRING + 1)}), "characters"),
    (json.dumps({"ok": [[[[[[[[[[1]]]]]]]]]]}), "nested"),
    (json.dumps({"ok": {"__float__": "1e9"}}), "non-finite"),
    (json.dumps({"raised": ["a", "b"]}), "malformed error report"),
    ("x" * (wire.MAX_TEXT_BYTES + 1), "characters"),
    (json.dumps({"ok": "gASVCAAAAAAAAACMBHBvc2l4lC4="}), None),  # a pickle is only ever a string here
])
def test_anything_but_bounded_plain_data_is_refused(text, why):
    if why is None:
        assert wire.decode(text) == "gASVCAAAAAAAAACMBHBvc2l4lC4="
        return
    with pytest.raises(wire.WireError, match=why):
        wire.decode(text)


def test_the_element_budget_bounds_memory():
    big = {"__array__": {"dtype": "uint8", "shape": [4096, wire.MAX_ELEMENTS // 4096 + 1], "data": ""}}
    with pytest.raises(wire.WireError, match="more than"):
        wire.decode(json.dumps({"ok": big}))


# ------------------------------------------------------------------------------------------ the checks' API


def test_close_scales_its_tolerance_with_the_numbers_involved():
    want = torch.tensor([1000.0, 1e-3])
    checks.close(want + torch.tensor([0.05, 0.05]), want, "y")  # float32 rounding of a large sum
    with pytest.raises(checks.CheckFailed, match="shape"):
        checks.close(want[:1], want, "y")
    with pytest.raises(checks.CheckFailed, match="wrong"):
        checks.close(want * 1.01, want, "y")
    with pytest.raises(checks.CheckFailed, match="expected a number"):
        checks.close(True, 1.0, "count")
    checks.close(0.1 + 0.2, 0.3, "sum")


def test_expect_needs_exactly_true():
    checks.expect(True, "fine")
    for value in (1, "yes", [True], torch.tensor(True)):
        with pytest.raises(checks.CheckFailed):
            checks.expect(value, "only True passes")


def test_judge_turns_every_outcome_into_a_verdict():
    student = checks.Student(lambda *a: json.dumps({"ok": 3}))

    def passes(s, rng):
        checks.expect(s.run(lambda ns: 0) == 3, "three")

    def fails(s, rng):
        checks.expect(False, "wrong")

    def crashes(s, rng):
        return {}["missing"]

    assert checks.judge(passes, student, 1).passed is True
    assert checks.judge(fails, student, 1).message == "wrong"
    verdict = checks.judge(crashes, student, 1)
    assert verdict.passed is None and "could not judge" in verdict.message
    broken = checks.Student(lambda *a: "{oops")
    assert checks.judge(passes, broken, 1).passed is None


def _probes():
    for assignment in grading.all_assignments():
        module = checks.load(assignment, HIDDEN)
        seen = set()
        for fn in module.values():
            for value in fn.__globals__.values():
                if callable(value) and getattr(value, "__name__", "").startswith("probe") and value not in seen:
                    seen.add(value)
                    yield assignment, value


PROBES = list(_probes())


@pytest.mark.parametrize("assignment, probe", PROBES, ids=[f"{a}.{p.__name__}" for a, p in PROBES])
def test_probes_are_self_contained_and_judge_nothing(assignment, probe):
    """A probe's source is all that reaches the kernel: it may use no hidden-test global and assert nothing."""
    assert checks.probe_globals(probe) == set(), f"{probe.__name__} reads module globals"
    assert not checks.probe_asserts(probe), f"{probe.__name__} asserts: judge in the check instead"
    compile(checks.probe_source(probe), "<probe>", "exec")


def _namespace(assignment: str, cells: dict[str, str]) -> dict:
    """The notebook's namespace after its import cell and the given solution cells ran (here, in-process)."""
    nb = nbformat.read(grading.source_path(assignment), as_version=4)
    ns: dict = {}
    for cell in nb.cells:
        md = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code":
            continue
        if md.get("solution"):
            exec(cells[md["grade_id"]], ns)
        elif md.get("locked") and not md.get("grade") and md.get("grade_id") in ("imports", "setup"):
            exec(cell.source, ns)
    return ns


class LocalStudent(checks.Student):
    """A Student whose kernel is this process: the probes run on the master's reference code (tests only)."""

    def __init__(self, ns: dict):
        super().__init__(lambda source, name, args, timeout: self._answer(source, name, args))
        self.ns = ns

    def _answer(self, source, name, args):
        namespace: dict = {}
        exec(wire.KERNEL_RUNTIME, namespace)
        return namespace["__llm_probe"](source, name, args, self.ns)


ASSIGNMENTS_WITH_CHECKS = [a for a in grading.all_assignments() if checks.load(a, HIDDEN)]


@pytest.mark.parametrize("assignment", ASSIGNMENTS_WITH_CHECKS)
def test_every_graded_cell_has_a_check_and_the_reference_passes_it(assignment):
    nb = nbformat.read(grading.source_path(assignment), as_version=4)
    graded = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
              if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata["nbgrader"].get("solution")]
    registered = checks.load(assignment, HIDDEN)
    assert sorted(graded) == sorted(registered), "graded cells and hidden checks differ"
    ns = _namespace(assignment, grading.reference_cells(assignment))
    for grade_id, fn in registered.items():
        for seed in (1, 2):
            verdict = checks.judge(fn, LocalStudent(ns), seed)
            assert verdict.passed is True, f"{grade_id} (seed {seed}): {verdict.message}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS_WITH_CHECKS)
def test_graded_cells_hold_no_test_code(assignment):
    """Nothing secret is in a notebook: a graded cell is a comment that says what is graded."""
    nb = nbformat.read(grading.source_path(assignment), as_version=4)
    for cell in nb.cells:
        md = cell.metadata.get("nbgrader", {})
        if md.get("grade") and not md.get("solution"):
            code = [line for line in cell.source.splitlines() if line.strip() and not line.strip().startswith("#")]
            assert code == [], f"{md['grade_id']} holds code: {code[:2]}"
            assert f"({md['points']:g} point" in cell.source, f"{md['grade_id']} does not show its points"


# ------------------------------------------------------------------------------------------ the import rule


def test_only_the_imports_an_exercise_forbids_are_refused():
    assert validate("import torch\nimport numpy as np\nfrom collections import Counter\nimport matplotlib.pyplot") == []
    assert validate("help(torch)\ndir(x)\n%timeit f()\nclass A:\n    def __eq__(s, o):\n        return True") == []
    assert validate("def f(:\n    pass") == []  # a syntax error is Python's to report, with the student's line
    refused = validate("import peft\nfrom sklearn.metrics import f1_score\n__import__('transformers')")
    assert [v.construct for v in refused] == ["import peft", "import sklearn.metrics", "import transformers"]
    assert "write the code" in str(refused[0])


# ------------------------------------------------------------------------------------------ regular files


def _irregular_folder(tmp_path: Path) -> Path:
    sub = tmp_path / "submitted" / "alice" / "lora"
    sub.mkdir(parents=True)
    (sub / "lora.ipynb").write_text("{}")
    secret = tmp_path / "gradebook.db"
    secret.write_text("GRADEBOOK")
    (sub / "notes.txt").symlink_to(secret)
    (sub / "data").symlink_to(tmp_path)
    os.link(secret, sub / "hard.txt")
    os.mkfifo(sub / "pipe")
    (sub / "big.bin").write_bytes(b"0" * (files.MAX_FILE_BYTES + 1))
    (sub / "keep.txt").write_text("mine")
    return sub


def test_autograde_hook_moves_everything_irregular_aside(tmp_path):
    sub = _irregular_folder(tmp_path)
    notebooks = [str(sub / "lora.ipynb")]
    files.autograde_hook("lora", "*", notebooks)
    assert sorted(p.name for p in sub.iterdir()) == ["keep.txt", "lora.ipynb"]
    aside = tmp_path / "refused" / "alice" / "lora"
    assert sorted(p.name for p in aside.iterdir()) == ["big.bin", "data", "hard.txt", "notes.txt", "pipe"]
    assert (tmp_path / "gradebook.db").read_text() == "GRADEBOOK" and notebooks == [str(sub / "lora.ipynb")]


def test_a_symlinked_notebook_is_not_graded(tmp_path):
    sub = tmp_path / "submitted" / "bob" / "lora"
    sub.mkdir(parents=True)
    (tmp_path / "other.ipynb").write_text("{}")
    (sub / "lora.ipynb").symlink_to(tmp_path / "other.ipynb")
    notebooks = [str(sub / "lora.ipynb")]
    files.autograde_hook("lora", "*", notebooks)
    assert notebooks == [] and not (sub / "lora.ipynb").exists()


def test_collect_copies_regular_files_only(tmp_path):
    sub = _irregular_folder(tmp_path)
    dest = tmp_path / "collected"
    refusals = files.copy_regular_tree(sub, dest)
    assert sorted(p.name for p in dest.iterdir()) == ["keep.txt", "lora.ipynb"]
    assert len(refusals) == 4 and all("refused" in r for r in refusals)  # the linked folder is skipped, not copied
    assert "GRADEBOOK" not in "".join(p.read_text() for p in dest.iterdir())


@pytest.mark.slow
def test_nbgrader_collect_does_not_follow_a_symlink_in_the_exchange(tmp_path):
    """A student hands in, through the exchange's inbound folder, a notebook and a symlink to the gradebook;
    the real `nbgrader collect` (with the course's config) copies the notebook and refuses the link."""
    course = grading.Course(tmp_path / "course")
    course.generate("ulmfit")
    inbound = course.root / "exchange" / grading.COURSE_ID / "inbound" / "mallory+ulmfit+2027-03-01 12:00:00.000000 UTC+abc"
    inbound.mkdir(parents=True)
    (inbound / "ulmfit.ipynb").write_bytes(grading.release_path("ulmfit").read_bytes())
    (inbound / "timestamp.txt").write_text("2027-03-01 12:00:00.000000 UTC")
    (course.root / "gradebook.db").chmod(0o600)
    (inbound / "notes.txt").symlink_to(course.root / "gradebook.db")
    (inbound / "hard.txt").hardlink_to(course.root / "nbgrader_config.py")
    done = course.nbgrader("collect", "ulmfit", "--update", timeout=300)
    folder = course.root / "submitted" / "mallory" / "ulmfit"
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert (folder / "ulmfit.ipynb").is_file()
    assert not (folder / "notes.txt").exists() and not (folder / "hard.txt").exists(), sorted(folder.iterdir())
    assert "refused 'notes.txt': a symbolic link" in done.stdout + done.stderr


# ------------------------------------------------------------------------------------------ deleted cells


def _master_and_submission(keep: set[str]):
    """A master (as the gradebook sees it) of solution, read-only test, two graded cells; a submission of `keep`."""
    from types import SimpleNamespace as Cell

    names = [("f", "code", True, False), ("f_public", "code", False, False), ("f_a", "code", False, True),
             ("f_b", "code", False, True)]
    source = [Cell(name=n, cell_type=t, source=f"# {n}", locked=not sol, checksum="x") for n, t, sol, _ in names]
    master = Cell(source_cells=source, grade_cells=[Cell(name=n, max_score=2.0) for n, *_, g in names if g],
                  solution_cells=[Cell(name=n) for n, _, sol, _ in names if sol])
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(f"# {n}", metadata={"nbgrader": {"grade_id": n, "grade": g, "solution": sol}})
        for n, _, sol, g in names if n in keep])
    return master, nb


@pytest.mark.parametrize("keep, order", [
    ({"f", "f_public", "f_b"}, ["f", "f_public", "f_a", "f_b"]),  # after a read-only cell: nbgrader's KeyError
    ({"f", "f_b"}, ["f", "f_a", "f_b"]),
    ({"f_public"}, ["f_public", "f_a", "f_b"]),
    (set(), ["f_a", "f_b"]),
])
def test_a_deleted_graded_cell_goes_back_after_its_nearest_surviving_predecessor(keep, order):
    from nbgrader.preprocessors import OverwriteCells

    from judge.restore import RestoreCells

    master, nb = _master_and_submission(keep)
    restore = RestoreCells(add_missing_cells=True)
    restore.gradebook = type("Gradebook", (), {"find_notebook": lambda self, *_: master})()
    restore.notebook_id, restore.assignment_id = "f", "a"
    nb, _ = restore.add_missing_grade_cells(nb, {})
    assert [c.metadata["nbgrader"]["grade_id"] for c in nb.cells] == order
    back = [c for c in nb.cells if c.metadata["nbgrader"]["grade_id"] not in keep]
    assert all(c.metadata["nbgrader"]["grade"] and c.metadata["nbgrader"]["points"] == 2.0 for c in back)
    assert all("added back by nbgrader" in c.source for c in back)
    if keep == {"f", "f_public", "f_b"}:  # why RestoreCells exists: nbgrader 0.9.6 fails this notebook
        upstream = OverwriteCells(add_missing_cells=True)
        upstream.gradebook, upstream.notebook_id, upstream.assignment_id = restore.gradebook, "f", "a"
        with pytest.raises(KeyError):
            upstream.add_missing_grade_cells(_master_and_submission(keep)[1], {})


def _master_with_written_answers(keep: set[str]):
    """A master as the gradebook sees it, ending like the course's: a graded test, the read-only cell that runs the
    student's code, two written answers graded by hand (markdown solution + grade cells of 5 points, their release
    text and checksum as generate_assignment saves them); a submission of `keep`, its answers written."""
    from types import SimpleNamespace as Cell

    from nbgrader.utils import compute_checksum

    names = [("f", "code", True, False), ("f_a", "code", False, True), ("payoff", "code", False, False),
             ("reflect_a", "markdown", True, True), ("reflect_b", "markdown", True, True)]
    points = {"f_a": 2.0, "reflect_a": 5.0, "reflect_b": 5.0}

    def release_cell(n, t, sol, graded, source):
        meta = {"grade_id": n, "grade": graded, "solution": sol, "locked": not sol}
        if graded:
            meta["points"] = points[n]
        make = nbformat.v4.new_markdown_cell if t == "markdown" else nbformat.v4.new_code_cell
        cell = make(source, metadata={"nbgrader": meta})
        cell.metadata.nbgrader["checksum"] = compute_checksum(cell)
        return cell

    release = [release_cell(n, t, sol, g, "YOUR ANSWER HERE" if t == "markdown" else f"# {n}")
               for n, t, sol, g in names]
    source = [Cell(name=c.metadata.nbgrader["grade_id"], cell_type=c.cell_type, source=c.source,
                   locked=c.metadata.nbgrader["locked"], checksum=c.metadata.nbgrader["checksum"]) for c in release]
    master = Cell(source_cells=source, grade_cells=[Cell(name=n, max_score=p) for n, p in points.items()],
                  solution_cells=[Cell(name=n) for n, _, sol, _ in names if sol])
    nb = nbformat.v4.new_notebook(cells=[c for c in release if c.metadata.nbgrader["grade_id"] in keep])
    for c in nb.cells:
        if c.cell_type == "markdown":
            c.source = "Because the warm-up keeps the first steps small."  # the student's answer
    return master, nb


def _restore(cls, master, nb):
    restore = cls(add_missing_cells=True)
    restore.gradebook = type("Gradebook", (), {"find_notebook": lambda self, *_: master})()
    restore.notebook_id, restore.assignment_id = "f", "a"
    nb = restore.add_missing_grade_cells(nb, {})[0]
    return nbformat.reads(nbformat.writes(nb), as_version=4)  # written to autograded/, read by the autograde step


@pytest.mark.parametrize("keep, deleted", [
    ({"f", "f_a", "payoff", "reflect_b"}, ["reflect_a"]),  # after the read-only payoff cell: nbgrader's KeyError
    ({"f", "f_a", "payoff", "reflect_a"}, ["reflect_b"]),  # after the other answer: nbgrader restores it
    ({"f", "f_a", "payoff"}, ["reflect_a", "reflect_b"]),
])
def test_a_deleted_written_answer_goes_back_unanswered_and_scores_0(keep, deleted, tmp_path):
    """A written answer the student deleted is an answer not given: put back with its points, editable, and scored
    as nbgrader scores an answer cell left as released (0 points, "No response.", no grade by hand needed); the
    written answers that stayed wait for their grade by hand, and nothing else changes. The grading report names
    the deleted answers, read from the graded notebook."""
    from nbgrader.preprocessors import OverwriteCells
    from nbgrader.utils import compute_checksum, determine_grade

    from judge.restore import RestoreCells

    master, nb = _master_with_written_answers(keep)
    nb = _restore(RestoreCells, master, nb)
    assert [c.metadata.nbgrader["grade_id"] for c in nb.cells] == ["f", "f_a", "payoff", "reflect_a", "reflect_b"]
    for cell in nb.cells:
        name = cell.metadata.nbgrader["grade_id"]
        if name in deleted:
            assert cell.cell_type == "markdown" and "added back by nbgrader" in cell.source, cell
            assert cell.metadata.nbgrader["solution"] and cell.metadata.nbgrader["grade"], cell.metadata
            assert cell.metadata.get("editable", True), "a written answer stays editable"
            assert cell.get("id"), "an nbformat 4.5 notebook's cells have ids"
            # SaveAutoGrades: auto_score 0 out of 5 and needs_manual_grade False; its comment is "No response."
            assert determine_grade(cell) == (0, 5.0)
            assert cell.metadata.nbgrader["checksum"] == compute_checksum(cell)
        elif name.startswith("reflect_"):
            assert determine_grade(cell) == (None, 5.0), "an answer given waits for a grade by hand"
    nbformat.write(nb, tmp_path / "f.ipynb")
    restored = grading.reports.restored_cells(tmp_path / "f.ipynb")
    assert restored == dict.fromkeys(deleted, "written answer"), restored
    assert grading.reports.restored_note(restored) == "deleted and put back: " + ", ".join(
        f"{g} (written answer: 0 points, like a blank one)" for g in deleted)
    # nbgrader 0.9.6's own OverwriteCells: a KeyError (the notebook goes ungraded) or a deleted answer that waits
    # for a grade by hand like a real one
    master, nb = _master_with_written_answers(keep)
    if deleted[0] == "reflect_a":
        with pytest.raises(KeyError):
            _restore(OverwriteCells, master, nb)
    else:
        back = [c for c in _restore(OverwriteCells, master, nb).cells if c.metadata.nbgrader["grade_id"] in deleted]
        assert [determine_grade(c) for c in back] == [(None, 5.0)]
