"""Sums the loss of real targets but divides by every position, padding included. Breaks clm_loss."""
# %% clm_loss
def clm_loss(logits: torch.Tensor, input_ids: torch.Tensor, ignore_index: int = IGNORE_INDEX) -> torch.Tensor:
    vocab = logits.size(-1)
    shifted, targets = logits[:, :-1, :], input_ids[:, 1:]
    total = F.cross_entropy(shifted.reshape(-1, vocab), targets.reshape(-1), ignore_index=ignore_index,
                            reduction="sum")
    return total / targets.numel()
