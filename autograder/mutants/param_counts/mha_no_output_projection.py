"""Counts W_Q, W_K, W_V but forgets the output projection W_O. Breaks mha_params."""
# %% mha_params
#-     weights = 4 * d_model * d_model
#-     biases = 4 * d_model if bias else 0
#+     weights = 3 * d_model * d_model
#+     biases = 3 * d_model if bias else 0
