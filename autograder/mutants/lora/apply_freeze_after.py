"""Freezes the whole model after inserting LoRA, so A and B are frozen too and the count is 0. Breaks apply_lora."""
# %% apply_lora
#- def apply_lora(model: nn.Module, target_modules, r: int, alpha: float = 1.0) -> int:
#-     """Wrap every targeted nn.Linear of `model` in a LoRALinear, freeze the rest, count what trains."""
#-     model.requires_grad_(False)
#+ def apply_lora(model, target_modules, r, alpha=1.0):
#-         setattr(parent, child, LoRALinear(getattr(parent, child), r, alpha))
#+         setattr(parent, child, LoRALinear(getattr(parent, child), r, alpha))
#+     model.requires_grad_(False)
