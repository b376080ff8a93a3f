"""Hard-codes two token types, ignoring type_vocab_size. Breaks encoder_params."""
# %% encoder_params
#-     """Parameters of a BERT encoder: three embedding tables + norm, encoder layers, optional pooler."""
#-     embeddings = (vocab_size + max_positions + type_vocab_size) * d_model + layer_norm_params(d_model)
#+     embeddings = (vocab_size + max_positions + 2) * d_model + layer_norm_params(d_model)
