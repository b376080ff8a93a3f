"""Gradual unfreezing counted from the top: a group trains when its depth from the top is at most the stage;
flags set parameter by parameter."""
# %% gradual_unfreeze
def gradual_unfreeze(layer_groups, stage):
    for depth, group in enumerate(reversed(list(layer_groups))):
        for p in group.parameters():
            p.requires_grad = depth <= stage
