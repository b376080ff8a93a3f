"""Puts labels only where [MASK] was written, not at the random or kept positions. Breaks mlm_mask."""
# %% mlm_mask
#-     labels = torch.where(selected, input_ids, torch.full_like(input_ids, IGNORE_INDEX))
#-     action = torch.rand(input_ids.shape, generator=generator)
#+     action = torch.rand(input_ids.shape, generator=generator)
#-     inputs[selected & (action < 0.8)] = mask_token_id
#+     to_mask = selected & (action < 0.8)
#+     inputs[to_mask] = mask_token_id
#-     inputs[to_random] = random_ids[to_random]
#+     inputs[to_random] = random_ids[to_random]
#+     labels = torch.where(to_mask, input_ids, torch.full_like(input_ids, IGNORE_INDEX))
