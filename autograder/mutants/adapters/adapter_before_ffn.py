"""Applies the adapter before the feed-forward block instead of after it. Breaks adapted_ffn."""
# %% adapted_ffn
#-         return self.adapter(self.ffn(x))
#+         return self.ffn(self.adapter(x))
