"""Counts an adapter component by component (down's weights and bias, then up's), and a BitFit count taken over
named_parameters with a filter on the name. Must earn full marks."""
# %% adapter_params
def adapter_params(d_model, bottleneck, bias=True):
    down = d_model * bottleneck + (bottleneck if bias else 0)
    up = bottleneck * d_model + (d_model if bias else 0)
    return down + up
# %% mark_only_bias_trainable
def mark_only_bias_trainable(model):
    total = 0
    for name, p in model.named_parameters():
        is_bias = name.endswith("bias")
        p.requires_grad_(is_bias)
        if is_bias:
            total += p.numel()
    return total
