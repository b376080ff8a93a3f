"""Reuses the selection's uniform draw for the 80/10/10 decision: a selected token has a draw below p, so (for
p <= 0.8) it always becomes [MASK] and never a random or kept token. Breaks mlm_mask."""
# %% mlm_mask
#-     selected = (torch.rand(input_ids.shape, generator=generator) < mlm_probability) & ~special
#+     draw = torch.rand(input_ids.shape, generator=generator)
#+     selected = (draw < mlm_probability) & ~special
#-     action = torch.rand(input_ids.shape, generator=generator)
#+     action = draw
