"""Trains the bottom k layers instead of the top k. Breaks freeze_all_but_top_k."""
# %% freeze_all_but_top_k
def freeze_all_but_top_k(layers, k):
    for i, layer in enumerate(layers):
        layer.requires_grad_(i < k)
