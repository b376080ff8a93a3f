"""Forgets to pass `bias` on to the attention and feed-forward counts (always with biases). Breaks decoder_layer_params."""
# %% decoder_layer_params
#-     """Parameters of one decoder layer: attention + feed-forward (+ their two layer norms)."""
#-     total = mha_params(d_model, n_heads, bias) + ffn_params(d_model, d_ff, bias)
#+     total = mha_params(d_model, n_heads) + ffn_params(d_model, d_ff)
