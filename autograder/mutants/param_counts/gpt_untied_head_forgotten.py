"""Never counts a separate output head, even when it is not tied. Breaks gpt_params."""
# %% gpt_params
#-     if not tied_head:
#-         total += vocab_size * d_model
#-     return total
#+     return total
