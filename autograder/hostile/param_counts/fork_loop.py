r"""Stall the machine: a fork bomb (RLIMIT_NPROC bounds it when the validator is bypassed).
Expected: 28
Base: reference
Log: import os|\.fork
"""
# %% training_memory_gb
import os

while True:
    os.fork()
