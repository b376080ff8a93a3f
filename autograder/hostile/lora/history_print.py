r"""Leak the hidden tests: a last cell prints In, _ih, linecache and every string the kernel holds
that looks like a test (hex and base64 too).
Expected: 30
Base: reference
Log: student hostile-history-print: tests passed 9/9
"""
# %% +end
import base64
import gc
import linecache

print('\n'.join(In))
print('\n'.join(_ih))
for name, entry in list(linecache.cache.items()):
    print(name, ''.join(entry[2]) if len(entry) > 2 else '')
texts = [o for o in gc.get_objects() if isinstance(o, str) and ('expect(' in o or 'close(' in o)]
for t in texts[:50]:
    print(t)
    print(t.encode().hex())
    print(base64.b64encode(t.encode()).decode())
