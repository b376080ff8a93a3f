"""Freezes the whole block after adding the adapter, so nothing trains. Breaks adapted_ffn."""
# %% adapted_ffn
#-         self.adapter = HoulsbyAdapter(d_model, bottleneck)
#+         self.adapter = HoulsbyAdapter(d_model, bottleneck)
#+         self.requires_grad_(False)
#+
