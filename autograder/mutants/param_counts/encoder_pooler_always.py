"""Counts the pooler even when pooler=False. Breaks encoder_params."""
# %% encoder_params
#-     pool = d_model * d_model + d_model if pooler else 0
#-     return embeddings + layers + pool
#+     return embeddings + layers + d_model * d_model + d_model
