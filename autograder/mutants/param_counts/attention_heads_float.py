"""True division: returns d_model / d_head as a float (12.0, not 12). Breaks attention_heads."""
# %% attention_heads
def attention_heads(d_model: int, d_head: int) -> int:
    if d_model % d_head != 0:
        raise ValueError(f"d_model={d_model} is not a multiple of d_head={d_head}")
    return d_model / d_head
