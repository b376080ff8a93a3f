r"""Stall grading: an endless loop (valid Python: the per-cell timeout interrupts it, the rest is graded).
Expected: 28
Base: reference
Log: student hostile-infinite-loop, training_memory_gb raised (CellTimeoutError|KeyboardInterrupt)
"""
# %% training_memory_gb
n = 0
while True:
    n += 1
