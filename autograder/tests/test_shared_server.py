"""The shared-server round trip with the real nbgrader exchange and one operating-system user per student:
release -> fetch -> submit -> collect -> autograde -> feedback -> release_feedback -> fetch_feedback.

Lateness comes from the time the instructor's side saw (grading/exchange.py), never from the timestamp.txt a
student's process wrote; a re-submission replaces the earlier one through `collect --update`.
"""
import os
import pwd
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import grading as g
from grading import workflow
from grading.exchange import read_timestamp

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("useradd"),
                                 reason="creates one OS user per student: needs root and useradd")]
A = "param_counts"


class Student:
    """An operating-system user with their own home folder, who runs nbgrader as themselves."""

    def __init__(self, homes: Path, name: str, config: str):
        self.name, self.home = name, homes / name
        subprocess.run(["useradd", "--create-home", "--home-dir", str(self.home), "--shell", "/bin/sh",
                        "--user-group", name], check=True, capture_output=True)
        self.uid = pwd.getpwnam(name).pw_uid
        self.write("nbgrader_config.py", config.encode())  # what /etc/jupyter would hold on a real server

    def write(self, relative: str, data: bytes) -> Path:
        path = self.home / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        for p in [path, *path.relative_to(self.home).parents]:
            os.chown(self.home / p, self.uid, self.uid)
        return path

    def nbgrader(self, *args: str) -> subprocess.CompletedProcess:
        env = {"HOME": str(self.home), "USER": self.name, "PATH": f"{g.BIN}:/usr/bin:/bin", "LANG": "C.UTF-8",
               "JUPYTER_PLATFORM_DIRS": "1"}
        python = [sys.executable]
        if self.run([sys.executable, "-c", "pass"]).returncode != 0:
            # This machine's interpreter lives under /root (mode 700); a course server installs the course's
            # environment where every user can run it. Same packages, through the system's Python 3.11.
            python = ["/usr/bin/python3.11"]
            env["PYTHONPATH"] = sysconfig.get_paths()["purelib"]
        done = self.run([*python, "-m", "nbgrader", *args], env)
        assert done.returncode == 0, f"{self.name}: nbgrader {' '.join(args)}\n{done.stdout}{done.stderr}"
        return done

    def run(self, argv: list[str], env: dict | None = None) -> subprocess.CompletedProcess:
        """A process of this user's: their uid and gid, no supplementary groups, their home as cwd."""
        try:
            return self._run(argv, env)
        except PermissionError as error:
            return subprocess.CompletedProcess(argv, 126, "", str(error))

    def _run(self, argv, env):
        return subprocess.run(argv, cwd=self.home, env=env or {"HOME": str(self.home), "PATH": "/usr/bin:/bin"},
                              user=self.uid, group=self.uid, extra_groups=[], capture_output=True, text=True,
                              timeout=300)

    def remove(self) -> None:
        subprocess.run(["userdel", "--remove", self.name], capture_output=True)
        subprocess.run(["groupdel", self.name], capture_output=True)


@pytest.fixture
def server():
    """A course root only the instructor (root) can read, an exchange every user can write, three students."""
    base = Path(tempfile.mkdtemp(prefix="llm-shared-"))
    os.chmod(base, 0o755)
    (base / "instructor").mkdir(mode=0o700)
    exchange = base / "exchange"
    exchange.mkdir()
    os.chmod(exchange, 0o777)
    homes = base / "home"
    homes.mkdir()
    course = g.Course(base / "instructor" / "course")
    with open(course.root / "nbgrader_config.py", "a") as f:
        f.write(f"c.Exchange.root = {str(exchange)!r}\nc.LateSubmissionPlugin.penalty_method = 'zero'\n")
    config = f"c = get_config()\nc.CourseDirectory.course_id = {g.COURSE_ID!r}\nc.Exchange.root = {str(exchange)!r}\n"
    tag = uuid.uuid4().hex[:6]
    students = []
    try:
        for i in range(3):
            students.append(Student(homes, f"llm{tag}s{i + 1}", config))
        yield course, students
    finally:
        for s in students:
            s.remove()
        course.close()
        shutil.rmtree(base, ignore_errors=True)
        assert not [s for s in students if _exists(s.name)], "a test user was left behind"


def _exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def _utc(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S UTC")


def test_release_fetch_submit_collect_grade_feedback_round_trip(server):
    course, (s1, s2, s3) = server
    ref = g.reference_submission(A).files[f"{A}.ipynb"]
    wrong = g.mutant_submission(g.mutants(A)[0]).files[f"{A}.ipynb"]

    course.generate(A)
    done = course.nbgrader("release_assignment", A, "--force")
    assert done.returncode == 0, done.stdout + done.stderr

    for student, notebook in ((s1, ref), (s2, wrong), (s3, ref)):
        student.nbgrader("fetch_assignment", A)
        fetched = student.home / A / f"{A}.ipynb"
        assert fetched.exists() and fetched.stat().st_uid == student.uid
        assert "### BEGIN HIDDEN TESTS" not in fetched.read_text()
        student.write(f"{A}/{A}.ipynb", notebook)
    s1.nbgrader("submit", A)
    s2.nbgrader("submit", A)  # a wrong first attempt ...
    assert course.nbgrader("collect", A).returncode == 0
    first_s2 = (course.root / "submitted" / s2.name / A / f"{A}.ipynb").read_bytes()
    assert first_s2 == wrong

    s2.write(f"{A}/{A}.ipynb", ref)
    time.sleep(1.1)  # change times have a resolution of a clock tick; keep the attempts apart
    s2.nbgrader("submit", A)  # ... replaced by a right one before the due date
    time.sleep(1.1)
    due = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=1)
    time.sleep(2.1)
    s3.nbgrader("submit", A)  # after the due date; then the student back-dates what their process wrote
    inbound = course.root.parents[1] / "exchange" / g.COURSE_ID / "inbound"
    forged = _utc(due - timedelta(days=1))
    for folder in inbound.glob(f"{s3.name}+{A}+*"):
        assert s3.run(["sh", "-c", f"printf '{forged}' > '{folder}/timestamp.txt'"]).returncode == 0
    assert course.nbgrader("db", "assignment", "add", A, f"--duedate={_utc(due)}").returncode == 0

    done = course.nbgrader("collect", "--update", A)
    assert done.returncode == 0, done.stdout + done.stderr
    submitted = {s.name: course.root / "submitted" / s.name / A for s in (s1, s2, s3)}
    assert (submitted[s2.name] / f"{A}.ipynb").read_bytes() == ref, "collect --update kept the first attempt"
    assert read_timestamp(submitted[s1.name]) < due.replace(tzinfo=None)
    assert read_timestamp(submitted[s2.name]) < due.replace(tzinfo=None)
    assert read_timestamp(submitted[s3.name]) > due.replace(tzinfo=None), "the student's back-dated time was used"
    assert "the exchange saw it at" in done.stdout + done.stderr

    graded = workflow.grade_class(course.root, A, workers=2)
    by = {r.student: r for r in graded.reports}
    # full automatic marks; the written answers wait for the instructor (they count 0 until graded by hand)
    full = sum(g.grade_ids(g.nbformat.read(g.release_path(A), as_version=4)).values())
    assert by[s1.name].score == by[s2.name].score == full > 0 and by[s1.name].max_score > full, by
    n, _ = workflow.feedback(course.root, A)
    assert n == 3
    workflow.export(course.root, "grades.csv")
    rows = {r.split(",")[3]: r.split(",") for r in (course.root / "grades.csv").read_text().splitlines()[1:]}
    assert float(rows[s3.name][7]) == full and float(rows[s3.name][9]) == 0, "late under the 'zero' policy"
    assert float(rows[s2.name][9]) == full

    done = course.nbgrader("release_feedback", A)
    assert done.returncode == 0, done.stdout + done.stderr
    from test_secrets import hidden_check_lines

    release = g.release_path(A).read_text()
    hidden = {line for line in hidden_check_lines(A) if len(line) >= 12 and line not in release}
    assert hidden
    for student in (s1, s2, s3):
        student.nbgrader("fetch_feedback", A)
        pages = list((student.home / A / "feedback").rglob(f"{A}.html"))
        assert len(pages) == 1, (student.name, pages)
        text = pages[0].read_text()
        assert "passed: " in text, "the judge's verdicts are the graded cells' outputs"
        leaked = [line for line in hidden if line in text]
        assert not leaked, f"{student.name}'s feedback shows hidden-check lines: {leaked[:3]}"
        own = course.root / "feedback" / student.name / A / f"{A}.html"
        assert text == own.read_text(), f"{student.name} fetched a page that is not their own report"
        others = [o.name for o in (s1, s2, s3) if o is not student]
        assert not any(o in text for o in others)
        owned = {p.stat().st_uid for p in student.home.rglob("*")}
        assert owned == {student.uid}, f"{student.name} got files they do not own"
