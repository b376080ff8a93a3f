"""Gives every head its own d_model x d_model projections (multiplies by n_heads). Breaks mha_params."""
# %% mha_params
#-     weights = 4 * d_model * d_model
#+     weights = n_heads * 4 * d_model * d_model
