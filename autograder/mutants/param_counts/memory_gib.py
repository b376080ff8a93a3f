"""Uses GiB (2^30 bytes) where the exercise asks for GB (10^9 bytes). Breaks training_memory_gb."""
# %% training_memory_gb
#-     return float(n_params * bytes_per_param / 1e9)
#+     return n_params * bytes_per_param / 2 ** 30
