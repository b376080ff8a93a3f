"""Discriminative rates built from the top down with a running rate divided by the factor at each step, then
put back in bottom-to-top order; the parameters passed as generators."""
# %% discriminative_param_groups
def discriminative_param_groups(layer_groups, lr, factor=2.6):
    groups, rate = [], float(lr)
    for module in reversed(list(layer_groups)):
        groups.append({"lr": rate, "params": module.parameters()})
        rate = rate / factor
    groups.reverse()
    return groups
