"""The course's grading package: one runner, one gradebook reader, one catalogue loader, one intake.

    cd autograder && python -m grading --help

Modules: `paths` (where things are, COURSE_ID), `notebooks` (assignments and their cells), `catalogue`
(mutants, alternatives, the submissions built from them), `runner` (an nbgrader process, bounded in
time), `gradebook` (scores and state), `course` (grading in a throwaway course), `intake` (what a student
handed in), `lms` (zip_collect plug-ins for Moodle, Canvas, Blackboard), `exchange` (collect with the
instructor's time), `state` (what a grade depends on), `reports`, `workflow` (a class: `make grade`),
`simulate` (a simulated class), `cli`.
"""
import nbformat  # noqa: F401 (callers of the former grading.py use grading.nbformat)

from .catalogue import (Mutant, Submission, _notebook_bytes, alternatives, catalogue_submissions, load_mutant,
                        mutant_submission, mutants, notebook_submission, notebook_with_cells, reference_submission,
                        release_submission)
from .course import AssignmentRun, Course, grade, grade_many
from .gradebook import GradeResult
from .notebooks import (HIDDEN_MARKERS, SOLUTION_MARKERS, all_assignments, assignments, autograded_items,
                        grade_ids, item_of, manual_ids, reference_cells, release_path, solution_ids, source_path,
                        strip_solution_markers)
from .paths import (ALTERNATIVES, AUTOGRADER, BIN, CONFIG, COURSE_ID, EXERCISES, MUTANTS, ROOT, SOLUTIONS,
                    nbgrader_env)

_env = nbgrader_env  # the name the older callers use

__all__ = [
    "ALTERNATIVES", "AUTOGRADER", "BIN", "CONFIG", "COURSE_ID", "EXERCISES", "HIDDEN_MARKERS", "MUTANTS", "ROOT",
    "SOLUTIONS", "SOLUTION_MARKERS", "AssignmentRun", "Course", "GradeResult", "Mutant", "Submission",
    "all_assignments", "alternatives", "assignments", "autograded_items", "catalogue_submissions", "grade",
    "grade_ids", "grade_many", "item_of", "load_mutant", "manual_ids", "mutant_submission", "mutants", "nbgrader_env",
    "notebook_submission", "notebook_with_cells", "reference_cells", "reference_submission", "release_path", "release_submission",
    "solution_ids", "source_path", "strip_solution_markers",
]
