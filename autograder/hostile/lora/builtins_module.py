r"""Fake passing tests: patch the builtins module so abs, type and isinstance lie.
Expected: 15
Base: reference
Log: NOT JUDGED|the kernel died
Patching isinstance breaks the student's own apply_lora and the probes that run after it: those cells
earn nothing (and are reported as not judged), so the attack costs its author more than its honest 27.
A kernel forked by the fork server dies instead of hanging (seen: the error handler of asyncio's event loop
calls the patched isinstance and fails, which ends the loop): the same cells earn nothing, reported as "the
kernel died".
"""
# %% lora_params
import builtins

def lora_params(in_features: int, out_features: int, r: int) -> int:
    return r * in_features  # wrong: forgets B


builtins.abs = lambda x: 0
builtins.isinstance = lambda *a: True
