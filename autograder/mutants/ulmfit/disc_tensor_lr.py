"""Learning rates as torch tensors (torch.tensor(lr) / factor ** k) where a Python float is due. Breaks discriminative_param_groups."""
# %% discriminative_param_groups
def discriminative_param_groups(layer_groups, lr, factor=2.6):
    n = len(layer_groups)
    return [{"params": list(group.parameters()), "lr": torch.tensor(lr, dtype=torch.float64) / factor ** (n - 1 - i)
}
            for i, group in enumerate(layer_groups)]
