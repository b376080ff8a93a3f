"""A initialised to zeros and B random (the roles swapped): the layer no longer starts as the base layer. Breaks lora_linear."""
# %% lora_linear
#-         self.A = nn.Parameter(torch.randn(r, base.in_features) / math.sqrt(base.in_features))
#-         self.B = nn.Parameter(torch.zeros(base.out_features, r))
#+         self.A = nn.Parameter(torch.zeros(r, base.in_features))
#+         self.B = nn.Parameter(torch.randn(base.out_features, r) / math.sqrt(r))
#+
