"""Adds another residual around the adapter: ffn(x) + adapter(ffn(x)) counts ffn(x) twice. Breaks adapted_ffn."""
# %% adapted_ffn
#-         return self.adapter(self.ffn(x))
#+         y = self.ffn(x)
#+         return y + self.adapter(y)
