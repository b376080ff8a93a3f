"""The zip_collect plug-in for real LMS downloads (grading/lms.py) and the intake of what it collects."""
import io
import json
import zipfile

import pytest

import grading as g
from grading.intake import intake
from grading.lms import LmsCollector, parse

NB = json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode()


@pytest.mark.parametrize("path, lms, zone, expected", [
    # Blackboard Learn: the server's local time in the name; Berlin is UTC+1 in March, UTC+2 in July
    ("x/LoRA_jdoe_attempt_2027-03-01-12-00-00_lora.ipynb", "blackboard", "Europe/Berlin",
     {"student_id": "jdoe", "file_id": "lora.ipynb", "timestamp": "2027-03-01 11:00:00 UTC"}),
    ("x/Assignment 4_lora_jdoe_attempt_2027-07-01-00-30-00_lora (1).ipynb", "blackboard", "Europe/Berlin",
     {"student_id": "jdoe", "file_id": "lora (1).ipynb", "timestamp": "2027-06-30 22:30:00 UTC"}),
    ("x/LoRA_jdoe_attempt_2027-03-01-23-59-59_lora.ipynb", "blackboard", "America/New_York",
     {"student_id": "jdoe", "file_id": "lora.ipynb", "timestamp": "2027-03-02 04:59:59 UTC"}),
    ("x/LoRA_jdoe_attempt_2027-03-01-12-00-00_lora.ipynb", "blackboard", "UTC",
     {"student_id": "jdoe", "file_id": "lora.ipynb", "timestamp": "2027-03-01 12:00:00 UTC"}),
    ("x/LoRA_jdoe_attempt_2027-03-01-12-00-00.txt", "blackboard", "UTC", None),  # the receipt
    # Canvas: <sortable name>[_LATE]_<user id>_<submission id>_<file>; a re-upload gets -1
    ("x/lovelaceada_48213_1904567_lora.ipynb", "canvas", "UTC", {"student_id": "48213", "file_id": "lora.ipynb"}),
    ("x/lovelaceada_LATE_48213_1904567_lora-1.ipynb", "canvas", "UTC",
     {"student_id": "48213", "file_id": "lora-1.ipynb", "late": True}),
    # Moodle: <Full Name>_<participant id>_assignsubmission_file_<file>, flat or one folder per student
    ("x/Ada Lovelace_1234567_assignsubmission_file_lora.ipynb", "moodle", "UTC",
     {"student_id": "1234567", "file_id": "lora.ipynb"}),
    ("x/Ada Lovelace_1234567_assignsubmission_file_/lora (1).ipynb", "moodle", "UTC",
     {"student_id": "1234567", "file_id": "lora (1).ipynb"}),
    ("x/lora.ipynb", "moodle", "UTC", None),
])
def test_lms_file_names(path, lms, zone, expected):
    assert parse(path, lms, zone) == expected


def test_an_unknown_time_zone_is_refused_with_examples():
    with pytest.raises(Exception, match="IANA time zone"):
        LmsCollector(timezone="CEST")


def test_the_course_collects_blackboard_in_a_stated_time_zone():
    from traitlets.config.loader import PyFileConfigLoader
    c = PyFileConfigLoader("nbgrader_config.py", path=str(g.AUTOGRADER)).load_config()
    assert c.ZipCollectApp.collector_plugin == "grading.lms.LmsCollector"
    assert c.LmsCollector.lms in ("blackboard", "canvas", "moodle") and c.LmsCollector.timezone


@pytest.mark.slow  # one nbgrader process each (about 5 s on an idle machine)
@pytest.mark.parametrize("lms, names", [
    ("blackboard", {"s01": "lora_s01_attempt_2027-03-01-12-00-00_lora.ipynb",
                    "s02": "lora_s02_attempt_2027-03-02-09-15-00_lora (1).ipynb"}),
    ("canvas", {"101": "lovelaceada_101_9001_lora.ipynb", "102": "turingalan_LATE_102_9002_lora-1.ipynb"}),
    ("moodle", {"201": "Ada Lovelace_201_assignsubmission_file_/lora.ipynb",
                "202": "Alan Turing_202_assignsubmission_file_/lora (1).ipynb"}),
])
def test_zip_collect_then_intake_finds_a_renamed_notebook(lms, names):
    """The real `nbgrader zip_collect` with the course's plug-in, then the intake: a notebook handed in as
    `lora (1).ipynb` or `lora-1.ipynb` is graded as lora.ipynb and reported; Blackboard times are converted."""
    with g.Course() as course:
        (course.root / "nbgrader_config.py").open("a").write(
            f"c.LmsCollector.lms = {lms!r}\nc.LmsCollector.timezone = 'Europe/Berlin'\n")
        archive = course.root / "downloaded" / "lora" / "archive"
        archive.mkdir(parents=True)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            for name in names.values():
                z.writestr(name, NB)
            if lms == "blackboard":
                z.writestr("lora_s01_attempt_2027-03-01-12-00-00.txt", "Name: s01\n")
        (archive / "submissions.zip").write_bytes(buf.getvalue())
        done = course.nbgrader("zip_collect", "lora", "--force")
        assert done.returncode == 0, done.stdout + done.stderr
        found = intake(course.root, "lora", sorted(names))
        first, second = sorted(names)
        assert found[first].status == "pending" and found[first].note == "", found[first]
        assert found[second].status == "pending" and "renamed notebook" in found[second].note, found[second]
        assert (course.root / "submitted" / second / "lora" / "lora.ipynb").read_bytes() == NB
        stamp = course.root / "submitted" / "s01" / "lora" / "timestamp.txt"
        if lms == "blackboard":
            assert stamp.read_text().startswith("2027-03-01 11:00:00"), stamp.read_text()
