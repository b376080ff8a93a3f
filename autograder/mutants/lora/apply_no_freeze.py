"""Wraps the targets but leaves every other parameter trainable. Breaks apply_lora."""
# %% apply_lora
#- def apply_lora(model: nn.Module, target_modules, r: int, alpha: float = 1.0) -> int:
#-     """Wrap every targeted nn.Linear of `model` in a LoRALinear, freeze the rest, count what trains."""
#-     model.requires_grad_(False)
#+ def apply_lora(model, target_modules, r, alpha=1.0):
