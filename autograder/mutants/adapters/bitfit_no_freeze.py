"""Only switches the biases on and never freezes the weights. Breaks mark_only_bias_trainable."""
# %% mark_only_bias_trainable
def mark_only_bias_trainable(model):
    for name, p in model.named_parameters():
        if name.endswith("bias"):
            p.requires_grad = True
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
