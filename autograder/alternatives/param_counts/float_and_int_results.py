"""Results computed through floats or kept as ints where the text allows: attention_heads with int(d_model / d_head)
after a modulo check, a layer norm as int(2.0 * d), the memory computed in a float32 tensor (float32 rounding), and
a memory returned as an int when it is a whole number of GB. Must earn full marks."""
# %% attention_heads
def attention_heads(d_model, d_head):
    if d_model % d_head:
        raise ValueError("d_head must divide d_model")
    return int(d_model / d_head)
# %% layer_norm_params
def layer_norm_params(d_model):
    return int(2.0 * d_model)
# %% training_memory_gb
def training_memory_gb(n_params, bytes_per_param=16):
    total = n_params * bytes_per_param
    if total % 10 ** 9 == 0:
        return total // 10 ** 9  # a whole number of GB
    return (torch.tensor(float(n_params)) * bytes_per_param / 1e9).item()  # float32 arithmetic
