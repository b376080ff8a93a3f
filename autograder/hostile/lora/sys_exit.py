r"""Escape grading: sys.exit() in a cell (IPython reports it; the rest is graded).
Expected: 27
Base: reference
Log: lora_params raised 'SystemExit'
"""
# %% lora_params
import sys

sys.exit(0)
