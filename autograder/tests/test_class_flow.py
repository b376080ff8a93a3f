"""A simulated class of 20 students through nbgrader's whole flow: zip_collect, autograde, feedback, export.

The mutant students' expected scores come from the catalogue run (each mutant graded alone by
grading.py in another course); every other expectation is derived from the release (see simulate_class).
"""
import csv
import hashlib
import html
import re
import subprocess
import time

import pytest

import grading as g
from grading import simulate as sc
from grading import runner, workflow

pytestmark = pytest.mark.slow  # real nbgrader runs of whole catalogues or a class

CELL_TIMEOUT = 15  # as the catalogue run: a test cell needs <= 5 s; the endless loop costs one limit


@pytest.fixture(scope="module")
def flow(catalogue_runs):
    """The class graded twice in one temporary course; the hand-in hashes before and after."""
    assignments = g.assignments()
    for a in assignments:
        if isinstance(catalogue_runs.get(a), Exception):
            pytest.fail(f"{a} could not be graded by the catalogue run: {catalogue_runs[a]}")
    mutant_cells = {(a, m.name): catalogue_runs[a][m.student].cells
                    for a in assignments for m in g.mutants(a) if m.student in catalogue_runs[a].results}
    plan = sc.build_class(assignments, mutant_cells=mutant_cells)
    course = g.Course()
    start = time.monotonic()
    sc.setup_course(course, plan)
    before = sc.hand_in(course, plan)
    first = sc.run_flow(course, plan, workers=2, cell_timeout=CELL_TIMEOUT)
    first_feedback = _feedback_hashes(course.root)
    after_first = sc.file_hashes(course.root, before)
    second = sc.run_flow(course, plan, workers=2, cell_timeout=CELL_TIMEOUT)
    after_second = sc.file_hashes(course.root, before)
    seconds = time.monotonic() - start
    yield dict(plan=plan, root=course.root, first=first, second=second, before=before,
               after=[after_first, after_second], feedback=[first_feedback, _feedback_hashes(course.root)],
               seconds=seconds)
    course.close()


def _feedback_hashes(root):
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((root / "feedback").rglob("*")) if p.is_file()}


def test_the_class_covers_every_scenario(flow):
    plan = flow["plan"]
    assert len(plan.students) >= 20 and set(plan.assignments) == set(g.assignments())
    scenarios = {e.scenario.split(":")[0] for e in plan.entries}
    assert scenarios >= {"correct", "blank", "partial", "mutant", "late", "renamed", "cells_deleted",
                         "tests_edited", "jupyter_4_4", "jupyter_4_5", "invalid_json", "empty_file",
                         "missing", "endless_loop"}
    assert {e.channel for e in plan.entries} == {"lms", "submitted", "none"}
    mutants = {(e.assignment, e.mutant) for e in plan.entries if e.mutant}
    assert {a for a, _ in mutants} == set(plan.assignments), "wrong in different places: every assignment"
    assert len({m for _, m in mutants}) == len(mutants) >= 5, "wrong in different places: different mistakes"


def test_every_submission_is_graded_or_reported_with_a_reason(flow):
    plan, first = flow["plan"], flow["first"]
    for e in plan.entries:
        r = first.report(e.student, e.assignment)
        where = f"{e.student}/{e.assignment} ({e.scenario})"
        if e.expected_cells is None:
            assert r.status in ("not graded", "no submission"), (where, r)
            assert e.reason in r.note and "score 0" in r.note or r.status == "no submission", (where, r.note)
        else:
            assert r.status == "graded", (where, r)
        if e.scenario == "renamed":
            assert "renamed notebook" in r.note and f"{e.assignment} (1).ipynb" in r.note, r.note
    # the grader's own report, one CSV per assignment
    for a in plan.assignments:
        with open(flow["root"] / f"grading_report_{a}.csv") as f:
            assert {row["student"] for row in csv.DictReader(f)} == set(plan.students)


def test_scores_are_exactly_the_expected_ones(flow):
    plan, first = flow["plan"], flow["first"]
    wrong = []
    for e in plan.entries:
        if e.expected_cells is None:
            continue
        got = first.report(e.student, e.assignment).cells
        if got != e.expected_cells:
            diff = {k: (got.get(k), v) for k, v in e.expected_cells.items() if got.get(k) != v}
            wrong.append(f"{e.student}/{e.assignment} {e.scenario} {e.mutant or ''}: (got, expected) {diff}")
    assert not wrong, "\n".join(wrong)
    for e in plan.entries:
        if e.scenario == "mutant:first":
            assert sum(v or 0 for v in e.expected_cells.values()) < sum(g.grade_ids(
                g.nbformat.read(g.release_path(e.assignment), as_version=4)).values())


def test_exported_csv_holds_every_student_and_assignment(flow):
    plan, rows = flow["plan"], flow["first"].csv_rows
    by = {(r["student_id"], r["assignment"]): r for r in rows}
    assert len(by) == len(rows) == len(plan.students) * len(plan.assignments)
    for e in plan.entries:
        row = by[(e.student, e.assignment)]
        assert float(row["score"]) == pytest.approx(e.expected_score), (e.student, e.assignment, e.scenario, row)
        if e.scenario == "late":  # every automatic point; the written answers wait for a grade by hand
            auto = sum(g.grade_ids(g.nbformat.read(g.release_path(e.assignment), as_version=4)).values())
            assert float(row["raw_score"]) == auto > 0 and float(row["max_score"]) > auto
            assert float(row["late_submission_penalty"]) == float(row["raw_score"]), row


def _text(path):
    return html.unescape(re.sub(r"<[^>]+>", "", path.read_text()))


def test_every_student_gets_feedback_without_hidden_tests(flow):
    plan, root = flow["plan"], flow["root"]
    from test_secrets import hidden_check_lines  # the hidden checks' lines (not their public probes)

    hidden = {}
    for a in plan.assignments:
        release_text = g.release_path(a).read_text()
        lines = {line for line in hidden_check_lines(a) if len(line) >= 12 and line not in release_text}
        assert lines, f"{a}: no hidden-check lines found in autograder/hidden/{a}.py"
        hidden[a] = lines
    for e in plan.entries:
        folder = root / "feedback" / e.student / e.assignment
        if e.expected_cells is None:
            page = folder / "not_graded.html"
            assert page.exists(), (e.student, e.assignment, e.scenario)
            assert "not graded" in page.read_text() and "Reason" in page.read_text()
            continue
        page = folder / f"{e.assignment}.html"
        assert page.exists(), (e.student, e.assignment, e.scenario)
        text = _text(page)
        submitted = "".join(d.decode(errors="replace") for d in e.files.values())
        leaked = [h for h in hidden[e.assignment] if h in text and h not in submitted]
        assert not leaked, f"{e.student}/{e.assignment}: hidden test lines in the feedback: {leaked[:3]}"
        # the student's own code and the scores stay
        own = next(line.strip() for line in g.reference_cells(e.assignment)[g.solution_ids(
            g.nbformat.read(g.release_path(e.assignment), as_version=4))[0]].splitlines()
                   if len(line.strip()) > 15)
        if e.scenario in ("correct", "late", "tests_edited"):
            assert own in text, (e.student, e.assignment)
        assert re.search(r"Score: [0-9.]+ / [0-9.]+", text)


def test_no_submitted_file_is_lost_or_overwritten(flow):
    before = flow["before"]
    for after in flow["after"]:
        changed = {p: (h, after[p]) for p, h in before.items() if after[p] != h}
        assert not changed, f"handed-in files changed or vanished: {changed}"
    # every LMS file arrived in submitted/ byte for byte
    root, plan = flow["root"], flow["plan"]
    for e in plan.entries:
        for name, data in e.files.items():
            assert (root / "submitted" / e.student / e.assignment / name).read_bytes() == data, (e.student, name)


def test_running_the_flow_twice_gives_the_same_result(flow):
    first, second = flow["first"], flow["second"]
    assert first.csv_rows == second.csv_rows
    differ = [(a, r1.student, k, v, getattr(r2, k))
              for a in first.reports for r1, r2 in zip(first.reports[a], second.reports[a])
              for k, v in r1.__dict__.items() if getattr(r2, k) != v]
    assert not differ, "(assignment, student, field, first run, second run):\n" + "\n".join(map(repr, differ))
    assert [len(rs) for rs in first.reports.values()] == [len(rs) for rs in second.reports.values()]
    assert flow["feedback"][0].keys() == flow["feedback"][1].keys()


def test_grading_times(flow, record_property):
    """The second run finds every grade up to date: it grades nothing and takes a fraction of the first."""
    first, second = flow["first"], flow["second"]
    times = sorted(t for per in first.autograde_seconds.values() for t in per.values() if t)
    record_property("class_seconds", flow["seconds"])
    print(f"\nclass flow: {len(times)} notebooks; steps {({k: round(v, 1) for k, v in first.seconds.items()})}; "
          f"median {times[len(times) // 2]:.1f} s a notebook, max {times[-1]:.1f} s; "
          f"second run {({k: round(v, 1) for k, v in second.seconds.items()})}; both runs {flow['seconds']:.0f} s")
    assert sum(map(len, first.regraded.values())) == len(times) > 0
    assert not any(second.regraded.values()), f"graded again with nothing changed: {second.regraded}"
    # the same machine, the same minute: a ratio, not a wall-clock bound
    assert second.seconds["autograde"] < first.seconds["autograde"] / 2, (first.seconds, second.seconds)


def test_every_file_the_flow_writes_is_git_ignored(flow):
    """Mapped into the real course root, every file the instructor's flow wrote (rosters, LMS downloads,
    submissions, gradebook and its side files, reports, exports, feedback) is git-ignored."""
    root = flow["root"]
    own = {"nbgrader_config.py"}  # the temporary course's own config; source/ and release/ are solutions/, exercises/
    written = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()
                     and p.relative_to(root).parts[0] not in ("source", "release") and p.name not in own)
    assert any(w.startswith("downloaded/") for w in written) and "grades.csv" in written and "students.csv" in written
    paths = "\n".join(f"autograder/{w}" for w in written) + "\n"
    done = subprocess.run(["git", "check-ignore", "--no-index", "--verbose", "--non-matching", "--stdin"],
                          cwd=g.ROOT, input=paths, capture_output=True, text=True)
    tracked = [line.split("\t", 1)[1] for line in done.stdout.splitlines() if line.startswith("::")]
    assert not tracked, f"student data that git would pick up: {tracked[:20]}"


def test_intake_of_a_renamed_notebook_is_the_same_on_every_run(tmp_path):
    """The copy <id>.ipynb made for a renamed notebook is the grader's, not the student's: a second intake
    reports the same files and note, and a notebook collected again is copied again."""
    from grading.intake import intake
    folder = tmp_path / "submitted" / "s01" / "lora"
    folder.mkdir(parents=True)
    (folder / "lora (1).ipynb").write_text('{"cells": []}')
    first = intake(tmp_path, "lora", ["s01"])["s01"]
    second = intake(tmp_path, "lora", ["s01"])["s01"]
    assert first == second and first.files == ["lora (1).ipynb"] and "renamed notebook" in first.note
    (folder / "lora (1).ipynb").write_text('{"cells": [], "metadata": {}}')
    intake(tmp_path, "lora", ["s01"])
    assert (folder / "lora.ipynb").read_text() == '{"cells": [], "metadata": {}}'


def test_written_answers_graded_by_hand_reach_the_feedback(flow):
    """An instructor grades a student's written answers (what the formgrader writes: a manual score and a comment
    per answer cell in the gradebook); `make feedback` then shows the student's own answer, its points and the
    comment, and `make grades` counts the points."""
    from nbgrader.api import Gradebook
    plan, root = flow["plan"], flow["root"]
    e = next(e for e in plan.entries if e.scenario == "correct")
    a, hand = e.assignment, g.manual_ids(g.nbformat.read(g.release_path(e.assignment), as_version=4))
    assert hand, f"{a} has no written answer graded by hand"
    page = root / "feedback" / e.student / a / f"{a}.html"
    with Gradebook(g.gradebook.db_url(root), g.COURSE_ID) as gb:
        for gid, points in hand.items():
            grade = gb.find_grade(gid, a, a, e.student)
            assert grade.auto_score is None and grade.needs_manual_grade, (gid, grade.auto_score)
            grade.manual_score = points - 1
            gb.find_comment(gid, a, a, e.student).manual_comment = f"Instructor's comment on {gid}."
        gb.db.commit()
    workflow.feedback(root, a)
    text = _text(page)
    for gid in hand:
        answer = g.reference_cells(a)[gid]
        snippet = max(re.findall(r"[A-Za-z ,]{20,}", answer), key=len).strip()
        assert snippet in text, f"{a}/{gid}: the student's answer is not in the feedback ({snippet!r})"
        assert f"Instructor's comment on {gid}." in text
    workflow.export(root, "grades.csv")
    with open(root / "grades.csv", newline="") as f:
        row = next(r for r in csv.DictReader(f) if r["student_id"] == e.student and r["assignment"] == a)
    assert float(row["score"]) == pytest.approx(e.expected_score + sum(p - 1 for p in hand.values())), row


def test_a_changed_due_date_regrades_and_refreshes_feedback(flow):
    """Runs last: the late student's assignment gets a later due date; `make grade` regrades exactly that
    assignment's submissions, the export shows the late work with full marks, and the feedback is redone."""
    plan, root = flow["plan"], flow["root"]
    late = next(e for e in plan.entries if e.scenario == "late")
    a = late.assignment
    before = sc.file_hashes(root, [f"feedback/{late.student}/{a}/{a}.html"])
    done = runner.run(root, ["db", "assignment", "add", a, "--duedate=2027-03-10 23:59:00 UTC"], timeout=120)
    assert done.returncode == 0, done.log
    with pytest.raises(workflow.Stop, match="out of date"):
        workflow.feedback(root, a)  # stale grades are refused, with what to run
    done = workflow.grade_class(root, a, plan.students, 2, False, (f"--Execute.timeout={CELL_TIMEOUT}",))
    handed_in = {e.student for e in plan.entries if e.assignment == a and e.expected_cells is not None}
    assert set(done.regraded) >= handed_in, done.regraded
    others = [b for b in plan.assignments if b != a]
    assert all(not workflow.out_of_date(root, b) for b in others)
    workflow.feedback(root, a)
    workflow.export(root, "grades.csv")
    with open(root / "grades.csv", newline="") as f:
        row = next(r for r in csv.DictReader(f) if r["student_id"] == late.student and r["assignment"] == a)
    auto = sum(g.grade_ids(g.nbformat.read(g.release_path(a), as_version=4)).values())  # the rest is graded by hand
    assert float(row["score"]) == auto > 0 and float(row["late_submission_penalty"]) == 0, row
    after = sc.file_hashes(root, before)
    assert after != before, "the feedback still shows the old penalty"
