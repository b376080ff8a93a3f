"""True division: returns d_model / d_head as a float (12.0, not 12). Breaks attention_heads."""
# %% attention_heads
#-     return d_model // d_head
#+     return d_model / d_head
