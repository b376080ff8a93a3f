"""Divides by factor times the depth instead of by a power of factor. Breaks discriminative_param_groups."""
# %% discriminative_param_groups
def discriminative_param_groups(layer_groups, lr, factor=2.6):
    n = len(layer_groups)
    return [{"params": list(group.parameters()), "lr": (lr / (factor * (n - 1 - i)) if i < n - 1 else lr)
}
            for i, group in enumerate(layer_groups)]
