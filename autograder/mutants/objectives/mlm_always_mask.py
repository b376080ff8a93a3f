"""Replaces every selected token by [MASK]: no random tokens, none kept. Breaks mlm_mask."""
# %% mlm_mask
def mlm_mask(input_ids: torch.Tensor, mask_token_id: int, vocab_size: int, special_token_ids=(),
             mlm_probability: float = 0.15, generator: torch.Generator | None = None):
    special = torch.zeros(input_ids.shape, dtype=torch.bool)
    for token in special_token_ids:
        special |= input_ids == token
    selected = (torch.rand(input_ids.shape, generator=generator) < mlm_probability) & ~special
    labels = torch.where(selected, input_ids, torch.full_like(input_ids, IGNORE_INDEX))
    inputs = input_ids.clone()
    inputs[selected] = mask_token_id
    return inputs, labels
