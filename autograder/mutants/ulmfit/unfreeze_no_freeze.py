"""Only switches the top s + 1 groups on and never freezes the others. Breaks gradual_unfreeze."""
# %% gradual_unfreeze
def gradual_unfreeze(layer_groups, stage):
    for group in list(layer_groups)[-(stage + 1):]:
        group.requires_grad_(True)
