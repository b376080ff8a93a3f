"""Freezes the whole model after inserting LoRA, so A and B are frozen too and the count is 0. Breaks apply_lora."""
# %% apply_lora
def apply_lora(model, target_modules, r, alpha=1.0):
    targets = [name for name, module in model.named_modules()
               if isinstance(module, nn.Linear) and any(name.endswith(t) for t in target_modules)]
    for name in targets:
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name)
        setattr(parent, child, LoRALinear(getattr(parent, child), r, alpha))
    model.requires_grad_(False)
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
