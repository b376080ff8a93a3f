"""Returns the number of wrapped layers instead of the number of trainable parameters. Breaks apply_lora."""
# %% apply_lora
#- def apply_lora(model: nn.Module, target_modules, r: int, alpha: float = 1.0) -> int:
#-     """Wrap every targeted nn.Linear of `model` in a LoRALinear, freeze the rest, count what trains."""
#+ def apply_lora(model, target_modules, r, alpha=1.0):
#-     return sum(p.numel() for p in model.parameters() if p.requires_grad)
#+     return len(targets)
