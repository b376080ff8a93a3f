"""Replaces every selected token by [MASK]: no random tokens, none kept. Breaks mlm_mask."""
# %% mlm_mask
#-     action = torch.rand(input_ids.shape, generator=generator)
#-     random_ids = torch.randint(vocab_size, input_ids.shape, generator=generator, dtype=input_ids.dtype)
#-     inputs = input_ids.clone()
#+     inputs = input_ids.clone()
#-     inputs[selected & (action < 0.8)] = mask_token_id
#-     to_random = selected & (action >= 0.8) & (action < 0.9)
#-     inputs[to_random] = random_ids[to_random]
#+     inputs[selected] = mask_token_id
