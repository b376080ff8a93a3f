"""scaling = r / alpha instead of alpha / r. Breaks lora_linear."""
# %% lora_linear
#-         self.r, self.alpha, self.scaling = r, alpha, alpha / r
#+         self.r, self.alpha, self.scaling = r, alpha, r / alpha
#+
