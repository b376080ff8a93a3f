"""Counts a layer norm as d parameters (the gain), forgetting its bias. Breaks layer_norm_params."""
# %% layer_norm_params
def layer_norm_params(d_model: int) -> int:
    return d_model
