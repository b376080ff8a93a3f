"""delta_weight() returns (A^T B^T), the transpose, shape (in, out). Breaks lora_linear."""
# %% lora_linear
#-         return self.scaling * (self.B @ self.A)
#+         return self.scaling * (self.A.T @ self.B.T)
#+
