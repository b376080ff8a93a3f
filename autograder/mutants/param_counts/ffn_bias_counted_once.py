"""Counts only the first linear layer's bias (d_ff), not the second's (d_model). Breaks ffn_params."""
# %% ffn_params
#-     biases = (d_ff + d_model) if bias else 0
#+     biases = d_ff if bias else 0
