"""Always uses d_ff = 4 d_model, ignoring a d_ff that is given. Breaks gpt_params."""
# %% gpt_params
#-     """Parameters of a GPT-2 style language model: embeddings, decoder layers, final norm, head."""
#-     d_ff = 4 * d_model if d_ff is None else d_ff
#+     d_ff = 4 * d_model
