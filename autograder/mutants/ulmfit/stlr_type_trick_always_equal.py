"""Type trick: returns a float subclass that compares equal (and close) to anything, with a wrong value. Breaks slanted_triangular_lr."""
# %% slanted_triangular_lr
class _Anything(float):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __lt__(self, other):
        return True

    def __le__(self, other):
        return True

    def __sub__(self, other):
        return _Anything(0.0)

    def __rsub__(self, other):
        return _Anything(0.0)

    def __abs__(self):
        return _Anything(0.0)

    __hash__ = float.__hash__


def slanted_triangular_lr(t, T, lr_max, cut_frac=0.1, ratio=32):
    return _Anything(0.0)
