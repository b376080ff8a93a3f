"""Wraps every module whose name matches, not only nn.Linear ones (a LayerNorm named `proj` breaks it). Breaks apply_lora."""
# %% apply_lora
#- def apply_lora(model: nn.Module, target_modules, r: int, alpha: float = 1.0) -> int:
#-     """Wrap every targeted nn.Linear of `model` in a LoRALinear, freeze the rest, count what trains."""
#+ def apply_lora(model, target_modules, r, alpha=1.0):
#-                if isinstance(module, nn.Linear) and any(name.endswith(t) for t in target_modules)]
#+                if name and any(name.endswith(t) for t in target_modules)]
