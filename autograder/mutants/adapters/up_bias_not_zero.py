"""Zeroes up's weight but not its bias: the adapter shifts every input at initialisation. Breaks houlsby_adapter."""
# %% houlsby_adapter
#-         nn.init.zeros_(self.up.bias)
#+
