"""Slices layer_groups[n - 1 - stage:], which wraps around once the stage passes the last group. Breaks gradual_unfreeze."""
# %% gradual_unfreeze
def gradual_unfreeze(layer_groups, stage):
    n = len(layer_groups)
    for group in layer_groups:
        group.requires_grad_(False)
    for group in list(layer_groups)[n - 1 - stage:]:
        group.requires_grad_(True)
