"""Detaches the adapter's branch: the output is right but no gradient reaches down or up. Breaks houlsby_adapter."""
# %% houlsby_adapter
#-         return h + self.up(F.gelu(self.down(h)))
#+         return h + self.up(F.gelu(self.down(h))).detach()
