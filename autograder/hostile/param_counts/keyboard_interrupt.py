r"""Stall grading: an endless loop that swallows the KeyboardInterrupt the grader sends at the timeout.
Expected: 28
Base: reference
Log: except:|KeyboardInterrupt
"""
# %% training_memory_gb
while True:
    try:
        while True:
            pass
    except KeyboardInterrupt:
        pass
    except:
        pass
