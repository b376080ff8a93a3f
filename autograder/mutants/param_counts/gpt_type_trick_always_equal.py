"""Type trick: an int subclass that says it equals anything, holding a wrong value. Breaks gpt_params."""
# %% gpt_params
class _Anything(int):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = int.__hash__


def gpt_params(n_layers: int, d_model: int, n_heads: int, vocab_size: int, context_length: int,
               d_ff: int | None = None, bias: bool = True, layer_norm: bool = True,
               learned_positions: bool = True, tied_head: bool = True) -> int:
    return _Anything(0)
