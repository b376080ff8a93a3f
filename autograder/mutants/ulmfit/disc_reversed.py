"""Counts from the bottom: the first (bottom) group gets lr and the top the smallest rate. Breaks discriminative_param_groups."""
# %% discriminative_param_groups
def discriminative_param_groups(layer_groups, lr, factor=2.6):
    n = len(layer_groups)
    return [{"params": list(group.parameters()), "lr": lr / factor ** i
}
            for i, group in enumerate(layer_groups)]
