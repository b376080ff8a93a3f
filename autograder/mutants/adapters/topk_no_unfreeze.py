"""Only freezes the layers below the top k and never switches the top k back on. Breaks freeze_all_but_top_k."""
# %% freeze_all_but_top_k
#-     for i, layer in enumerate(layers):
#-         layer.requires_grad_(i >= n - k)
#+     for layer in layers[:max(n - k, 0)]:
#+         layer.requires_grad_(False)
