"""Also trains the LayerNorm weights (treating every LayerNorm parameter as a bias). Breaks mark_only_bias_trainable."""
# %% mark_only_bias_trainable
#-         p.requires_grad = name.endswith("bias")
#+         p.requires_grad = name.endswith("bias") or "norm" in name.lower()
