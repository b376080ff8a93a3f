"""Takes the labels from the corrupted inputs instead of the original ids: the model would learn to predict
[MASK]. Breaks mlm_mask."""
# %% mlm_mask
#-     labels = torch.where(selected, input_ids, torch.full_like(input_ids, IGNORE_INDEX))
#-     action = torch.rand(input_ids.shape, generator=generator)
#+     action = torch.rand(input_ids.shape, generator=generator)
#-     inputs[to_random] = random_ids[to_random]
#+     inputs[to_random] = random_ids[to_random]
#+     labels = torch.where(selected, inputs, torch.full_like(input_ids, IGNORE_INDEX))
