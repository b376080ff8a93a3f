"""unmerge() subtracts B A without the scaling, so the base weight is not restored. Breaks lora_linear."""
# %% lora_linear
#-                 self.base.weight -= self.delta_weight()
#+                 self.base.weight -= self.B @ self.A
#+
