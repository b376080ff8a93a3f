"""Ignores the generator and draws from torch's global RNG: a seeded generator does not reproduce. Breaks mlm_mask."""
# %% mlm_mask
#-     selected = (torch.rand(input_ids.shape, generator=generator) < mlm_probability) & ~special
#+     selected = (torch.rand(input_ids.shape) < mlm_probability) & ~special
#-     action = torch.rand(input_ids.shape, generator=generator)
#-     random_ids = torch.randint(vocab_size, input_ids.shape, generator=generator, dtype=input_ids.dtype)
#+     action = torch.rand(input_ids.shape)
#+     random_ids = torch.randint(vocab_size, input_ids.shape, dtype=input_ids.dtype)
