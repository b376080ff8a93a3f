"""Counts a layer norm as d parameters (the gain), forgetting its bias. Breaks layer_norm_params."""
# %% layer_norm_params
#-     return 2 * d_model
#+     return d_model
