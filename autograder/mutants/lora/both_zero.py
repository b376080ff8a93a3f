"""A and B both initialised to zeros: identity at start, but no gradient ever reaches A or B. Breaks lora_linear."""
# %% lora_linear
#-         self.A = nn.Parameter(torch.randn(r, base.in_features) / math.sqrt(base.in_features))
#+         self.A = nn.Parameter(torch.zeros(r, base.in_features))
#+
