"""Slices layers[n - k:], which wraps around when k > n and leaves the bottom layers frozen. Breaks freeze_all_but_top_k."""
# %% freeze_all_but_top_k
def freeze_all_but_top_k(layers, k):
    layers.requires_grad_(False)
    for layer in layers[len(layers) - k:]:
        layer.requires_grad_(True)
