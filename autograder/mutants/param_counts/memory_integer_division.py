"""Floor division: returns a whole number of GB (an int, rounded down), wrong for any size that is not a whole
number of GB. Breaks training_memory_gb."""
# %% training_memory_gb
#-     return float(n_params * bytes_per_param / 1e9)
#+     return n_params * bytes_per_param // 10 ** 9
