"""Unfreezes layers[-k:], which for k = 0 is the whole stack. Breaks freeze_all_but_top_k."""
# %% freeze_all_but_top_k
#-     n = len(layers)
#-     for i, layer in enumerate(layers):
#-         layer.requires_grad_(i >= n - k)
#+     layers.requires_grad_(False)
#+     for layer in layers[-k:]:
#+         layer.requires_grad_(True)
