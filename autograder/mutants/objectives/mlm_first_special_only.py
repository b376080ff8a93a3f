"""Protects only the first id of special_token_ids ([CLS]) and lets the others ([SEP], [PAD]) be selected.
Breaks mlm_mask."""
# %% mlm_mask
#-     for token in special_token_ids:
#-         special |= input_ids == token
#+     for token in list(special_token_ids)[:1]:
#+         special |= input_ids == token
