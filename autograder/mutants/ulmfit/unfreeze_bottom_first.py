"""Unfreezes from the bottom: at stage s the first s + 1 groups train. Breaks gradual_unfreeze."""
# %% gradual_unfreeze
def gradual_unfreeze(layer_groups, stage):
    n = len(layer_groups)
    for i, group in enumerate(layer_groups):
        group.requires_grad_(i <= stage
)
