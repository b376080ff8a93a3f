"""Draws the 10% random tokens over all positions, not only the selected ones. Breaks mlm_mask."""
# %% mlm_mask
#-     to_random = selected & (action >= 0.8) & (action < 0.9)
#+     to_random = (action >= 0.8) & (action < 0.9) & ~special
