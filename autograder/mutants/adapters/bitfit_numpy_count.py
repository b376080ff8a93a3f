"""Right flags and value, but the count is a numpy integer where a Python int is due. Breaks mark_only_bias_trainable."""
# %% mark_only_bias_trainable
#-     return sum(p.numel() for p in model.parameters() if p.requires_grad)
#+     import numpy as np
#+     return np.sum([p.numel() for p in model.parameters() if p.requires_grad])
