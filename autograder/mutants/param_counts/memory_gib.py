"""Uses GiB (2^30 bytes) where the exercise asks for GB (10^9 bytes). Breaks training_memory_gb."""
# %% training_memory_gb
def training_memory_gb(n_params: int, bytes_per_param: int = 16) -> float:
    return n_params * bytes_per_param / 2 ** 30
