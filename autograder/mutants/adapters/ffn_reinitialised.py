"""Re-initialises the feed-forward block's weights, throwing away what was pretrained. Breaks adapted_ffn."""
# %% adapted_ffn
#-         self.ffn = ffn
#+         self.ffn = ffn
#+         for module in ffn.modules():
#+             if isinstance(module, nn.Linear):
#+                 module.reset_parameters()
