"""Off by one: trains the top k - 1 layers (uses > instead of >=). Breaks freeze_all_but_top_k."""
# %% freeze_all_but_top_k
#-         layer.requires_grad_(i >= n - k)
#+         layer.requires_grad_(i > n - k)
