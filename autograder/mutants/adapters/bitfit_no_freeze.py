"""Only switches the biases on and never freezes the weights. Breaks mark_only_bias_trainable."""
# %% mark_only_bias_trainable
#-         p.requires_grad = name.endswith("bias")
#+         if name.endswith("bias"):
#+             p.requires_grad = True
