"""nbgrader configuration of the course: run every nbgrader command from this folder.

The course root is this folder. Masters live in ../solutions/<id>/<id>.ipynb and
`nbgrader generate_assignment <id> --force` writes the student version to
../exercises/<id>/<id>.ipynb, so each notebook has one source of truth.
"""
import os
import sys

c = get_config()  # noqa: F821 (injected by traitlets)

# Every path is absolute and built from this file's location, so a command works from any
# working directory and `autograder/grading.py` can load this file and override the paths.
_here = os.path.dirname(os.path.abspath(__file__))
# The course's own nbgrader plug-ins (judge/, sandbox/) are imported by name from this folder.
if _here not in sys.path:
    sys.path.insert(0, _here)

c.CourseDirectory.course_id = "llm-adaptation"
c.CourseDirectory.root = _here
# nbgrader joins root with "{nbgrader_step}/{student_id}/{assignment_id}"; for the source and
# release steps student_id is ".", so these resolve to ../solutions/<id> and ../exercises/<id>.
c.CourseDirectory.source_directory = os.path.join(os.path.dirname(_here), "solutions")
c.CourseDirectory.release_directory = os.path.join(os.path.dirname(_here), "exercises")
# An absolute sqlite path: `nbgrader export` resolves a relative one against the working directory.
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(_here, "gradebook.db")
# Instructor-side scratch files that must never be copied into a student's folder.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]

# Release/fetch/submit/collect on a shared machine go through this exchange folder (git-ignored).
# A multi-user installation points it at a world-writable folder such as /srv/nbgrader/exchange.
c.Exchange.root = os.path.join(_here, "exchange")

# Execution at autograde time: the python3 kernel, a per-cell limit (a test cell needs <= 5 s;
# a student's cell that loops forever is interrupted after this many seconds and graded as an error).
c.ExecutePreprocessor.kernel_name = "python3"
c.Execute.timeout = 30
c.Execute.interrupt_on_timeout = True
# After a cell's reply nbclient waits this long for its last outputs; the default 4 s is too short on a
# loaded machine (at load 13 whole notebooks failed with "CellTimeoutError ... after 4 seconds").
c.Execute.iopub_timeout = 15
# After the last cell the kernel has nothing left to do: stop it at once. The graceful default waits
# for a kernel that has imported torch to exit, then terminates it anyway: about 3 s per notebook.
c.Execute.shutdown_kernel = "immediate"

# Generating a release: strip outputs and hidden tests, lock the grade cells by checksum.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.enforce_metadata = True

# IgnorePattern stays disabled: a graded cell's outputs are the judge's verdict, never the student's stderr, so a
# warning in student code costs nothing.
c.IgnorePattern.enabled = False

# Student code writes at most this much output per cell into the graded notebook.
c.LimitOutput.max_lines = 200
c.LimitOutput.max_traceback = 100

# Feedback reports are nbgrader's own: a graded cell holds no hidden test (the checks live in hidden/ and run
# outside the notebook), so the report shows each graded cell's verdict and message, and the student's own
# cells with their output (capped while it was captured).

# Late work: "none" records how late a submission is and deducts nothing; "zero" scores it 0 (the
# exported raw_score keeps what it earned). See the instructor guide for a per-day penalty plug-in.
c.LateSubmissionPlugin.penalty_method = "none"

# `nbgrader zip_collect`: the course's plug-in reads the real download formats of Blackboard Learn, Canvas
# and Moodle (file names in grading/lms.py). Say which LMS, and the time zone it writes its times in
# (Blackboard writes the server's local time into each file name; times are stored in UTC).
c.ZipCollectApp.collector_plugin = "grading.lms.LmsCollector"
c.LmsCollector.lms = "blackboard"
c.LmsCollector.timezone = "UTC"

# `nbgrader collect` dates each submission by what the instructor's side saw (the latest change time of the
# handed-in files in the exchange), not by the timestamp.txt the student's process wrote (grading/exchange.py),
# and copies regular files only: secure_config.py sets ExchangeFactory.collect to that class.

# Student code runs in the grading sandbox and graded cells are judged outside it: see SECURITY.md. Without bubblewrap every notebook fails to grade with a message saying what to install.
load_subconfig("secure_config.py", path=_here)  # noqa: F821 (injected by traitlets)
