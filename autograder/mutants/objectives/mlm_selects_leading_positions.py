"""Selects the right NUMBER of tokens but always the leading ones: the first round(p * length) positions of each
row instead of each position independently at random. Breaks mlm_mask."""
# %% mlm_mask
#-     selected = (torch.rand(input_ids.shape, generator=generator) < mlm_probability) & ~special
#+     n_selected = round(mlm_probability * input_ids.shape[-1])
#+     selected = (torch.arange(input_ids.shape[-1]) < n_selected).expand(input_ids.shape) & ~special
