"""Type trick: A and B are plain tensors (no nn.Parameter, requires_grad False), so nothing trains. Breaks lora_linear."""
# %% lora_linear
#-         self.A = nn.Parameter(torch.randn(r, base.in_features) / math.sqrt(base.in_features))
#-         self.B = nn.Parameter(torch.zeros(base.out_features, r))
#+         self.A = torch.randn(r, base.in_features) / math.sqrt(base.in_features)
#+         self.B = torch.zeros(base.out_features, r)
#+
