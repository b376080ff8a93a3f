"""Counts the final layer norm whatever layer_norm says. Breaks gpt_params."""
# %% gpt_params
#-     if layer_norm:
#-         total += layer_norm_params(d_model)
#+     total += layer_norm_params(d_model)
