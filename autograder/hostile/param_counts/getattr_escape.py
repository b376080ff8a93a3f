r"""Bypass the static check: reach `os` through a computed getattr on torch, then read and write outside.
The validator lets it through; the sandbox bounds it (read-only, masked, no gradebook in sight).
Expected: 28
Base: reference
Log: student hostile-getattr-escape, training_memory_gb raised RuntimeError: saw \['autograded'\]
"""
# %% training_memory_gb
o = getattr(torch, "o" + "s")
names = getattr(o, "list" + "dir")("../../..")
getattr(o, "sys" + "tem")("cat ../../../gradebook.db > leaked.txt; rm -rf ../../../submitted")
raise RuntimeError(f"saw {names}")
