"""Only freezes the layers below the top k and never switches the top k back on. Breaks freeze_all_but_top_k."""
# %% freeze_all_but_top_k
def freeze_all_but_top_k(layers, k):
    for layer in layers[:max(len(layers) - k, 0)]:
        layer.requires_grad_(False)
