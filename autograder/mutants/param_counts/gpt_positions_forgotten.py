"""Forgets the learned position embeddings. Breaks gpt_params."""
# %% gpt_params
#-     if learned_positions:
#-         total += context_length * d_model
#-     total += n_layers * decoder_layer_params(d_model, n_heads, d_ff, bias, layer_norm)
#+     total += n_layers * decoder_layer_params(d_model, n_heads, d_ff, bias, layer_norm)
