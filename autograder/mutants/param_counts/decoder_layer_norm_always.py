"""Counts the two layer norms even when layer_norm=False. Breaks decoder_layer_params."""
# %% decoder_layer_params
#-     if layer_norm:
#-         total += 2 * layer_norm_params(d_model)
#+     total += 2 * layer_norm_params(d_model)
