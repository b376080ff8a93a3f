"""Type trick: returns an int subclass that compares equal to anything, with a wrong value. Breaks adapter_params."""
# %% adapter_params
class _Anything(int):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = int.__hash__


def adapter_params(d_model: int, bottleneck: int, bias: bool = True) -> int:
    return _Anything(-1)
