r"""Stall grading: an endless loop that swallows the interrupt the grader sends at the timeout.
Expected: 15
Base: reference
Log: kernel (died|did not)|NOT JUDGED|CellTimeoutError
"""
# %% lora_params
while True:
    try:
        while True:
            pass
    except KeyboardInterrupt:
        pass
    except:
        pass
