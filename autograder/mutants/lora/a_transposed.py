"""A stored with shape (in_features, r) and used as x @ A: the wrong layout, incompatible with peft's lora_A. Breaks lora_linear."""
# %% lora_linear
#-         self.A = nn.Parameter(torch.randn(r, base.in_features) / math.sqrt(base.in_features))
#+         self.A = nn.Parameter(torch.randn(base.in_features, r) / math.sqrt(base.in_features))
#-         return h + self.scaling * (x @ self.A.T @ self.B.T)
#+         return h + self.scaling * (x @ self.A @ self.B.T)
#-         return self.scaling * (self.B @ self.A)
#+         return self.scaling * (self.B @ self.A.T)
#+
