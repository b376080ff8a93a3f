"""forward always adds the low-rank update, so a merged layer counts it twice. Breaks lora_linear."""
# %% lora_linear
#-         if self.merged:
#-             return h
#+
