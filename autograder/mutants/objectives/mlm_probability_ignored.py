"""Hard-codes BERT's 15% and ignores mlm_probability. Breaks mlm_mask."""
# %% mlm_mask
#-     selected = (torch.rand(input_ids.shape, generator=generator) < mlm_probability) & ~special
#+     selected = (torch.rand(input_ids.shape, generator=generator) < 0.15) & ~special
