"""Trains only the group unfrozen at this stage instead of it and every group above. Breaks gradual_unfreeze."""
# %% gradual_unfreeze
def gradual_unfreeze(layer_groups, stage):
    n = len(layer_groups)
    for i, group in enumerate(layer_groups):
        group.requires_grad_(i == n - 1 - stage
)
