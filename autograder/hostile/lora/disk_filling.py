r"""Fill the disk: 1 MiB blocks into the working folder, /tmp and /dev/shm until it fails.
Expected: 27
Base: reference
Log: lora_params raised
"""
# %% lora_params
block = b'0' * 2 ** 20
for path in ('filler.bin', '/tmp/filler.bin', '/dev/shm/filler.bin'):
    try:
        with open(path, 'wb') as f:
            while True:
                f.write(block)
    except OSError as error:
        print(path, error)
raise RuntimeError('disk full')
