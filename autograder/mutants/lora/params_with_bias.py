"""Adds a bias of size out_features, which LoRA does not have. Breaks lora_params."""
# %% lora_params
def lora_params(in_features: int, out_features: int, r: int) -> int:
    return r * (in_features + out_features) + out_features
