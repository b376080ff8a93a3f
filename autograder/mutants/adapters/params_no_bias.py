"""Ignores the biases even when bias=True (2 d m only). Breaks adapter_params."""
# %% adapter_params
def adapter_params(d_model: int, bottleneck: int, bias: bool = True) -> int:
    return 2 * d_model * bottleneck
