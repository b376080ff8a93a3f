"""Uses ReLU instead of GELU as the bottleneck non-linearity. Breaks houlsby_adapter."""
# %% houlsby_adapter
#-         return h + self.up(F.gelu(self.down(h)))
#+         return h + self.up(F.relu(self.down(h)))
