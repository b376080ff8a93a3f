"""Always multiplies by 16, ignoring bytes_per_param. Breaks training_memory_gb."""
# %% training_memory_gb
def training_memory_gb(n_params: int, bytes_per_param: int = 16) -> float:
    return n_params * 16 / 1e9
