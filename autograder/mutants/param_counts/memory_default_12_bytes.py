"""Defaults to 12 bytes a parameter (only the fp32 master weights and Adam's moments, forgetting the fp16 weights
and gradients). Breaks training_memory_gb."""
# %% training_memory_gb
#- def training_memory_gb(n_params: int, bytes_per_param: int = 16) -> float:
#+ def training_memory_gb(n_params: int, bytes_per_param: int = 12) -> float:
