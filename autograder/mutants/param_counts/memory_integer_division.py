"""Floor division: returns a whole number of GB (an int) instead of a float. Breaks training_memory_gb."""
# %% training_memory_gb
def training_memory_gb(n_params: int, bytes_per_param: int = 16) -> float:
    return n_params * bytes_per_param // 10 ** 9
