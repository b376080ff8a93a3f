"""The trusted side of grading: nbgrader's Execute with verdicts decided here, from data (execute.py), the API
hidden tests are written in (checks.py), what crosses from the student's kernel (wire.py), and what enters as
a submission (files.py). Nothing in this package ever runs code a student wrote."""
