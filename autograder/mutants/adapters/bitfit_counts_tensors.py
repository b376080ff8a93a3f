"""Returns the number of trainable tensors instead of trainable parameters (elements). Breaks mark_only_bias_trainable."""
# %% mark_only_bias_trainable
def mark_only_bias_trainable(model):
    for name, p in model.named_parameters():
        p.requires_grad = name.endswith("bias")
    return sum(1 for p in model.parameters() if p.requires_grad)
