"""Gives the untied output head a bias of V (GPT-2's head has none). Breaks gpt_params."""
# %% gpt_params
#-         total += vocab_size * d_model
#+         total += vocab_size * d_model + vocab_size
