"""What crosses from the student's kernel to the judge: JSON with arrays as base64 raw bytes, checked on arrival.

A probe (a function from autograder/hidden/<id>.py) runs in the student's kernel with inputs the judge chose;
`KERNEL_RUNTIME` is the code that calls it there and encodes what it returns. Nothing else crosses: no pickle,
no code, no objects. `decode` turns that text back into Python values and torch tensors, refusing anything
that is not plain data of a bounded size. The student's process may lie in what it sends; it can never make
the judge run anything.
"""
from __future__ import annotations

import base64
import binascii
import json
import math

import numpy as np
import torch

MAX_TEXT_BYTES = 16 << 20  # one probe's answer, encoded
MAX_ELEMENTS = 4 << 20  # numbers in all the arrays of one answer
MAX_DEPTH = 8  # nesting of lists and dicts
MAX_ITEMS = 10_000  # entries in one list or dict
MAX_STRING = 2_000  # characters in one string (messages, type and module names)

# dtypes an array may have on the wire (numpy names); bfloat16 and others travel as float32
DTYPES = {"float64", "float32", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"}


class WireError(ValueError):
    """The kernel's answer is not well-formed plain data within the bounds: it cannot be judged."""


class ProbeRaised(Exception):
    """The student's code raised while a probe ran; the message says what, in the student's terms."""

    def __init__(self, kind: str, message: str, where: str = ""):
        super().__init__(f"{kind}: {message}" + (f" ({where})" if where else ""))
        self.kind, self.message, self.where = kind, message, where


# The kernel half. It is plain code run in the student's kernel (whose state the student controls), so it
# is public and carries nothing secret: the probe's source and its inputs are sent with every call.
KERNEL_RUNTIME = r'''
def __llm_probe(probe_source, probe_name, args_text, user_ns=None):
    import base64, json, math, sys, traceback

    def array(a):
        if type(a).__module__.split(".")[0] == "torch":
            a = a.detach().cpu()
            if str(a.dtype) not in ("torch.float64", "torch.float32", "torch.float16", "torch.int64", "torch.int32",
                                    "torch.int16", "torch.int8", "torch.uint8", "torch.bool"):
                a = a.float()
            a = a.contiguous().numpy()
        if a.dtype.name not in DTYPES:
            a = a.astype("float64" if a.dtype.kind in "fc" else "int64")
        a = a.__array__().copy(order="C")
        return {"__array__": {"dtype": a.dtype.name, "shape": list(a.shape),
                              "data": base64.b64encode(a.tobytes()).decode("ascii")}}

    def encode(v, depth=0):
        if depth > 8:
            raise ValueError("the answer is nested too deeply")
        if v is None or isinstance(v, (bool, int, str)):
            return v if not isinstance(v, int) or isinstance(v, bool) or abs(v) < 2 ** 62 else float(v)
        if isinstance(v, float):
            return v if math.isfinite(v) else {"__float__": repr(v)}
        if isinstance(v, (list, tuple)):
            return [encode(x, depth + 1) for x in v]
        if isinstance(v, dict):
            return {str(k): encode(x, depth + 1) for k, x in v.items()}
        top = type(v).__module__.split(".")[0]
        if top in ("torch", "numpy") and hasattr(v, "shape") and hasattr(v, "dtype"):
            return array(v)
        if top == "numpy" and hasattr(v, "item"):
            return encode(v.item(), depth)
        return {"__object__": type(v).__module__ + "." + type(v).__qualname__}

    DTYPES = {"float64", "float32", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"}

    def decode(v):
        if isinstance(v, list):
            return [decode(x) for x in v]
        if isinstance(v, dict):
            if "__array__" in v:
                import numpy, torch
                spec = v["__array__"]
                a = numpy.frombuffer(base64.b64decode(spec["data"]), dtype=spec["dtype"]).reshape(spec["shape"])
                return torch.from_numpy(a.copy())
            if "__float__" in v:
                return float(v["__float__"])
            return {k: decode(x) for k, x in v.items()}
        return v

    namespace = {"__name__": "__llm_probe__"}
    try:
        exec(compile(probe_source, "<grader probe>", "exec"), namespace)
        user = globals() if user_ns is None else user_ns
        result = namespace[probe_name](user, **decode(json.loads(args_text)))
        answer = {"ok": encode(result)}
    except BaseException as error:  # the student's code failed: say what and where, in their terms
        if isinstance(error, KeyboardInterrupt):
            raise
        where = ""
        for frame, line in traceback.walk_tb(error.__traceback__):
            name = frame.f_code.co_filename
            if (name != "<grader probe>" and not frame.f_code.co_name.startswith("__llm")
                    and "site-packages" not in name and "/lib/python" not in name):
                where = f"in {frame.f_code.co_name}, line {line} of its cell"
        answer = {"raised": [type(error).__name__, str(error)[:1000], where]}
    return json.dumps(answer, allow_nan=False)
'''


def encode_args(args: dict) -> str:
    """The probe's inputs as JSON text (tensors as raw bytes), for the kernel half to decode."""

    def enc(v):
        if isinstance(v, torch.Tensor):
            a = v.detach().cpu().contiguous().numpy()
            return {"__array__": {"dtype": a.dtype.name, "shape": list(a.shape),
                                  "data": base64.b64encode(a.tobytes()).decode("ascii")}}
        if isinstance(v, float) and not math.isfinite(v):
            return {"__float__": repr(v)}
        if isinstance(v, (list, tuple)):
            return [enc(x) for x in v]
        if isinstance(v, dict):
            return {str(k): enc(x) for k, x in v.items()}
        if v is None or isinstance(v, (bool, int, float, str)):
            return v
        raise TypeError(f"a probe's input must be plain data or a tensor, not {type(v).__name__}")

    return json.dumps(enc(args), allow_nan=False)


def decode(text: str) -> object:
    """The kernel's answer as Python values (arrays as torch tensors); WireError if it is malformed or too big.

    Returns the probe's value, or raises ProbeRaised when the student's code raised inside the probe.
    """
    if not isinstance(text, str):
        raise WireError(f"the answer is a {type(text).__name__}, not text")
    if len(text) > MAX_TEXT_BYTES:
        raise WireError(f"the answer has {len(text):,} characters (at most {MAX_TEXT_BYTES:,})")
    try:
        message = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError) as error:
        raise WireError(f"the answer is not JSON: {str(error)[:200]}") from None
    if not isinstance(message, dict) or len(message) != 1 or not ({"ok", "raised"} & set(message)):
        raise WireError("the answer is neither a value nor an error report")
    if "raised" in message:
        report = message["raised"]
        if (not isinstance(report, list) or len(report) != 3
                or not all(isinstance(s, str) and len(s) <= MAX_STRING for s in report)):
            raise WireError("malformed error report")
        raise ProbeRaised(*report)
    budget = [MAX_ELEMENTS]
    return _value(message["ok"], 0, budget)


def _no_constant(name: str):
    raise WireError(f"non-standard JSON constant {name}")


def _value(v, depth: int, budget: list[int]):
    if depth > MAX_DEPTH:
        raise WireError("the answer is nested too deeply")
    if v is None or isinstance(v, (bool, int, float)):
        return v
    if isinstance(v, str):
        if len(v) > MAX_STRING:
            raise WireError(f"a string of {len(v):,} characters (at most {MAX_STRING:,})")
        return v
    if isinstance(v, list):
        if len(v) > MAX_ITEMS:
            raise WireError(f"a list of {len(v):,} items (at most {MAX_ITEMS:,})")
        return [_value(x, depth + 1, budget) for x in v]
    if isinstance(v, dict):
        if len(v) > MAX_ITEMS:
            raise WireError(f"a dict of {len(v):,} entries (at most {MAX_ITEMS:,})")
        if set(v) == {"__array__"}:
            return _array(v["__array__"], budget)
        if set(v) == {"__float__"}:
            if v["__float__"] not in ("nan", "inf", "-inf"):
                raise WireError("malformed non-finite float")
            return float(v["__float__"])
        if set(v) == {"__object__"}:
            return Opaque(_value(v["__object__"], depth + 1, budget))
        return {_value(k, depth + 1, budget): _value(x, depth + 1, budget) for k, x in v.items()}
    raise WireError(f"unexpected JSON value of type {type(v).__name__}")


def _array(spec, budget: list[int]) -> torch.Tensor:
    if not isinstance(spec, dict) or set(spec) != {"dtype", "shape", "data"}:
        raise WireError("malformed array")
    dtype, shape, data = spec["dtype"], spec["shape"], spec["data"]
    if dtype not in DTYPES:
        raise WireError(f"array dtype {str(dtype)[:40]!r} is not allowed")
    if (not isinstance(shape, list) or len(shape) > MAX_DEPTH
            or not all(type(n) is int and 0 <= n <= MAX_ELEMENTS for n in shape)):
        raise WireError("malformed array shape")
    count = math.prod(shape)
    budget[0] -= count
    if budget[0] < 0:
        raise WireError(f"the arrays hold more than {MAX_ELEMENTS:,} numbers")
    if not isinstance(data, str):
        raise WireError("malformed array data")
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise WireError("array data is not base64") from None
    if len(raw) != count * np.dtype(dtype).itemsize:
        raise WireError(f"array data has {len(raw)} bytes, its shape {shape} and dtype {dtype} need "
                        f"{count * np.dtype(dtype).itemsize}")
    return torch.from_numpy(np.frombuffer(raw, dtype=dtype).reshape(shape).copy())


class Opaque(str):
    """Something the kernel could not send as data: only its type's name arrives (e.g. 'numpy.int64')."""
