"""merge() replaces base.weight by a new nn.Parameter, which is trainable again. Breaks lora_linear."""
# %% lora_linear
#-             with torch.no_grad():
#-                 self.base.weight += self.delta_weight()
#+             self.base.weight = nn.Parameter(self.base.weight.detach() + self.delta_weight().detach())
#+
