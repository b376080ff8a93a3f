"""Multiplies by the factor going down instead of dividing: lower layers learn faster. Breaks discriminative_param_groups."""
# %% discriminative_param_groups
def discriminative_param_groups(layer_groups, lr, factor=2.6):
    n = len(layer_groups)
    return [{"params": list(group.parameters()), "lr": lr * factor ** (n - 1 - i)
}
            for i, group in enumerate(layer_groups)]
