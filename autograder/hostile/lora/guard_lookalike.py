r"""Reach the interpreter through private attributes on a name spelled self (the old validator's hole):
sys.modules gives os and io, io.FileIO reads files. Nothing secret is there to read.
Expected: 27
Base: reference
Log: tests passed 8/9
"""
# %% lora_params
import collections
self = collections
mods = self._sys.modules if hasattr(self, '_sys') else __import__('sys').modules
io = mods['io']
for path in ('../../../gradebook.db', '/etc/shadow', 'lora.ipynb'):
    try:
        print(path, io.FileIO(path).read()[:200])
    except OSError as error:
        print(path, type(error).__name__)


def lora_params(in_features: int, out_features: int, r: int) -> int:
    return r * in_features  # wrong: forgets B
