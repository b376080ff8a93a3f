"""Adds the output head's V x d matrix even when it is tied to the token embeddings. Breaks gpt_params."""
# %% gpt_params
#-     if not tied_head:
#-         total += vocab_size * d_model
#+     total += vocab_size * d_model
