"""The grader's defences around student code: the bubblewrap kernel (launch.py), the static validator
(validator.py), the runtime guard (guard.py) and nbgrader's Execute with all three (execute.py)."""
