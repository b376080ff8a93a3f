"""No shift: the logits at position t are scored against token t itself. Breaks clm_loss."""
# %% clm_loss
def clm_loss(logits: torch.Tensor, input_ids: torch.Tensor, ignore_index: int = IGNORE_INDEX) -> torch.Tensor:
    vocab = logits.size(-1)
    return F.cross_entropy(logits.reshape(-1, vocab), input_ids.reshape(-1), ignore_index=ignore_index)
