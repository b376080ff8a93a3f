"""Selects biases by module type, nn.Linear only: the LayerNorm biases stay frozen. Breaks mark_only_bias_trainable."""
# %% mark_only_bias_trainable
#-     for name, p in model.named_parameters():
#-         p.requires_grad = name.endswith("bias")
#+     model.requires_grad_(False)
#+     for module in model.modules():
#+         if isinstance(module, nn.Linear) and module.bias is not None:
#+             module.bias.requires_grad = True
