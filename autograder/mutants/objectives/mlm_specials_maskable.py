"""Ignores special_token_ids: [CLS], [SEP] and [PAD] can be selected and masked. Breaks mlm_mask."""
# %% mlm_mask
#-     """BERT's corruption for masked language modelling: returns new (inputs, labels)."""
#-     special = torch.zeros(input_ids.shape, dtype=torch.bool)
#-     for token in special_token_ids:
#-         special |= input_ids == token
#-     selected = (torch.rand(input_ids.shape, generator=generator) < mlm_probability) & ~special
#+     selected = torch.rand(input_ids.shape, generator=generator) < mlm_probability
