"""Writes the corruption into input_ids in place (no clone). Breaks mlm_mask."""
# %% mlm_mask
#-     inputs = input_ids.clone()
#+     inputs = input_ids
