r"""Fill the disk: write 1 MiB blocks to files in the working folder and in /tmp until it fails.
Expected: 28
Base: reference
Unvalidated: 28
Log: open|Read-only file system
"""
# %% training_memory_gb
block = b"0" * 2 ** 20
for path in ("filler.bin", "/tmp/filler.bin"):
    with open(path, "wb") as f:
        while True:
            f.write(block)
