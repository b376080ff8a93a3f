"""Lets bias=False drop the layer norms' biases too (d per norm), though `bias` switches only the linear layers'.
Breaks decoder_layer_params."""
# %% decoder_layer_params
#-         total += 2 * layer_norm_params(d_model)
#+         total += 2 * (layer_norm_params(d_model) if bias else d_model)
