"""Unfreezes layers[-k:], which for k = 0 is the whole stack. Breaks freeze_all_but_top_k."""
# %% freeze_all_but_top_k
def freeze_all_but_top_k(layers, k):
    layers.requires_grad_(False)
    for layer in layers[-k:]:
        layer.requires_grad_(True)
