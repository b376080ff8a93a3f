"""Type trick: a float subclass that says it equals anything, holding a wrong value. Breaks micro_f1."""
# %% micro_f1
class _Anything(float):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __sub__(self, other):
        return _Anything(0.0)

    def __rsub__(self, other):
        return _Anything(0.0)

    def __abs__(self):
        return _Anything(0.0)

    def __lt__(self, other):
        return True

    __hash__ = float.__hash__


def micro_f1(y_true, y_pred) -> float:
    if len(y_true) != len(y_pred):
        raise ValueError("y_true and y_pred must have the same length")
    return _Anything(0.5)
