r"""Leak the gradebook through the submission: notes.txt is a symlink to the course's gradebook, and the
notebook prints it.
Expected: 27
Base: reference
Log: refused 'notes.txt': a symbolic link
Symlink: notes.txt -> gradebook.db
"""
# %% lora_params
try:
    print(open('notes.txt', 'rb').read()[:4000])
except OSError as error:
    print('no notes:', error)


def lora_params(in_features: int, out_features: int, r: int) -> int:
    return r * in_features  # wrong: forgets B
