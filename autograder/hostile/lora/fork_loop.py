r"""Stall the machine: a fork bomb (RLIMIT_NPROC bounds it; the pid namespace ends it).
Expected: 27
Base: reference
Log: lora_params raised
"""
# %% lora_params
import os

while True:
    os.fork()
