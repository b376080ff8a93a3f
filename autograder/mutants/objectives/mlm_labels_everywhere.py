"""Labels are the original ids at every position instead of -100 outside the selection. Breaks mlm_mask."""
# %% mlm_mask
#-     labels = torch.where(selected, input_ids, torch.full_like(input_ids, IGNORE_INDEX))
#+     labels = input_ids.clone()
