"""Builds down without a bias (nn.Linear(d_model, bottleneck, bias=False)). Breaks houlsby_adapter."""
# %% houlsby_adapter
#-         self.down = nn.Linear(d_model, bottleneck)
#+         self.down = nn.Linear(d_model, bottleneck, bias=False)
