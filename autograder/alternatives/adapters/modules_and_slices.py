"""BitFit by walking the modules and their own parameters (recurse=False), counting with torch; top-k by freezing
everything and unfreezing the slice layers[-k:] only when k > 0. Must earn full marks."""
# %% mark_only_bias_trainable
def mark_only_bias_trainable(model: nn.Module) -> int:
    for module in model.modules():
        for name, p in module.named_parameters(recurse=False):
            p.requires_grad_(name.endswith("bias"))
    sizes = [p.numel() for p in model.parameters() if p.requires_grad]
    return int(torch.tensor(sizes, dtype=torch.long).sum()) if sizes else 0
# %% freeze_all_but_top_k
def freeze_all_but_top_k(layers, k):
    layers.requires_grad_(False)
    if k > 0:
        layers[-k:].requires_grad_(True)
