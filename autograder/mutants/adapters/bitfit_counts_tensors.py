"""Returns the number of trainable tensors instead of trainable parameters (elements). Breaks mark_only_bias_trainable."""
# %% mark_only_bias_trainable
#-     return sum(p.numel() for p in model.parameters() if p.requires_grad)
#+     return sum(1 for p in model.parameters() if p.requires_grad)
