"""Returns the number of wrapped layers instead of the number of trainable parameters. Breaks apply_lora."""
# %% apply_lora
def apply_lora(model, target_modules, r, alpha=1.0):
    model.requires_grad_(False)
    targets = [name for name, module in model.named_modules()
               if isinstance(module, nn.Linear) and any(name.endswith(t) for t in target_modules)]
    for name in targets:
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name)
        setattr(parent, child, LoRALinear(getattr(parent, child), r, alpha))
    return len(targets)
