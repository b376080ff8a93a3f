r"""Escape grading: os._exit() kills the kernel; the cells after it earn nothing, the earlier keep theirs.
Expected: 15
Base: reference
Log: kernel died
"""
# %% lora_params
import os

os._exit(0)
