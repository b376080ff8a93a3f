"""Draws random ids from 1 .. vocab_size (one-based), so an id can fall outside the vocabulary. Breaks mlm_mask."""
# %% mlm_mask
#-     random_ids = torch.randint(vocab_size, input_ids.shape, generator=generator, dtype=input_ids.dtype)
#+     random_ids = torch.randint(1, vocab_size + 1, input_ids.shape, generator=generator, dtype=input_ids.dtype)
