r"""Exhaust inodes: a million empty files in /tmp, /dev/shm and the kernel's socket folder.
Expected: 27
Base: reference
Log: lora_params raised
"""
# %% lora_params
import os
import sys

folders = ['/tmp', '/dev/shm', os.path.dirname(sys.argv[sys.argv.index('-f') + 1])]
counts = {}
for folder in folders:
    n = 0
    try:
        while n < 1_000_000:
            open(os.path.join(folder, f'f{n}'), 'w').close()
            n += 1
    except OSError as error:
        counts[folder] = (n, type(error).__name__)
raise RuntimeError(f'files made: {counts}')
