r"""Fake passing tests: shadow type, abs and isinstance in the notebook.
Expected: 15
Base: reference
Log: NOT JUDGED
Patching isinstance breaks the student's own apply_lora and the probes that run after it: those cells
earn nothing (and are reported as not judged), so the attack costs its author more than its honest 27.
"""
# %% lora_params
def lora_params(in_features: int, out_features: int, r: int) -> int:
    return r * in_features  # wrong: forgets B


def type(x):
    return int


abs = lambda x: 0
isinstance = lambda *a: True
