"""Always multiplies by 16, ignoring bytes_per_param. Breaks training_memory_gb."""
# %% training_memory_gb
#-     return float(n_params * bytes_per_param / 1e9)
#+     return n_params * 16 / 1e9
