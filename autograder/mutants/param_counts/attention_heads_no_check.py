"""No check that d_head divides d_model: silently rounds down instead of raising ValueError. Breaks attention_heads."""
# %% attention_heads
#-     if d_model % d_head != 0:
#-         raise ValueError(f"d_model={d_model} is not a multiple of d_head={d_head}")
#-     return d_model // d_head
#+     return d_model // d_head
