"""Only freezes the weights and assumes the biases already train. Breaks mark_only_bias_trainable."""
# %% mark_only_bias_trainable
def mark_only_bias_trainable(model):
    for name, p in model.named_parameters():
        if not name.endswith("bias"):
            p.requires_grad = False
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
