r"""Exhaust the grader's memory: print 16 MiB, in one message and in many.
Expected: 27
Base: reference
Log: tests passed 8/9
"""
# %% lora_params
import sys

print('x' * (16 << 20))
for i in range(4096):
    sys.stdout.write('y' * 4096 + '\n')
sys.stderr.write('z' * (8 << 20))


def lora_params(in_features: int, out_features: int, r: int) -> int:
    return r * in_features  # wrong: forgets B
