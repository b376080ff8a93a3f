"""Counts the pooler's d x d weight but forgets its bias. Breaks encoder_params."""
# %% encoder_params
#-     pool = d_model * d_model + d_model if pooler else 0
#+     pool = d_model * d_model if pooler else 0
