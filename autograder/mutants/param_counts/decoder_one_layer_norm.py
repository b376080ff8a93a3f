"""Counts one layer norm per decoder layer instead of two. Breaks decoder_layer_params."""
# %% decoder_layer_params
#-         total += 2 * layer_norm_params(d_model)
#+         total += layer_norm_params(d_model)
