"""Only freezes the weights and assumes the biases already train. Breaks mark_only_bias_trainable."""
# %% mark_only_bias_trainable
#-         p.requires_grad = name.endswith("bias")
#+         if not name.endswith("bias"):
#+             p.requires_grad = False
