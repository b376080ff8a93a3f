"""Right flags and value, but the count is a numpy integer where a Python int is due. Breaks mark_only_bias_trainable."""
# %% mark_only_bias_trainable
import numpy as np


def mark_only_bias_trainable(model):
    for name, p in model.named_parameters():
        p.requires_grad = name.endswith("bias")
    return np.sum([p.numel() for p in model.parameters() if p.requires_grad])
