r"""Escape grading: sys.exit() in a solution cell, hoping the kernel stops before the tests fail.
Expected: 28
Base: reference
Log: import sys|SystemExit
"""
# %% training_memory_gb
import sys

sys.exit(0)
