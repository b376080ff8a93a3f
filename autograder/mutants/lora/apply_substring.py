"""Matches a target anywhere in the name (`t in name`), so `proj_out` and `query_head` are wrapped too. Breaks apply_lora."""
# %% apply_lora
#- def apply_lora(model: nn.Module, target_modules, r: int, alpha: float = 1.0) -> int:
#-     """Wrap every targeted nn.Linear of `model` in a LoRALinear, freeze the rest, count what trains."""
#+ def apply_lora(model, target_modules, r, alpha=1.0):
#-                if isinstance(module, nn.Linear) and any(name.endswith(t) for t in target_modules)]
#+                if isinstance(module, nn.Linear) and any(t in name for t in target_modules)]
