"""Counts only the up projection's bias (d), forgetting down's (m). Breaks adapter_params."""
# %% adapter_params
#-     return 2 * d_model * bottleneck + ((d_model + bottleneck) if bias else 0)
#+     return 2 * d_model * bottleneck + (d_model if bias else 0)
