"""Counts only the up projection's bias (d), forgetting down's (m). Breaks adapter_params."""
# %% adapter_params
def adapter_params(d_model: int, bottleneck: int, bias: bool = True) -> int:
    return 2 * d_model * bottleneck + (d_model if bias else 0)
