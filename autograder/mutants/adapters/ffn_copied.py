"""Keeps a deep copy of the feed-forward block: the block it was given is neither kept nor frozen. Breaks adapted_ffn."""
# %% adapted_ffn
#-         self.ffn = ffn
#+         import copy
#+         self.ffn = copy.deepcopy(ffn)
