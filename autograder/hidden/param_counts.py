"""Hidden tests of the param_counts assignment: one check per graded cell of solutions/param_counts/param_counts.ipynb.

The oracles are the real modules, built on PyTorch's meta device (shapes only, no memory): torch's
nn.MultiheadAttention, nn.Linear and nn.LayerNorm, and transformers' GPT2Block, GPT2LMHeadModel and BertModel for
configurations drawn from the grading's secret seed; the memory is the ZeRO paper's bytes per parameter
(Rajbhandari et al., 2020). Counts must be exact Python ints; the memory is a number, right within float32 rounding.

Each function is judged on its own: while a probe calls one of the student's functions, the other graded functions it
may call are replaced in the notebook's namespace by stand-ins that count with meta-device torch modules, so a
mistake in mha_params costs its own points once, not those of every function built on it. A switch is judged by
what it adds or drops (the difference between two of the student's own counts), so a wrong default count is not
punished again in the switch's cell.
"""
from __future__ import annotations

from random import Random
import warnings

import torch
from torch import nn
from transformers import BertConfig, BertModel, GPT2Config, GPT2LMHeadModel
from transformers.models.gpt2.modeling_gpt2 import GPT2Block

from judge.checks import Student, check, describe, expect, uses

# ------------------------------------------------------------------------------------------ oracles (trusted side)


def count(*modules: nn.Module) -> int:
    """Parameters of modules (a tied matrix once: parameters() yields each tensor once)."""
    return sum(p.numel() for m in modules for p in m.parameters())


def meta_mha(d: int, h: int, bias: bool) -> int:
    with torch.device("meta"):
        return count(nn.MultiheadAttention(d, h, bias=bias))


def meta_ffn(d: int, d_ff: int, bias: bool) -> int:
    with torch.device("meta"):
        return count(nn.Linear(d, d_ff, bias=bias), nn.GELU(), nn.Linear(d_ff, d, bias=bias))


def meta_layer_norm(d: int) -> int:
    with torch.device("meta"):
        return count(nn.LayerNorm(d))


def meta_decoder_layer(d: int, h: int, d_ff: int, bias: bool, layer_norm: bool) -> int:
    return meta_mha(d, h, bias) + meta_ffn(d, d_ff, bias) + (2 * meta_layer_norm(d) if layer_norm else 0)


def quiet(build):
    """Build a transformers model on the meta device without its config warnings (they are about token ids)."""
    with warnings.catch_warnings(), torch.device("meta"):
        warnings.simplefilter("ignore")
        return build()


def gpt2_block(d: int, h: int, d_ff: int) -> int:
    config = GPT2Config(n_embd=d, n_head=h, n_inner=d_ff, vocab_size=16, n_positions=8, bos_token_id=0,
                        eos_token_id=0)
    return count(quiet(lambda: GPT2Block(config)))


def gpt2_model(L: int, d: int, h: int, V: int, ctx: int, d_ff: int | None, tied: bool) -> int:
    config = GPT2Config(n_layer=L, n_embd=d, n_head=h, vocab_size=V, n_positions=ctx, n_inner=d_ff,
                        tie_word_embeddings=tied, bos_token_id=0, eos_token_id=0)
    return count(quiet(lambda: GPT2LMHeadModel(config)))


def bert_model(L: int, d: int, h: int, d_ff: int, V: int, P: int, T: int, pooler: bool) -> int:
    config = BertConfig(num_hidden_layers=L, hidden_size=d, num_attention_heads=h, intermediate_size=d_ff,
                        vocab_size=V, max_position_embeddings=P, type_vocab_size=T, pad_token_id=0)
    return count(quiet(lambda: BertModel(config, add_pooling_layer=pooler)))


def gpt_formula(L, d, h, V, ctx, d_ff, bias, layer_norm, learned_positions, tied_head) -> int:
    """GPT-2's layout with its switches, from the meta-device pieces (the switches GPT2LMHeadModel does not have)."""
    return (V * d + (ctx * d if learned_positions else 0) + L * meta_decoder_layer(d, h, d_ff, bias, layer_norm)
            + (meta_layer_norm(d) if layer_norm else 0) + (0 if tied_head else V * d))


# ------------------------------------------------------------------------------------------ inputs


def heads_and_width(rng: Random, max_heads: int, max_head_width: int) -> tuple[int, int]:
    """(n_heads, d_model) with n_heads > 1 dividing d_model (one head would hide a count multiplied by h)."""
    h = rng.randint(2, max_heads)
    return h, h * rng.randint(1, max_head_width)


def d_ff_not_4d(rng: Random, d: int, low: int = 8, high: int = 1000) -> int:
    """A feed-forward width that is not the default 4 d (so a d_ff ignored for 4 d shows)."""
    while True:
        d_ff = rng.randint(low, high)
        if d_ff != 4 * d:
            return d_ff


# ------------------------------------------------------------------------------------------ probes
# They run in the student's kernel: call the student's function, return the values and their types.


def stand_ins(ns, keep):
    """Correct versions of the graded functions other than `keep`, counting meta-device torch modules."""
    import torch

    def total(*modules):
        return sum(p.numel() for m in modules for p in m.parameters())

    def mha_params(d_model, n_heads, bias=True):
        return total(torch.nn.MultiheadAttention(d_model, n_heads, bias=bias, device="meta"))

    def ffn_params(d_model, d_ff, bias=True):
        return total(torch.nn.Linear(d_model, d_ff, bias=bias, device="meta"),
                     torch.nn.Linear(d_ff, d_model, bias=bias, device="meta"))

    def layer_norm_params(d_model):
        return total(torch.nn.LayerNorm(d_model, device="meta"))

    def decoder_layer_params(d_model, n_heads, d_ff, bias=True, layer_norm=True):
        norms = 2 * layer_norm_params(d_model) if layer_norm else 0
        return mha_params(d_model, n_heads, bias) + ffn_params(d_model, d_ff, bias) + norms

    found = {"mha_params": mha_params, "ffn_params": ffn_params, "layer_norm_params": layer_norm_params,
             "decoder_layer_params": decoder_layer_params}
    return {name: fn for name, fn in found.items() if name != keep}


@uses(stand_ins)
def probe_calls(ns, name, calls):
    """Call ns[name](*args, **kwargs) for each [args, kwargs], with the other graded functions stood in for."""
    if name not in ns:
        raise NameError(f"name '{name}' is not defined: run the cell that defines it")
    function = ns[name]
    replaced = stand_ins(ns, name)
    saved = {key: ns[key] for key in replaced if key in ns}
    ns.update(replaced)
    try:
        values = [function(*args, **kwargs) for args, kwargs in calls]
    finally:
        for key in replaced:
            if key in saved:
                ns[key] = saved[key]
            else:
                ns.pop(key, None)
    return {"values": values, "types": [type(v).__name__ for v in values]}


def probe_raises(ns, name, calls):
    """For each call: the name of what it raised and whether that is a ValueError, or None if it returned."""
    if name not in ns:
        raise NameError(f"name '{name}' is not defined: run the cell that defines it")
    out = []
    for args, kwargs in calls:
        try:
            value = ns[name](*args, **kwargs)
        except Exception as error:
            out.append({"raised": type(error).__name__, "value_error": isinstance(error, ValueError)})
        else:
            out.append({"raised": None, "returned": repr(value)[:40]})
    return out


# ------------------------------------------------------------------------------------------ judging helpers


def counts(student: Student, name: str, calls: list) -> list[int]:
    """The student's counts for `calls`, each checked to be a Python int (a count is exact)."""
    got = student.run(probe_calls, name=name, calls=[[list(a), dict(k)] for a, k in calls])
    expect(isinstance(got, dict) and isinstance(got.get("values"), list) and len(got["values"]) == len(calls)
           and isinstance(got.get("types"), list) and len(got["types"]) == len(calls),
           f"{name}: the answer has the wrong form")
    for (args, kwargs), value, kind in zip(calls, got["values"], got["types"]):
        expect(kind == "int" and isinstance(value, int) and not isinstance(value, bool),
               f"{call_text(name, args, kwargs)} returned {describe(value) if kind == 'int' else 'a ' + str(kind)}: "
               "return a Python int")
    return got["values"]


def call_text(name: str, args, kwargs) -> str:
    return f"{name}({', '.join([*map(repr, args), *(f'{k}={v!r}' for k, v in kwargs.items())])})"


def exact(value: int, want: int, text: str, hint: str) -> None:
    expect(value == want, f"{text} = {value:,} is wrong: {hint}")


# ------------------------------------------------------------------------------------------ attention_heads


@check("attention_heads_value")
def attention_heads_value(student: Student, rng: Random) -> None:
    """attention_heads: d_model / d_head as a Python int, for every d_head that divides d_model."""
    cases = [(rng.choice([1, 16, 32, 48, 64, 80, 96, 128]), rng.randint(1, 128)) for _ in range(30)]
    cases.append((rng.choice([64, 128]), 1))  # one head as wide as the stream
    calls = [((d_head * h, d_head), {}) for d_head, h in cases]
    values = counts(student, "attention_heads", calls)
    for (args, _), (_, h), value in zip(calls, cases, values):
        exact(value, h, call_text("attention_heads", args, {}), "how many slices of width d_head fill d_model?")


@check("attention_heads_error")
def attention_heads_error(student: Student, rng: Random) -> None:
    """attention_heads raises ValueError when d_model is not a multiple of d_head."""
    cases = []
    while len(cases) < 6:
        d_head = rng.choice([16, 32, 64, 100, 128])
        d_model = rng.randint(2, 2048)
        if d_model % d_head:
            cases.append((d_model, d_head))
    cases.append((rng.randint(2, 63), 64))  # a head wider than the stream
    got = student.run(probe_raises, name="attention_heads", calls=[[list(c), {}] for c in cases])
    expect(isinstance(got, list) and len(got) == len(cases) and all(isinstance(g, dict) for g in got),
           "attention_heads: the answer has the wrong form")
    for (d_model, d_head), outcome in zip(cases, got):
        text = call_text("attention_heads", (d_model, d_head), {})
        expect(outcome.get("raised") is not None, f"{text} returned {outcome.get('returned')}: it must raise "
                                                  f"ValueError, {d_model} is not a multiple of {d_head}")
        expect(outcome.get("value_error") is True, f"{text} raised {outcome.get('raised')}: raise ValueError")


# ------------------------------------------------------------------------------------------ mha_params


def mha_cases(rng: Random) -> list[tuple[int, int]]:
    return [heads_and_width(rng, 16, 96) for _ in range(10)]


@check("mha_params_weights")
def mha_params_weights(student: Student, rng: Random) -> None:
    """mha_params with bias=False: W_Q, W_K, W_V and W_O as nn.MultiheadAttention counts them, for any h."""
    cases = mha_cases(rng)
    values = counts(student, "mha_params", [((d, h), {"bias": False}) for h, d in cases])
    for (h, d), value in zip(cases, values):
        exact(value, meta_mha(d, h, False), call_text("mha_params", (d, h), {"bias": False}),
              "count the four projection matrices (does the number of heads change their size?)")


@check("mha_params_biases")
def mha_params_biases(student: Student, rng: Random) -> None:
    """mha_params: bias=True (the default) adds exactly the biases of the four projections."""
    cases = mha_cases(rng)
    calls = [c for h, d in cases for c in (((d, h), {"bias": True}), ((d, h), {"bias": False}), ((d, h), {}))]
    values = counts(student, "mha_params", calls)
    for i, (h, d) in enumerate(cases):
        with_bias, without, default = values[3 * i: 3 * i + 3]
        added = with_bias - without
        want = meta_mha(d, h, True) - meta_mha(d, h, False)
        expect(added == want, f"mha_params({d}, {h}, bias=True) - mha_params({d}, {h}, bias=False) = {added:,}: "
                              "that is wrong; which projections have a bias, and how long is each?")
        expect(default == with_bias, f"mha_params({d}, {h}) differs from mha_params({d}, {h}, bias=True): "
                                     "bias=True is the default")


# ------------------------------------------------------------------------------------------ ffn_params


def ffn_cases(rng: Random) -> list[tuple[int, int]]:
    cases = []
    for _ in range(10):
        d = rng.randint(2, 2048)
        cases.append((d, d_ff_not_4d(rng, d, 2, 8192)))
    return cases


@check("ffn_params_weights")
def ffn_params_weights(student: Student, rng: Random) -> None:
    """ffn_params with bias=False: the weights of Linear(d -> d_ff) and Linear(d_ff -> d)."""
    cases = ffn_cases(rng)
    values = counts(student, "ffn_params", [((d, d_ff), {"bias": False}) for d, d_ff in cases])
    for (d, d_ff), value in zip(cases, values):
        exact(value, meta_ffn(d, d_ff, False), call_text("ffn_params", (d, d_ff), {"bias": False}),
              "count the weight matrices of both linear layers")


@check("ffn_params_biases")
def ffn_params_biases(student: Student, rng: Random) -> None:
    """ffn_params: bias=True (the default) adds exactly the biases of both linear layers."""
    cases = ffn_cases(rng)
    calls = [c for d, d_ff in cases for c in (((d, d_ff), {"bias": True}), ((d, d_ff), {"bias": False}),
                                             ((d, d_ff), {}))]
    values = counts(student, "ffn_params", calls)
    for i, (d, d_ff) in enumerate(cases):
        with_bias, without, default = values[3 * i: 3 * i + 3]
        added = with_bias - without
        want = meta_ffn(d, d_ff, True) - meta_ffn(d, d_ff, False)
        expect(added == want, f"ffn_params({d}, {d_ff}, bias=True) - ffn_params({d}, {d_ff}, bias=False) = "
                              f"{added:,}: that is wrong; how long is the bias of each linear layer?")
        expect(default == with_bias, f"ffn_params({d}, {d_ff}) differs from ffn_params({d}, {d_ff}, bias=True): "
                                     "bias=True is the default")


# ------------------------------------------------------------------------------------------ layer_norm_params


@check("layer_norm_params_count")
def layer_norm_params_count(student: Student, rng: Random) -> None:
    """layer_norm_params(d_model) equals nn.LayerNorm(d_model)'s count, as a Python int."""
    sizes = [rng.randint(1, 20000) for _ in range(10)]
    values = counts(student, "layer_norm_params", [((d,), {}) for d in sizes])
    for d, value in zip(sizes, values):
        exact(value, meta_layer_norm(d), f"layer_norm_params({d})", "what does a layer norm learn per feature?")


# ------------------------------------------------------------------------------------------ decoder_layer_params


def decoder_cases(rng: Random, n: int) -> list[tuple[int, int, int]]:
    cases = []
    for _ in range(n):
        h, d = heads_and_width(rng, 12, 64)
        cases.append((d, h, d_ff_not_4d(rng, d, 1, 3000)))
    return cases


@check("decoder_layer_params_gpt2")
def decoder_layer_params_gpt2(student: Student, rng: Random) -> None:
    """decoder_layer_params with its defaults equals transformers' GPT2Block of the same shape."""
    cases = decoder_cases(rng, 4)
    values = counts(student, "decoder_layer_params", [((d, h, d_ff), {}) for d, h, d_ff in cases])
    for (d, h, d_ff), value in zip(cases, values):
        want = gpt2_block(d, h, d_ff)
        assert want == meta_decoder_layer(d, h, d_ff, True, True), "GPT2Block disagrees with torch's pieces"
        exact(value, want, call_text("decoder_layer_params", (d, h, d_ff), {}),
              "GPT-2's block of this shape has another count (attention, feed-forward, and how many layer norms?)")


SWITCHES = [{"bias": False, "layer_norm": True}, {"bias": True, "layer_norm": False},
            {"bias": False, "layer_norm": False}]


@check("decoder_layer_params_switches")
def decoder_layer_params_switches(student: Student, rng: Random) -> None:
    """decoder_layer_params: bias=False drops exactly the linear layers' biases, layer_norm=False the two norms."""
    cases = decoder_cases(rng, 3)
    everything = {"bias": True, "layer_norm": True}
    calls = [((d, h, d_ff), kw) for d, h, d_ff in cases for kw in [everything, *SWITCHES]]
    values = counts(student, "decoder_layer_params", calls)
    for i, (d, h, d_ff) in enumerate(cases):
        full, *switched = values[4 * i: 4 * i + 4]
        for kw, value in zip(SWITCHES, switched):
            dropped = full - value
            want = meta_decoder_layer(d, h, d_ff, True, True) - meta_decoder_layer(d, h, d_ff, **kw)
            expect(dropped == want,
                   f"{call_text('decoder_layer_params', (d, h, d_ff), kw)} is {dropped:,} below the count with "
                   f"bias=True, layer_norm=True: that is wrong; pass each switch on and leave out only its parts")


# ------------------------------------------------------------------------------------------ gpt_params


def gpt_case(rng: Random) -> dict:
    h, d = heads_and_width(rng, 8, 32)
    return {"L": rng.randint(2, 6), "d": d, "h": h, "V": rng.randint(50, 5000), "ctx": rng.randint(8, 2048)}


def gpt_call(c: dict, **switches) -> tuple[tuple, dict]:
    return (c["L"], c["d"], c["h"], c["V"], c["ctx"]), switches


@check("gpt_params_gpt2")
def gpt_params_gpt2(student: Student, rng: Random) -> None:
    """gpt_params with every switch on equals transformers' GPT2LMHeadModel, tied and untied, d_ff given or 4 d."""
    cases = []
    for tied in (True, False):
        for given in (False, True):
            c = gpt_case(rng)
            c["d_ff"] = d_ff_not_4d(rng, c["d"]) if given else None
            c["tied"] = tied
            cases.append(c)
    calls = [gpt_call(c, **({"d_ff": c["d_ff"]} if c["d_ff"] else {}), **({} if c["tied"] else {"tied_head": False}))
             for c in cases]
    values = counts(student, "gpt_params", calls)
    for c, (args, kwargs), value in zip(cases, calls, values):
        want = gpt2_model(c["L"], c["d"], c["h"], c["V"], c["ctx"], c["d_ff"], c["tied"])
        assert want == gpt_formula(c["L"], c["d"], c["h"], c["V"], c["ctx"], c["d_ff"] or 4 * c["d"], True, True,
                                   True, c["tied"]), "GPT2LMHeadModel disagrees with the pieces"
        exact(value, want, call_text("gpt_params", args, kwargs),
              "GPT2LMHeadModel of this configuration has another count (embeddings, positions, d_ff, the final "
              "layer norm, the head)")


@check("gpt_params_switches")
def gpt_params_switches(student: Student, rng: Random) -> None:
    """gpt_params: bias, layer_norm, learned_positions and tied_head each add or drop exactly their parts."""
    names = ["bias", "layer_norm", "learned_positions", "tied_head"]
    c = gpt_case(rng)
    d_ff = d_ff_not_4d(rng, c["d"])
    combos = [{n: bool(bits >> k & 1) for k, n in enumerate(names)} for bits in range(16)]
    calls = [gpt_call(c, d_ff=d_ff, **combo) for combo in combos]
    g = gpt_case(rng)  # and one model in GPT-3's style: every switch off but the tied head, d_ff = 4 d
    off = {"bias": False, "layer_norm": False, "learned_positions": False}
    calls += [gpt_call(g), gpt_call(g, **off)]
    values = counts(student, "gpt_params", calls)
    full = values[15]  # every switch on
    want_full = gpt_formula(c["L"], c["d"], c["h"], c["V"], c["ctx"], d_ff, True, True, True, True)
    for combo, (args, kwargs), value in zip(combos, calls, values):
        want = gpt_formula(c["L"], c["d"], c["h"], c["V"], c["ctx"], d_ff, **combo)
        expect(full - value == want_full - want,
               f"{call_text('gpt_params', args, kwargs)} is {full - value:,} below the count with every switch "
               "on: that is wrong; each switch adds or drops only its own parts (and a tied head is counted once)")
    want = (gpt_formula(g["L"], g["d"], g["h"], g["V"], g["ctx"], 4 * g["d"], True, True, True, True)
            - gpt_formula(g["L"], g["d"], g["h"], g["V"], g["ctx"], 4 * g["d"], False, False, False, True))
    args, kwargs = calls[-1]
    expect(values[-2] - values[-1] == want,
           f"{call_text('gpt_params', args, kwargs)} is {values[-2] - values[-1]:,} below the count with every "
           "switch on: that is wrong (d_ff defaults to 4 d)")


# ------------------------------------------------------------------------------------------ encoder_params


def bert_case(rng: Random, T: int) -> dict:
    h, d = heads_and_width(rng, 8, 32)
    return {"L": rng.randint(1, 6), "d": d, "h": h, "d_ff": d_ff_not_4d(rng, d, 8, 1500),
            "V": rng.randint(50, 5000), "P": rng.randint(8, 1024), "T": T}


def bert_args(c: dict) -> tuple:
    return c["L"], c["d"], c["h"], c["d_ff"], c["V"], c["P"]


@check("encoder_params_bert")
def encoder_params_bert(student: Student, rng: Random) -> None:
    """encoder_params equals transformers' BertModel of the same configuration, for any number of token types."""
    cases = [bert_case(rng, T) for T in (2, rng.choice([1, 3]), rng.randint(4, 6))]
    calls = [(bert_args(c), {} if c["T"] == 2 and i == 0 else {"type_vocab_size": c["T"]})
             for i, c in enumerate(cases)]
    values = counts(student, "encoder_params", calls)
    for c, (args, kwargs), value in zip(cases, calls, values):
        want = bert_model(c["L"], c["d"], c["h"], c["d_ff"], c["V"], c["P"], c["T"], True)
        exact(value, want, call_text("encoder_params", args, kwargs),
              "BertModel of this configuration has another count (the three embedding tables and their norm, "
              "the layers, the pooler)")


@check("encoder_params_pooler")
def encoder_params_pooler(student: Student, rng: Random) -> None:
    """encoder_params: pooler=False drops exactly the pooler's weight and bias; pooler=True is the default."""
    cases = [bert_case(rng, rng.randint(1, 4)) for _ in range(2)]
    calls = [(bert_args(c), {"type_vocab_size": c["T"], **kw}) for c in cases
             for kw in ({"pooler": True}, {"pooler": False}, {})]
    values = counts(student, "encoder_params", calls)
    for i, c in enumerate(cases):
        with_pooler, without, default = values[3 * i: 3 * i + 3]
        want = (bert_model(c["L"], c["d"], c["h"], c["d_ff"], c["V"], c["P"], c["T"], True)
                - bert_model(c["L"], c["d"], c["h"], c["d_ff"], c["V"], c["P"], c["T"], False))
        args = bert_args(c)
        expect(with_pooler - without == want,
               f"{call_text('encoder_params', args, calls[3 * i][1])} - "
               f"{call_text('encoder_params', args, calls[3 * i + 1][1])} = {with_pooler - without:,}: that is "
               "wrong; what does BERT's pooler hold?")
        expect(default == with_pooler, f"encoder_params{args} without `pooler` differs from pooler=True: "
                                       "pooler=True is the default")


# ------------------------------------------------------------------------------------------ training_memory_gb


def memory_numbers(student: Student, calls: list) -> list[float]:
    """The student's memories for `calls`: Python numbers (an int is fine when the value is right)."""
    got = student.run(probe_calls, name="training_memory_gb", calls=[[list(a), dict(k)] for a, k in calls])
    expect(isinstance(got, dict) and isinstance(got.get("values"), list) and len(got["values"]) == len(calls)
           and isinstance(got.get("types"), list) and len(got["types"]) == len(calls),
           "training_memory_gb: the answer has the wrong form")
    for (args, kwargs), value, kind in zip(calls, got["values"], got["types"]):
        expect(isinstance(value, (int, float)) and not isinstance(value, bool),
               f"{call_text('training_memory_gb', args, kwargs)} returned a {kind}: return a Python number")
    return got["values"]


def same_memory(got: float, want: float) -> bool:
    """Equal within float32 rounding (a relative 1e-6): a memory in GB computed in any float is right."""
    return abs(got - want) <= 1e-6 * abs(want) + 1e-12


@check("training_memory_gb_value")
def training_memory_gb_value(student: Student, rng: Random) -> None:
    """training_memory_gb(n_params, bytes_per_param): n_params x bytes_per_param / 10^9 GB, for any sizes."""
    calls = []
    for i in range(24):
        n = int(10 ** rng.uniform(5, 12))  # from 100 thousand to a trillion parameters
        b = rng.choice([2, 4, 6, 8, 12, 18, 20])
        calls.append(((n, b), {}) if i % 2 else ((n,), {"bytes_per_param": b}))
    values = memory_numbers(student, calls)
    for (args, kwargs), value in zip(calls, values):
        n, b = args[0], args[1] if len(args) > 1 else kwargs["bytes_per_param"]
        expect(same_memory(value, n * b / 10 ** 9),
               f"{call_text('training_memory_gb', args, kwargs)} = {value!r} is wrong: bytes per parameter times "
               "parameters, in GB of 10^9 bytes")


@check("training_memory_gb_default")
def training_memory_gb_default(student: Student, rng: Random) -> None:
    """training_memory_gb: the default is 16 bytes a parameter (Adam in mixed precision)."""
    sizes = [int(10 ** rng.uniform(5, 12)) for _ in range(6)]
    values = memory_numbers(student, [((n,), {}) for n in sizes])
    for n, value in zip(sizes, values):
        expect(same_memory(value, n * 16 / 10 ** 9),
               f"training_memory_gb({n}) = {value!r} is wrong: by default, 16 bytes a parameter and GB = 10^9 bytes")
