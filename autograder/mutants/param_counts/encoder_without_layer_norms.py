"""Calls decoder_layer_params without its layer norms: BERT's layers lose their two norms each. Breaks
encoder_params."""
# %% encoder_params
#-     layers = n_layers * decoder_layer_params(d_model, n_heads, d_ff, bias=True, layer_norm=True)
#+     layers = n_layers * decoder_layer_params(d_model, n_heads, d_ff, bias=True, layer_norm=False)
