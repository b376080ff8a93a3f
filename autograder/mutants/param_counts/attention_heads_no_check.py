"""No check that d_head divides d_model: silently rounds down instead of raising ValueError. Breaks attention_heads."""
# %% attention_heads
def attention_heads(d_model: int, d_head: int) -> int:
    return d_model // d_head
