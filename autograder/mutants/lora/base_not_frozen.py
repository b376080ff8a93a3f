"""The base layer is left trainable: LoRA then trains every weight. Breaks lora_linear."""
# %% lora_linear
#-         self.base.requires_grad_(False)
#+         pass
#+
