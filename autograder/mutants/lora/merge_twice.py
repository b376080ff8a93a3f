"""merge() adds the update every time it is called (no merged flag): not idempotent, and forward adds it again. Breaks lora_linear."""
# %% lora_linear
#-         if not self.merged:
#-             with torch.no_grad():
#-                 self.base.weight += self.delta_weight()
#-             self.merged = True
#+         with torch.no_grad():
#+             self.base.weight += self.delta_weight()
#-         if self.merged:
#-             with torch.no_grad():
#-                 self.base.weight -= self.delta_weight()
#-             self.merged = False
#+         with torch.no_grad():
#+             self.base.weight -= self.delta_weight()
