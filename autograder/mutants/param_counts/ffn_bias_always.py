"""Adds the biases even when bias=False. Breaks ffn_params."""
# %% ffn_params
#-     biases = (d_ff + d_model) if bias else 0
#+     biases = d_ff + d_model
