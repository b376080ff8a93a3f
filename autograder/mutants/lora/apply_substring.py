"""Matches a target anywhere in the name (`t in name`), so `proj_out` and `query_head` are wrapped too. Breaks apply_lora."""
# %% apply_lora
def apply_lora(model, target_modules, r, alpha=1.0):
    model.requires_grad_(False)
    targets = [name for name, module in model.named_modules()
               if isinstance(module, nn.Linear) and any(t in name for t in target_modules)]
    for name in targets:
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name)
        setattr(parent, child, LoRALinear(getattr(parent, child), r, alpha))
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
