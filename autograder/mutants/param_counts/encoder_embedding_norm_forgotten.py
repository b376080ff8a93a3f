"""Forgets the layer norm applied to the summed embeddings. Breaks encoder_params."""
# %% encoder_params
#-     """Parameters of a BERT encoder: three embedding tables + norm, encoder layers, optional pooler."""
#-     embeddings = (vocab_size + max_positions + type_vocab_size) * d_model + layer_norm_params(d_model)
#+     embeddings = (vocab_size + max_positions + type_vocab_size) * d_model
