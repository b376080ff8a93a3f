"""apply_lora that finds each parent by walking the dotted name with getattr (no get_submodule), counts what
trains through a set of ids, and leaves a print of what it replaced. Must earn full marks."""
# %% apply_lora
def apply_lora(model, target_modules, r, alpha=1.0):
    model.requires_grad_(False)
    names = [n for n, m in model.named_modules()
             if type(m) is nn.Linear and any(n.endswith(t) for t in target_modules)]
    for name in names:
        *path, last = name.split(".")
        parent = model
        for part in path:
            parent = getattr(parent, part)
        setattr(parent, last, LoRALinear(getattr(parent, last), r, alpha))
    print("LoRA on:", names[:3], "..." if len(names) > 3 else "")
    seen, total = set(), 0
    for p in model.parameters():
        if p.requires_grad and id(p) not in seen:
            seen.add(id(p))
            total += p.numel()
    return total
