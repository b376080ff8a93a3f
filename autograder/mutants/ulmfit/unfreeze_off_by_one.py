"""Off by one: at stage s only the top s groups train (nothing at stage 0). Breaks gradual_unfreeze."""
# %% gradual_unfreeze
def gradual_unfreeze(layer_groups, stage):
    n = len(layer_groups)
    for i, group in enumerate(layer_groups):
        group.requires_grad_(i >= n - stage
)
