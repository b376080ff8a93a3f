"""Zeroes down as well as up: the identity at first, but gelu(0) = 0 blocks the gradient of up's weight forever. Breaks houlsby_adapter."""
# %% houlsby_adapter
#-         nn.init.zeros_(self.up.bias)
#+         nn.init.zeros_(self.up.bias)
#+         nn.init.zeros_(self.down.weight)
#+         nn.init.zeros_(self.down.bias)
#+
