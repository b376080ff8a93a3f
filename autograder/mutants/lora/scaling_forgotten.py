"""scaling stored but forward and delta_weight leave it out. Breaks lora_linear."""
# %% lora_linear
#-         return h + self.scaling * (x @ self.A.T @ self.B.T)
#+         return h + x @ self.A.T @ self.B.T
#-         return self.scaling * (self.B @ self.A)
#+         return self.B @ self.A
#+
