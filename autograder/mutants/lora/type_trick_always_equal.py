"""Type trick: returns an int subclass equal to everything, with a wrong value. Breaks lora_params."""
# %% lora_params
class _Anything(int):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = int.__hash__


def lora_params(in_features: int, out_features: int, r: int) -> int:
    return _Anything(0)
