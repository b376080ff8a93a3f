"""Mixes up BERT's 80/10/10: 10% of the selected become [MASK] and 80% a random token. Breaks mlm_mask."""
# %% mlm_mask
#-     inputs[selected & (action < 0.8)] = mask_token_id
#-     to_random = selected & (action >= 0.8) & (action < 0.9)
#+     inputs[selected & (action < 0.1)] = mask_token_id
#+     to_random = selected & (action >= 0.1) & (action < 0.9)
