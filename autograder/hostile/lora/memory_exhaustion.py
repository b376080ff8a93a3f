r"""Exhaust memory: allocate 1 GiB tensors until the address-space limit stops it.
Expected: 27
Base: reference
Log: lora_params raised
"""
# %% lora_params
blocks = []
while True:
    blocks.append(torch.empty(2 ** 28))
