"""Slices layers[n - k:], which wraps around when k > n and leaves the bottom layers frozen. Breaks freeze_all_but_top_k."""
# %% freeze_all_but_top_k
#-     for i, layer in enumerate(layers):
#-         layer.requires_grad_(i >= n - k)
#+     layers.requires_grad_(False)
#+     for layer in layers[n - k:]:
#+         layer.requires_grad_(True)
