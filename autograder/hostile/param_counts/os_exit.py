r"""Escape grading: os._exit() kills the kernel; the cells after it must earn nothing, the earlier keep theirs.
Expected: 28
Base: reference
Unvalidated: 28
Log: import os|kernel died
"""
# %% training_memory_gb
import os

os._exit(0)
