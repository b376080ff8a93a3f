"""Fast unit tests of the grading package's small parts, on fixtures (no nbgrader process)."""
import os
import time
from pathlib import Path

from grading import reports, runner, state
from grading.exchange import observed_time
from grading.gradebook import AssignmentState
from grading.intake import StudentReport, submitted_students


def test_per_student_log_parts_and_errors():
    lines = [(0.0, "[AutogradeApp | INFO] Creating/updating student with ID 'a': {}"),
             (1.5, "[AutogradeApp | INFO] Executing notebook"),
             (2.0, "[AutogradeApp | INFO] Creating/updating student with ID 'b': {}"),
             (2.5, "nbformat.reader.NotJSONError: Notebook does not appear to be JSON"),
             (3.0, "[AutogradeApp | ERROR] There was an error processing assignment 'x' for student 'b'")]
    run = runner.Run(lines, 0.0, 4.0, 1)
    parts = run.per_student()
    assert parts["a"] == (2.0, "") and parts["b"][0] == 2.0 and "NotJSONError" in parts["b"][1]
    assert run.failed() == {"b"} and not run.killed


def test_a_student_cannot_forge_another_students_log_lines():
    """Student text reaches the log inside nbgrader's or the judge's own lines (an exception message, a file name),
    quoted by repr: a forged 'error processing ... bob' there un-grades nobody and starts no one's part."""
    forged = "error processing assignment 'x' for student 'bob'"
    message = f"RuntimeError: {forged}\n[AutogradeApp | INFO] Creating/updating student with ID 'bob': {{}}"
    lines = [(0.0, "[AutogradeApp | INFO] Creating/updating student with ID 'mallory': {}"),
             (1.0, f"[AutogradeApp | WARNING] SecureExecute: student mallory, f raised 'RuntimeError': {message!r}"),
             (1.5, f"[AutogradeApp | INFO] Copying {forged!r} -> 'autograded'"),
             (2.0, "[AutogradeApp | INFO] Creating/updating student with ID 'bob': {}")]
    run = runner.Run(lines, 0.0, 3.0, 0)
    assert run.failed() == set()
    assert set(run.per_student()) == {"mallory", "bob"}


def test_submitted_names_that_could_forge_a_log_line_are_refused(tmp_path):
    from judge import files
    for name in ("a\nb.txt", "a\rb.txt", "tab\there", "bell\x07"):
        assert files.unsafe_name(name), name
    for name in ("lora.ipynb", "lora (1).ipynb", "notes-été.md", "Ann O'Brien_1234_assignsubmission_file_lora.ipynb"):
        assert files.unsafe_name(name) is None, name
    submitted, aside = tmp_path / "alice", tmp_path / "refused"
    submitted.mkdir()
    (submitted / "lora.ipynb").write_text("{}")
    (submitted / "x\n[AutogradeApp | ERROR] There was an error processing assignment 'lora' for student 'bob'").write_text("")
    refusals = files.sweep(submitted, aside, "alice")
    assert len(refusals) == 1 and "\n" not in refusals[0] and "control character" in refusals[0]
    assert sorted(p.name for p in submitted.iterdir()) == ["lora.ipynb"]


def test_quiet_drops_checksum_noise_of_hidden_cells_only():
    log = ("[W] Attribute 'checksum' for cell f_hidden has changed! (should be: 1, got: 2)\n"
           "[W] Attribute 'checksum' for cell f_public has changed! (should be: 1, got: 2)\n"
           "[W] SAWarning: relationship conflicts\n[I] graded")
    assert runner.quiet(log, {"f_hidden"}).splitlines() == [
        "[W] Attribute 'checksum' for cell f_public has changed! (should be: 1, got: 2)", "[I] graded"]


def _state(duedate="2027-03-01T23:59:00", points=5.0):
    return AssignmentState(True, ["lora"], duedate, [("lora", "f_hidden", points, "abc", "assert f()")], [], [])


def test_fingerprints_change_with_what_a_grade_depends_on(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\nc.LateSubmissionPlugin.penalty_method = 'none'\n")
    base = state.assignment_fingerprint(tmp_path, _state())
    assert base == state.assignment_fingerprint(tmp_path, _state())
    assert base != state.assignment_fingerprint(tmp_path, _state(duedate="2027-03-04T23:59:00"))
    assert base != state.assignment_fingerprint(tmp_path, _state(points=6.0))
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\nc.LateSubmissionPlugin.penalty_method = 'zero'\n")
    assert base != state.assignment_fingerprint(tmp_path, _state())
    folder = tmp_path / "submitted" / "s1" / "lora"
    folder.mkdir(parents=True)
    (folder / "lora.ipynb").write_text("{}")
    first = state.student_fingerprint(tmp_path, "lora", "s1", base)
    (folder / "timestamp.txt").write_text("2027-03-01 12:00:00 UTC")
    assert state.student_fingerprint(tmp_path, "lora", "s1", base) != first
    assert submitted_students(tmp_path, "lora") == ["s1"]


def test_summary_counts_pass_rates_and_reasons():
    rs = [StudentReport("a", "graded", 10.0, 10.0, cells={"f_public": 2.0, "f_hidden": 8.0}),
          StudentReport("b", "graded", 2.0, 10.0, cells={"f_public": 2.0, "f_hidden": 0.0},
                        note="renamed notebook 'lora (1).ipynb' graded as lora.ipynb"),
          StudentReport("c", "not graded", 0.0, note="empty file lora.ipynb: not graded, score 0"),
          StudentReport("d", "no submission", 0.0)]
    text = reports.summary("lora", rs, regraded=3, seconds=12.0)
    assert text.startswith("lora: 2 graded, 1 not graded, 1 with no submission; 3 notebooks (re)graded")
    assert "f_hidden" in text and "1/2" in text and "50.0%" in text and "f_public" in text and "100.0%" in text
    assert "c: empty file lora.ipynb" in text and "b: renamed notebook" in text
    assert "deleted by the student" not in text
    assert "every grade was up to date" in reports.summary("lora", rs, regraded=0)
    assert "nothing to grade" in reports.summary("lora", [rs[3]], regraded=0)


def test_summary_names_the_cells_a_student_deleted():
    note = reports.restored_note({"f_hidden": "graded cell", "reflect_a": "written answer"})
    assert note == ("deleted and put back: f_hidden (graded cell: judged), reflect_a (written answer: 0 points, "
                    "like a blank one)")
    rs = [StudentReport("a", "graded", 8.0, 15.0, cells={"f_hidden": 8.0, "reflect_a": 0.0},
                        note="cells with errors: f: ValueError: x; " + note),
          StudentReport("b", "graded", 8.0, 15.0, cells={"f_hidden": 8.0, "reflect_a": None})]
    text = reports.summary("lora", rs)
    assert "graded cells deleted by the student and put back from the master:\n    a: " + note in text, text
    assert "b:" not in text and "reflect_a" in text and "(1 to grade by hand" in text


def test_not_graded_pages_follow_the_report(tmp_path):
    rs = [StudentReport("a", "not graded", 0.0, files=["x.txt"], note="no notebook named lora.ipynb")]
    reports.write_not_graded_pages(tmp_path, "lora", rs)
    page = tmp_path / "feedback" / "a" / "lora" / "not_graded.html"
    assert "no notebook named lora.ipynb" in page.read_text() and "x.txt" in page.read_text()
    rs[0].status = "graded"  # graded since (a re-collected notebook): the page goes
    reports.write_not_graded_pages(tmp_path, "lora", rs)
    assert not page.exists()
    assert reports.read_csv(reports.write_csv(tmp_path, "lora", rs).parent, "lora")[0].status == "graded"


def test_observed_time_moves_with_any_later_change_and_ignores_utime(tmp_path):
    sub = tmp_path / "s1+lora+2027-03-01 12:00:00 UTC+abc"
    sub.mkdir()
    (sub / "lora.ipynb").write_text("{}")
    first = observed_time(str(sub))
    time.sleep(0.05)
    os.utime(sub / "lora.ipynb", (0, 0))  # a student back-dates the file's mtime ...
    second = observed_time(str(sub))
    assert second >= first  # ... and its change time moves forward instead
    time.sleep(0.05)
    (sub / "lora.ipynb").write_text('{"cells": []}')  # edited after submitting: later
    assert observed_time(str(sub)) > first
