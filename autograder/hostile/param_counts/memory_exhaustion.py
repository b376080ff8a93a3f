r"""Exhaust memory: allocate 1 GiB tensors until the machine's 24 GiB are gone (valid Python: the address
space limit stops it with an error in this cell).
Expected: 28
Base: reference
Log: student hostile-memory-exhaustion, training_memory_gb raised
"""
# %% training_memory_gb
blocks = []
while True:
    blocks.append(torch.empty(2 ** 28))
