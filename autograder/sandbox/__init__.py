"""The student's side of grading: the bubblewrap kernel that runs student code (launch.py, kernels/llm-grader)
and the import rule checked before a cell runs (validator.py). Verdicts are decided in judge/, never here."""
