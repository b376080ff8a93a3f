"""Also trains the LayerNorm weights (treating every LayerNorm parameter as a bias). Breaks mark_only_bias_trainable."""
# %% mark_only_bias_trainable
def mark_only_bias_trainable(model):
    for name, p in model.named_parameters():
        p.requires_grad = name.endswith("bias") or "norm" in name.lower()
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
