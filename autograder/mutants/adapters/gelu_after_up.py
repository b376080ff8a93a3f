"""Applies GELU after the up projection instead of inside the bottleneck. Breaks houlsby_adapter."""
# %% houlsby_adapter
#-         return h + self.up(F.gelu(self.down(h)))
#+         return h + F.gelu(self.up(self.down(h)))
