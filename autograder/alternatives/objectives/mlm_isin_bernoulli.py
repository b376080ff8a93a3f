"""mlm_mask as transformers' DataCollatorForLanguageModeling writes it: torch.isin for the special tokens,
torch.bernoulli for the selection, then 80% of the selected masked and half of the rest random (0.5 of 0.2 is
0.1), random ids drawn only for the positions that need them. Other random numbers than the master's, the
same distribution: must earn full marks."""
# %% mlm_mask
def mlm_mask(input_ids, mask_token_id, vocab_size, special_token_ids=(), mlm_probability=0.15, generator=None):
    labels = input_ids.clone()
    inputs = input_ids.clone()
    special = torch.isin(input_ids, torch.tensor(list(special_token_ids), dtype=input_ids.dtype))
    probability = torch.full(input_ids.shape, float(mlm_probability))
    probability.masked_fill_(special, 0.0)
    selected = torch.bernoulli(probability, generator=generator).bool()
    labels[~selected] = -100
    masked = torch.bernoulli(torch.full(input_ids.shape, 0.8), generator=generator).bool() & selected
    inputs[masked] = mask_token_id
    randomised = torch.bernoulli(torch.full(input_ids.shape, 0.5), generator=generator).bool() & selected & ~masked
    inputs[randomised] = torch.randint(vocab_size, (int(randomised.sum()),), generator=generator,
                                       dtype=input_ids.dtype)
    return inputs, labels
