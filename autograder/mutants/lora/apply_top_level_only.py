"""Looks only at the model's direct children (named_children), so nested layers are never wrapped. Breaks apply_lora."""
# %% apply_lora
def apply_lora(model, target_modules, r, alpha=1.0):
    model.requires_grad_(False)
    for name, module in list(model.named_children()):
        if isinstance(module, nn.Linear) and any(name.endswith(t) for t in target_modules):
            setattr(model, name, LoRALinear(module, r, alpha))
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
