"""Raises TypeError, not the ValueError the exercise asks for, when d_head does not divide d_model. Breaks
attention_heads."""
# %% attention_heads
#-         raise ValueError(f"d_model={d_model} is not a multiple of d_head={d_head}")
#+         raise TypeError(f"d_model={d_model} is not a multiple of d_head={d_head}")
