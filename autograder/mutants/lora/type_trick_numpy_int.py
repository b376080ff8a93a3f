"""Returns a numpy integer where a Python int is due (the value is right). Breaks lora_params."""
# %% lora_params
import numpy as np


def lora_params(in_features: int, out_features: int, r: int) -> int:
    return np.int64(r) * (in_features + out_features)
