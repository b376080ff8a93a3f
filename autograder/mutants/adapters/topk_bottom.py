"""Trains the bottom k layers instead of the top k. Breaks freeze_all_but_top_k."""
# %% freeze_all_but_top_k
#-         layer.requires_grad_(i >= n - k)
#+         layer.requires_grad_(i < k)
