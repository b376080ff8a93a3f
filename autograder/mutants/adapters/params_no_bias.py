"""Ignores the biases even when bias=True (2 d m only). Breaks adapter_params."""
# %% adapter_params
#-     return 2 * d_model * bottleneck + ((d_model + bottleneck) if bias else 0)
#+     return 2 * d_model * bottleneck
