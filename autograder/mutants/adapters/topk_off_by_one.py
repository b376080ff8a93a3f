"""Off by one: trains the top k - 1 layers (uses > instead of >=). Breaks freeze_all_but_top_k."""
# %% freeze_all_but_top_k
def freeze_all_but_top_k(layers, k):
    n = len(layers)
    for i, layer in enumerate(layers):
        layer.requires_grad_(i > n - k)
