"""Returns a NumPy integer (right value) where a Python int is due. Breaks mha_params."""
# %% mha_params
#-     return weights + biases
#+     import numpy as np
#+     return np.int64(weights + biases)
