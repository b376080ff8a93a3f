"""Marks positions that are not selected with label 0 instead of -100 (0 is a real token). Breaks mlm_mask."""
# %% mlm_mask
#-     labels = torch.where(selected, input_ids, torch.full_like(input_ids, IGNORE_INDEX))
#+     labels = torch.where(selected, input_ids, torch.zeros_like(input_ids))
