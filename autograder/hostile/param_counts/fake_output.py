r"""Fake passing tests: print what passing tests print, in the cell and from every call the tests make.
Passes the validator; earns what its (wrong) code earns.
Expected: 0
Base: release
Log: student hostile-fake-output: tests passed 0/
"""
# %% attention_heads
print("attention_heads: public tests passed")
print("All tests passed: 30/30")


def attention_heads(d_model: int, d_head: int) -> int:
    print("attention_heads: public tests passed")
    return 0
