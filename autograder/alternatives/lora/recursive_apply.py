"""apply_lora written recursively over named_children (the qualified name built on the way down), freezing with
a loop over parameters, and lora_params as two products. Must earn full marks."""
# %% lora_params
def lora_params(in_features, out_features, r):
    return r * in_features + r * out_features
# %% apply_lora
def _wrap(module, prefix, target_modules, r, alpha):
    for name, child in list(module.named_children()):
        full = f"{prefix}.{name}" if prefix else name
        if isinstance(child, nn.Linear) and any(full.endswith(t) for t in target_modules):
            setattr(module, name, LoRALinear(child, r, alpha))
        else:
            _wrap(child, full, target_modules, r, alpha)


def apply_lora(model, target_modules, r, alpha=1.0):
    for p in model.parameters():
        p.requires_grad = False
    _wrap(model, "", target_modules, r, alpha)
    return int(sum(p.numel() for p in model.parameters() if p.requires_grad))
