"""Forgets to freeze the feed-forward block, so it trains along with the adapter. Breaks adapted_ffn."""
# %% adapted_ffn
#-         self.ffn.requires_grad_(False)
#+
