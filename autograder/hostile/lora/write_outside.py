r"""Tamper: write into the course, the submission folder and /tmp outside the sandbox.
Expected: 27
Base: reference
Log: Read-only file system|PermissionError|raised
"""
# %% lora_params
for path in ('../../../gradebook.db', 'lora.ipynb', '/work/evil.txt'):
    try:
        open(path, 'a').write('x')
    except OSError as error:
        print(path, error)
raise RuntimeError('nothing written')
