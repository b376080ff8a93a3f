"""Marks positions that are not selected with label 0 instead of -100 (0 is a real token). Breaks mlm_mask."""
# %% mlm_mask
def mlm_mask(input_ids: torch.Tensor, mask_token_id: int, vocab_size: int, special_token_ids=(),
             mlm_probability: float = 0.15, generator: torch.Generator | None = None):
    special = torch.zeros(input_ids.shape, dtype=torch.bool)
    for token in special_token_ids:
        special |= input_ids == token
    selected = (torch.rand(input_ids.shape, generator=generator) < mlm_probability) & ~special
    labels = torch.where(selected, input_ids, torch.zeros_like(input_ids))
    action = torch.rand(input_ids.shape, generator=generator)
    random_ids = torch.randint(vocab_size, input_ids.shape, generator=generator, dtype=input_ids.dtype)
    inputs = input_ids.clone()
    inputs[selected & (action < 0.8)] = mask_token_id
    to_random = selected & (action >= 0.8) & (action < 0.9)
    inputs[to_random] = random_ids[to_random]
    return inputs, labels
