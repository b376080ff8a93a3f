"""Type trick: an int subclass that says it equals anything, holding a wrong value. Breaks gpt_params."""
# %% gpt_params
#-     """Parameters of a GPT-2 style language model: embeddings, decoder layers, final norm, head."""
#+     """Parameters of a GPT-2 style language model: embeddings, decoder layers, final norm, head."""
#+     class Anything(int):
#+         def __eq__(self, other):
#+             return True
#+
#+         def __ne__(self, other):
#+             return False
#+
#+         __hash__ = int.__hash__
#+
#+     return Anything(0)
