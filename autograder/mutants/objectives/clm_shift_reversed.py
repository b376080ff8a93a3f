"""Shifts the wrong way: logits at t + 1 are scored against token t. Breaks clm_loss."""
# %% clm_loss
#-     shifted, targets = logits[:, :-1, :], input_ids[:, 1:]
#+     shifted, targets = logits[:, 1:, :], input_ids[:, :-1]
