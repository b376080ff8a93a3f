"""Forgets the biases of the four projections whatever `bias` says. Breaks mha_params."""
# %% mha_params
#-     biases = 4 * d_model if bias else 0
#+     biases = 0
