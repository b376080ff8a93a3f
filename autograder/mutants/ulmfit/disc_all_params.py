"""Puts every parameter of the stack in every group, so the optimiser refuses the duplicates. Breaks discriminative_param_groups."""
# %% discriminative_param_groups
def discriminative_param_groups(layer_groups, lr, factor=2.6):
    n = len(layer_groups)
    params = [p for group in layer_groups for p in group.parameters()]
    return [{"params": params, "lr": lr / factor ** (n - 1 - i)} for i in range(n)]
