"""Forgets the final layer norm after the last decoder layer. Breaks gpt_params."""
# %% gpt_params
#-     if layer_norm:
#-         total += layer_norm_params(d_model)
#-     if not tied_head:
#+     if not tied_head:
