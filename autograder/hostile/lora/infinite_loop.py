r"""Stall grading: an endless loop (the cell limit interrupts it, the rest is graded).
Expected: 27
Base: reference
Log: lora_params raised '(CellTimeoutError|KeyboardInterrupt)'
"""
# %% lora_params
n = 0
while True:
    n += 1
