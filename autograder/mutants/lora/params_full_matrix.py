"""Counts the full-rank update r * in * out instead of the two factors. Breaks lora_params."""
# %% lora_params
def lora_params(in_features: int, out_features: int, r: int) -> int:
    return r * in_features * out_features
