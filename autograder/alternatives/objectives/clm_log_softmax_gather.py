"""clm_loss without F.cross_entropy: log_softmax, gather the targets' log-probabilities, average over the kept
positions; the shift written as transformers does (`[..., :-1, :].contiguous()`), and a debugging print left
in. Must earn full marks."""
# %% clm_loss
def clm_loss(logits, input_ids, ignore_index=-100):
    shift_logits = logits[..., :-1, :].contiguous()
    shift_labels = input_ids[..., 1:].contiguous()
    keep = shift_labels != ignore_index
    log_probs = torch.log_softmax(shift_logits, dim=-1)
    picked = log_probs.gather(-1, shift_labels.clamp(min=0).masked_fill(~keep, 0).unsqueeze(-1)).squeeze(-1)
    print("targets that count:", int(keep.sum()))
    return -(picked * keep).sum() / keep.sum()
