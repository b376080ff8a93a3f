"""Hidden tests of the adapters assignment: one check per graded cell of solutions/adapters/adapters.ipynb.

Each check draws its inputs from the grading's secret seed, runs probes in the student's kernel and judges the
data here. The oracles: the formula of Houlsby et al. (2019), Adapter(h) = h + W_up GELU(W_down h + b_down) + b_up
(exact GELU, written with erf), beside torch modules built here with the same weights; two nn.Linear layers on the
meta device for the parameter count; BitFit's rule (Ben Zaken et al., 2022: the parameters named ...bias train)
on the module names and shapes of transformers' BertModel, built here on the meta device. A value the student
returns (an initial weight, a flag) is judged against what it implies, so a faked answer needs the right
computation. Sizes are never square (d_model > bottleneck, the hidden width differs from d_model), so a transposed
projection cannot fit.
"""
from __future__ import annotations

import math
from random import Random

import torch
import torch.nn.functional as F
from torch import nn
from transformers import BertConfig, BertModel  # imported when the checks load, not inside a graded cell's time

from judge.checks import Student, check, close, describe, expect, randn, uses

ADAPTER_NAMES = ("down.weight", "down.bias", "up.weight", "up.bias")

# ------------------------------------------------------------------------------------------ the oracles


def adapter_formula(h: torch.Tensor, Wd, bd, Wu, bu) -> torch.Tensor:
    """Houlsby et al. (2019), in float64, with the exact GELU z * Phi(z) written with erf."""
    h, Wd, bd, Wu, bu = (t.double() for t in (h, Wd, bd, Wu, bu))
    z = h @ Wd.T + bd
    return h + (0.5 * z * (1.0 + torch.erf(z / math.sqrt(2.0)))) @ Wu.T + bu


def torch_adapter(weights: dict) -> nn.Module:
    """The same adapter as torch modules (nn.Linear, F.gelu): the judge's check of its own formula."""
    Wd, Wu = weights["down.weight"], weights["up.weight"]
    down, up = nn.Linear(Wd.shape[1], Wd.shape[0]), nn.Linear(Wu.shape[1], Wu.shape[0])
    with torch.no_grad():
        for lin, name in ((down, "down"), (up, "up")):
            lin.weight.copy_(weights[f"{name}.weight"])
            lin.bias.copy_(weights[f"{name}.bias"])
    return lambda h: h + up(F.gelu(down(h)))


def formula(h: torch.Tensor, weights: dict) -> torch.Tensor:
    want = adapter_formula(h, *(weights[n] for n in ADAPTER_NAMES))
    with torch.no_grad():
        assert torch.allclose(torch_adapter(weights)(h.float()).double(), want, atol=1e-4), "formula vs torch"
    return want.float()


def adapter_case(rng: Random) -> dict:
    """Sizes (d_model > bottleneck) and trained-looking weights for one adapter."""
    d, m = rng.randint(7, 40), rng.randint(2, 6)
    return {"d": d, "m": m, "weights": {"down.weight": randn(rng, m, d) / d ** 0.5, "down.bias": randn(rng, m),
                                        "up.weight": randn(rng, d, m) / m ** 0.5, "up.bias": randn(rng, d)}}


def returned_weights(got: dict, d: int, m: int, what: str) -> dict:
    """The adapter weights a probe returned, checked for type and shape before anything uses them."""
    shapes = {"down.weight": (m, d), "down.bias": (m,), "up.weight": (d, m), "up.bias": (d,)}
    expect(isinstance(got, dict), f"{what}: expected the adapter's weights, got {describe(got)}")
    for name, shape in shapes.items():
        w = got.get(name)
        expect(isinstance(w, torch.Tensor) and tuple(w.shape) == shape,
               f"{what}: {name} must be a tensor of shape {shape} for d_model = {d}, bottleneck = {m}; "
               f"found {describe(w)}")
    return {name: got[name].float() for name in shapes}


# ------------------------------------------------------------------------------------------ probes
# They run in the student's kernel: build what the inputs describe, call the student's code, return data.


def function(ns, name):
    """The student's function or class `name` from the notebook's namespace, or a NameError that says what to do."""
    if not callable(ns.get(name)):
        raise NameError(f"name '{name}' is not defined: run the cell that defines it")
    return ns[name]


def adapter_weights(adapter):
    """The adapter's four weights (None where missing), as data."""
    import torch

    out = {}
    for name in ("down.weight", "down.bias", "up.weight", "up.bias"):
        module, _, attr = name.partition(".")
        value = getattr(getattr(adapter, module, None), attr, None)
        out[name] = value.detach().clone() if isinstance(value, torch.Tensor) else None
    return out


def set_adapter_weights(adapter, weights):
    """Copy the grader's weights into down and up; False when their shapes do not allow it."""
    import torch

    with torch.no_grad():
        for name, value in weights.items():
            module, _, attr = name.partition(".")
            target = getattr(getattr(adapter, module, None), attr, None)
            if not isinstance(target, torch.Tensor) or tuple(target.shape) != tuple(value.shape):
                return False
            target.copy_(value)
    return True


def detach(value):
    import torch

    return value.detach() if isinstance(value, torch.Tensor) else value


@uses(function, adapter_weights)
def probe_adapter_init(ns, d, m):
    import torch

    adapter = function(ns, "HoulsbyAdapter")(d, m)

    def linear(name):
        module = getattr(adapter, name, None)
        if not isinstance(module, torch.nn.Linear):
            return {"type": type(module).__name__}
        return {"type": "Linear", "in": module.in_features, "out": module.out_features,
                "has_bias": module.bias is not None}

    return {"down": linear("down"), "up": linear("up"), "weights": adapter_weights(adapter),
            "numel": sum(p.numel() for p in adapter.parameters()),
            "all_train": all(p.requires_grad for p in adapter.parameters()),
            "parameters": all(isinstance(p, torch.nn.Parameter) for p in adapter.parameters())}


@uses(function, adapter_weights, set_adapter_weights, detach)
def probe_adapter_forward(ns, d, m, weights, h2, h3):
    import torch

    adapter = function(ns, "HoulsbyAdapter")(d, m)
    initial = adapter_weights(adapter)
    with torch.no_grad():
        y_init = adapter(h2)
    if not set_adapter_weights(adapter, weights):
        return {"initial": initial, "shapes_fit": False}
    with torch.no_grad():
        y2, y3 = adapter(h2), adapter(h3)
    return {"initial": initial, "shapes_fit": True, "y_init": detach(y_init), "y2": detach(y2), "y3": detach(y3)}


@uses(function, adapter_weights, set_adapter_weights)
def probe_adapter_gradients(ns, d, m, weights, h, target):
    import torch

    adapter = function(ns, "HoulsbyAdapter")(d, m)
    initial = adapter_weights(adapter)

    def grads():
        adapter.zero_grad()
        (adapter(h) - target).pow(2).sum().backward()
        out = {}
        for name in ("down.weight", "down.bias", "up.weight", "up.bias"):
            module, _, attr = name.partition(".")
            grad = getattr(getattr(getattr(adapter, module, None), attr, None), "grad", None)
            out[name] = grad.detach().clone() if isinstance(grad, torch.Tensor) else None
        return out

    at_init = grads()
    if not set_adapter_weights(adapter, weights):
        return {"initial": initial, "at_init": at_init, "shapes_fit": False}
    return {"initial": initial, "at_init": at_init, "shapes_fit": True, "trained": grads()}


@uses(function)
def probe_adapter_params(ns, cases):
    out = []
    for d, m, bias, form in cases:
        if form == "default":
            value = function(ns, "adapter_params")(d, m)
        elif form == "positional":
            value = function(ns, "adapter_params")(d, m, bias)
        else:
            value = function(ns, "adapter_params")(d, m, bias=bias)
        out.append([value, type(value).__name__])
    return out


def make_ffn(d, f, weights):
    """The feed-forward block nn.Sequential(Linear(d, f), GELU(), Linear(f, d)) with the grader's weights."""
    import torch

    ffn = torch.nn.Sequential(torch.nn.Linear(d, f), torch.nn.GELU(), torch.nn.Linear(f, d))
    with torch.no_grad():
        for name, p in ffn.named_parameters():
            p.copy_(weights[name])
    return ffn


def adapted(ns, ffn, d, m):
    """The student's AdaptedFFN, built while HoulsbyAdapter is the grader's own (so that a mistake in the
    student's adapter is not counted again here)."""
    import torch

    class HoulsbyAdapter(torch.nn.Module):
        def __init__(self, d_model, bottleneck):
            super().__init__()
            self.down = torch.nn.Linear(d_model, bottleneck)
            self.up = torch.nn.Linear(bottleneck, d_model)
            torch.nn.init.zeros_(self.up.weight)
            torch.nn.init.zeros_(self.up.bias)

        def forward(self, h):
            return h + self.up(torch.nn.functional.gelu(self.down(h)))

    missing = object()
    theirs = ns.get("HoulsbyAdapter", missing)
    ns["HoulsbyAdapter"] = HoulsbyAdapter
    try:
        return function(ns, "AdaptedFFN")(ffn, d, m)
    finally:
        if theirs is missing:
            del ns["HoulsbyAdapter"]
        else:
            ns["HoulsbyAdapter"] = theirs


@uses(function, make_ffn, adapted)
def probe_ffn_frozen(ns, d, f, m, ffn_weights):
    ffn = make_ffn(d, f, ffn_weights)
    block = adapted(ns, ffn, d, m)
    return {"ffn_kept": getattr(block, "ffn", None) is ffn,
            "ffn_weights": {name: p.detach().clone() for name, p in ffn.named_parameters()},
            "ffn_trains": [p.requires_grad for p in ffn.parameters()],
            "trainable": {name: p.numel() for name, p in block.named_parameters() if p.requires_grad}}


@uses(function, make_ffn, adapted, set_adapter_weights, detach)
def probe_ffn_forward(ns, d, f, m, ffn_weights, weights, x2, x3):
    import torch

    ffn = make_ffn(d, f, ffn_weights)
    block = adapted(ns, ffn, d, m)
    with torch.no_grad():
        y_init = block(x2)
    if not set_adapter_weights(getattr(block, "adapter", None), weights):
        return {"y_init": detach(y_init), "shapes_fit": False}
    with torch.no_grad():
        y2, y3 = block(x2), block(x3)
    return {"y_init": detach(y_init), "shapes_fit": True, "y2": detach(y2), "y3": detach(y3)}


def build(spec):
    """A model from a list of (qualified name, kind, args) entries, parents first."""
    import torch

    kinds = {"Linear": lambda a: torch.nn.Linear(a[0], a[1], bias=a[2]), "LayerNorm": lambda a: torch.nn.LayerNorm(a[0]),
             "Embedding": lambda a: torch.nn.Embedding(a[0], a[1]), "Module": lambda a: torch.nn.Module()}
    root = torch.nn.Module()
    for name, kind, args in spec:
        parent_name, _, child = name.rpartition(".")
        root.get_submodule(parent_name).add_module(child, kinds[kind](args))
    return root


@uses(function, build)
def probe_bitfit(ns, models):
    out = []
    for spec, flags in models:
        model = build(spec)
        for name, p in model.named_parameters():
            p.requires_grad_(flags[name])
        count = function(ns, "mark_only_bias_trainable")(model)
        out.append({"count": count, "count_type": type(count).__name__,
                    "trains": {name: p.requires_grad for name, p in model.named_parameters()}})
    return out


@uses(function)
def probe_topk(ns, cases):
    import torch

    out = []
    for kinds, flags, k in cases:
        layers = torch.nn.ModuleList(
            torch.nn.Sequential(torch.nn.Linear(3, 3), torch.nn.LayerNorm(3)) if kind == "block"
            else torch.nn.Linear(3, 2) for kind in kinds)
        for p, flag in zip(layers.parameters(), flags):
            p.requires_grad_(flag)
        function(ns, "freeze_all_but_top_k")(layers, k)
        out.append([[p.requires_grad for p in layer.parameters()] for layer in layers])
    return out


# ------------------------------------------------------------------------------------------ HoulsbyAdapter


@check("houlsby_adapter_init")
def houlsby_adapter_init(student: Student, rng: Random) -> None:
    """HoulsbyAdapter: down = nn.Linear(d_model, bottleneck) random, up = nn.Linear(bottleneck, d_model) zero
    (weight and bias), both with biases, nothing else, all trainable."""
    for _ in range(3):
        d, m = rng.randint(7, 40), rng.randint(2, 6)
        got = student.run(probe_adapter_init, d=d, m=m)
        for name, n_in, n_out in (("down", d, m), ("up", m, d)):
            info = got[name]
            expect(isinstance(info, dict) and info.get("type") == "Linear",
                   f"{name} must be an nn.Linear, found {info.get('type') if isinstance(info, dict) else info}")
            expect((info["in"], info["out"]) == (n_in, n_out),
                   f"for d_model = {d}, bottleneck = {m}: {name} is nn.Linear({info['in']}, {info['out']}); "
                   f"it should be nn.Linear({n_in}, {n_out})")
            expect(info["has_bias"] is True, f"{name} must have a bias (the b in W h + b)")
        weights = returned_weights(got["weights"], d, m, "the adapter")
        with torch.device("meta"):  # the oracle: what two nn.Linear projections hold
            want = sum(p.numel() for p in nn.Sequential(nn.Linear(d, m), nn.Linear(m, d)).parameters())
        expect(got["numel"] == want, f"the adapter has {got['numel']} parameters for d_model = {d}, bottleneck = "
                                     f"{m}; down and up hold {want}: it should have nothing else")
        expect(got["parameters"] is True and got["all_train"] is True, "all of the adapter's parameters must train")
        expect(bool((weights["up.weight"] == 0).all()) and bool((weights["up.bias"] == 0).all()),
               "up's weight and bias must both start at zero, so that the adapter starts as the identity")
        Wd = weights["down.weight"]
        expect(float(Wd.abs().max()) > 0 and float(Wd.std()) > 0,
               "down's weight must start random: with down = 0 as well, no gradient ever reaches up's weight")


@check("houlsby_adapter_forward")
def houlsby_adapter_forward(student: Student, rng: Random) -> None:
    """HoulsbyAdapter.forward: h + up(gelu(down(h))) with the exact GELU, on 2-d and 3-d inputs, with the weights it
    starts with and with other weights."""
    for _ in range(3):
        case = adapter_case(rng)
        d, m = case["d"], case["m"]
        h2, h3 = randn(rng, 5, d), randn(rng, 2, 3, d)
        got = student.run(probe_adapter_forward, d=d, m=m, weights=case["weights"], h2=h2, h3=h3)
        initial = returned_weights(got["initial"], d, m, "the adapter")
        close(got["y_init"], formula(h2, initial), "forward(h) with the weights the adapter starts with")
        expect(got["shapes_fit"] is True, "down and up must hold weights of shapes (bottleneck, d_model) and "
                                          "(d_model, bottleneck)")
        close(got["y2"], formula(h2, case["weights"]), "forward(h) for h of shape (5, d_model)")
        close(got["y3"], formula(h3, case["weights"]), "forward(h) for h of shape (2, 3, d_model)")


def expected_grads(h, target, weights: dict) -> dict:
    """Gradients of sum((Adapter(h) - target)^2) with respect to the four weights, in float64."""
    leaves = {name: weights[name].double().requires_grad_() for name in ADAPTER_NAMES}
    out = adapter_formula(h, *(leaves[n] for n in ADAPTER_NAMES))
    (out - target.double()).pow(2).sum().backward()
    return {name: leaf.grad.float() for name, leaf in leaves.items()}


def compare_grads(got: dict, want: dict, when: str) -> None:
    expect(isinstance(got, dict), f"{when}: expected gradients, got {describe(got)}")
    for name in ADAPTER_NAMES:
        g = got.get(name)
        if g is None and not bool(want[name].any()):
            continue  # no gradient where the formula gives exactly zero is the same thing
        expect(g is not None, f"{when}: {name} received no gradient: forward must let gradients reach down and up")
        close(g, want[name], f"{when}: the gradient of {name}", atol=1e-4, rtol=1e-3)


@check("houlsby_adapter_gradients")
def houlsby_adapter_gradients(student: Student, rng: Random) -> None:
    """HoulsbyAdapter: a backward pass gives down and up the gradients of the formula, at initialisation and after
    the weights have moved."""
    for _ in range(2):
        case = adapter_case(rng)
        d, m = case["d"], case["m"]
        h, target = randn(rng, 4, d), randn(rng, 4, d)
        got = student.run(probe_adapter_gradients, d=d, m=m, weights=case["weights"], h=h, target=target)
        initial = returned_weights(got["initial"], d, m, "the adapter")
        compare_grads(got["at_init"], expected_grads(h, target, initial), "at initialisation")
        expect(got["shapes_fit"] is True, "down and up must hold weights of shapes (bottleneck, d_model) and "
                                          "(d_model, bottleneck)")
        compare_grads(got["trained"], expected_grads(h, target, case["weights"]), "with other weights")


# ------------------------------------------------------------------------------------------ adapter_params


@check("adapter_params_formula")
def adapter_params_formula(student: Student, rng: Random) -> None:
    """adapter_params: 2 d m + d + m with biases (the default) and 2 d m without, as a Python int, for any sizes."""
    forms = ["keyword", "positional", "default"]
    cases = [(rng.randint(1, 8192), rng.randint(1, 512), i % 3 == 2 or (i // 3) % 2 == 0, forms[i % 3])
             for i in range(24)]  # keyword and positional calls with bias True and False, default calls
    got = student.run(probe_adapter_params, cases=[list(c) for c in cases])
    expect(isinstance(got, list) and len(got) == len(cases), f"expected {len(cases)} answers, got {describe(got)}")
    for (d, m, bias, form), answer in zip(cases, got):
        call = (f"adapter_params({d}, {m})" if form == "default" else f"adapter_params({d}, {m}, {bias})"
                if form == "positional" else f"adapter_params({d}, {m}, bias={bias})")
        expect(isinstance(answer, list) and len(answer) == 2, f"{call}: malformed answer")
        value, kind = answer
        expect(kind == "int", f"{call} returned a {kind}: return a Python int")
        with torch.device("meta"):  # the oracle: what the two projections of an adapter hold
            pair = nn.Sequential(nn.Linear(d, m, bias=bias), nn.Linear(m, d, bias=bias))
        expect(value == sum(p.numel() for p in pair.parameters()), f"{call} = {value} is wrong")


# ------------------------------------------------------------------------------------------ AdaptedFFN


def ffn_case(rng: Random) -> dict:
    d, m = rng.randint(7, 24), rng.randint(2, 5)
    f = rng.choice([2 * d, 4 * d, d + rng.randint(1, 9)])
    weights = {"0.weight": randn(rng, f, d) / d ** 0.5, "0.bias": randn(rng, f),
               "2.weight": randn(rng, d, f) / f ** 0.5, "2.bias": randn(rng, d)}
    return {"d": d, "f": f, "m": m, "ffn_weights": weights}


def torch_ffn(case: dict) -> nn.Module:
    """The same feed-forward block, built here with the same weights."""
    ffn = nn.Sequential(nn.Linear(case["d"], case["f"]), nn.GELU(), nn.Linear(case["f"], case["d"]))
    with torch.no_grad():
        for name, p in ffn.named_parameters():
            p.copy_(case["ffn_weights"][name])
    return ffn


@check("adapted_ffn_frozen")
def adapted_ffn_frozen(student: Student, rng: Random) -> None:
    """AdaptedFFN: the given ffn kept (same object, same weights) and frozen; exactly the adapter's parameters train."""
    for _ in range(3):
        case = ffn_case(rng)
        d, m = case["d"], case["m"]
        got = student.run(probe_ffn_frozen, **case)
        expect(got["ffn_kept"] is True, "keep the feed-forward block you are given as self.ffn (the same object)")
        kept = got["ffn_weights"]
        expect(isinstance(kept, dict) and set(kept) == set(case["ffn_weights"]),
               "the feed-forward block's parameters must stay as they were")
        for name, w in case["ffn_weights"].items():
            expect(isinstance(kept[name], torch.Tensor) and torch.equal(kept[name].float(), w),
                   f"the feed-forward block's {name} changed: keep its pretrained weights as they are")
        expect(got["ffn_trains"] == [False] * 4,
               "the feed-forward block must be frozen: requires_grad=False on all its parameters")
        trainable = got["trainable"]
        adapter = {f"adapter.{n}" for n in ADAPTER_NAMES}
        expect(isinstance(trainable, dict) and set(trainable) == adapter,
               f"these parameters train: {sorted(trainable)[:8]}; exactly the adapter's (self.adapter) should")
        want = {f"adapter.{n}": p.numel() for n, p in nn.ModuleDict(
            {"down": nn.Linear(d, m, device="meta"), "up": nn.Linear(m, d, device="meta")}).named_parameters()}
        expect(trainable == want, f"the trainable parameters have sizes {trainable}; an adapter with d_model = {d} "
                                  f"and bottleneck = {m} has {want}")


@check("adapted_ffn_forward")
def adapted_ffn_forward(student: Student, rng: Random) -> None:
    """AdaptedFFN.forward: adapter(ffn(x)) on 2-d and 3-d inputs; ffn(x) at initialisation."""
    for _ in range(3):
        case = ffn_case(rng)
        d, m = case["d"], case["m"]
        weights = {"down.weight": randn(rng, m, d) / d ** 0.5, "down.bias": randn(rng, m),
                   "up.weight": randn(rng, d, m) / m ** 0.5, "up.bias": randn(rng, d)}
        x2, x3 = randn(rng, 5, d), randn(rng, 2, 3, d)
        got = student.run(probe_ffn_forward, **case, weights=weights, x2=x2, x3=x3)
        ffn = torch_ffn(case)
        with torch.no_grad():
            close(got["y_init"], ffn(x2), "forward(x) at initialisation (the adapter is the identity)")
            expect(got["shapes_fit"] is True, "self.adapter must be the HoulsbyAdapter(d_model, bottleneck) you build")
            close(got["y2"], formula(ffn(x2), weights), "forward(x) for x of shape (5, d_model)")
            close(got["y3"], formula(ffn(x3), weights), "forward(x) for x of shape (2, 3, d_model)")


# ------------------------------------------------------------------------------------------ BitFit

KINDS = {nn.Linear: "Linear", nn.LayerNorm: "LayerNorm", nn.Embedding: "Embedding"}


def spec_of(model: nn.Module) -> list:
    """The module names, kinds and sizes of `model`, to rebuild it with plain torch in the kernel."""
    spec = []
    for name, module in model.named_modules():
        if not name:
            continue
        if isinstance(module, nn.Linear):
            spec.append([name, "Linear", [module.in_features, module.out_features, module.bias is not None]])
        elif isinstance(module, nn.LayerNorm):
            spec.append([name, "LayerNorm", [module.normalized_shape[0]]])
        elif isinstance(module, nn.Embedding):
            spec.append([name, "Embedding", [module.num_embeddings, module.embedding_dim]])
        else:
            assert not list(module.parameters(recurse=False)), f"{name}: a module kind the probe cannot build"
            spec.append([name, "Module", []])
    return spec


def bert_model(rng: Random) -> nn.Module:
    """A small transformers BertModel on the meta device (the real module names, no memory)."""
    h = 4 * rng.randint(1, 4)
    config = BertConfig(vocab_size=rng.randint(10, 50), hidden_size=h, num_hidden_layers=rng.randint(1, 2),
                        num_attention_heads=2, intermediate_size=rng.randint(5, 32), max_position_embeddings=8)
    with torch.device("meta"):
        return BertModel(config)


def mlp_model(rng: Random) -> nn.Module:
    d = rng.randint(2, 12)
    with torch.device("meta"):
        return nn.Sequential(nn.Embedding(7, d), nn.Linear(d, d, bias=False), nn.LayerNorm(d), nn.Linear(d, 3),
                             nn.Sequential(nn.Linear(3, 3, bias=False), nn.Linear(3, 5)))


def bitfit_cases(rng: Random) -> list[dict]:
    """Two BERT-shaped encoders and two MLPs, each with random requires_grad flags before the call: at least one
    bias frozen and one weight trainable, so that both halves of the rule are needed."""
    cases = []
    for model in (bert_model(rng), mlp_model(rng), bert_model(rng), mlp_model(rng)):
        names = [n for n, _ in model.named_parameters()]
        flags = {n: rng.random() < 0.5 for n in names}
        flags[rng.choice([n for n in names if n.endswith("bias")])] = False
        flags[rng.choice([n for n in names if not n.endswith("bias")])] = True
        numel = {n: p.numel() for n, p in model.named_parameters()}
        cases.append({"spec": spec_of(model), "flags": flags, "numel": numel,
                      "biases": sum(p.numel() for n, p in model.named_parameters() if n.endswith("bias"))})
    return cases


def run_bitfit(student: Student, rng: Random) -> tuple[list[dict], list]:
    cases = bitfit_cases(rng)
    got = student.run(probe_bitfit, models=[[c["spec"], c["flags"]] for c in cases])
    expect(isinstance(got, list) and len(got) == len(cases), f"expected {len(cases)} answers, got {describe(got)}")
    for case, answer in zip(cases, got):
        expect(isinstance(answer, dict) and isinstance(answer.get("trains"), dict)
               and set(answer["trains"]) == set(case["numel"]),
               "mark_only_bias_trainable must keep the model's parameters (change only requires_grad)")
    return cases, got


@check("mark_only_bias_trainable_flags")
def mark_only_bias_trainable_flags(student: Student, rng: Random) -> None:
    """mark_only_bias_trainable: exactly the parameters whose names end with 'bias' train afterwards, whatever their
    state before, on MLPs and BERT-shaped encoders (as many elements as BERT's biases hold)."""
    cases, got = run_bitfit(student, rng)
    for case, answer in zip(cases, got):
        trains = answer["trains"]
        wrong_on = sorted(n for n, flag in trains.items() if n.endswith("bias") and flag is not True)
        expect(not wrong_on, f"these biases do not train after the call: {wrong_on[:4]} (some were frozen before)")
        wrong_off = sorted(n for n, flag in trains.items() if not n.endswith("bias") and flag is not False)
        expect(not wrong_off, f"these parameters train after the call but are not biases: {wrong_off[:4]}")
        trained = sum(case["numel"][n] for n, flag in trains.items() if flag is True)
        expect(trained == case["biases"], f"{trained} parameters train; the model's biases hold {case['biases']}")


@check("mark_only_bias_trainable_count")
def mark_only_bias_trainable_count(student: Student, rng: Random) -> None:
    """mark_only_bias_trainable returns a Python int: the number of parameters (elements) that train after it."""
    cases, got = run_bitfit(student, rng)
    for case, answer in zip(cases, got):
        expect(answer["count_type"] == "int", f"mark_only_bias_trainable returned a {answer['count_type']}: "
                                              "return a Python int")
        trained = sum(case["numel"][n] for n, flag in answer["trains"].items() if flag is True)
        expect(answer["count"] == trained, f"mark_only_bias_trainable returned {answer['count']}, but {trained} "
                                           "parameters (elements, not tensors) train after the call")


# ------------------------------------------------------------------------------------------ top-k


def topk_case(rng: Random, n: int, k: int) -> list:
    kinds = [rng.choice(["block", "linear"]) for _ in range(n)]
    count = sum(4 if kind == "block" else 2 for kind in kinds)
    flags = [rng.random() < 0.5 for _ in range(count)]
    flags[0], flags[-1] = True, False  # a bottom layer that must be frozen, a top one that must train
    return [kinds, flags, k]


def judge_topk(student: Student, cases: list) -> None:
    got = student.run(probe_topk, cases=cases)
    expect(isinstance(got, list) and len(got) == len(cases), f"expected {len(cases)} answers, got {describe(got)}")
    for (kinds, _, k), layers in zip(cases, got):
        n = len(kinds)
        expect(isinstance(layers, list) and len(layers) == n, f"{n} layers must stay {n} layers")
        want = [i >= n - k for i in range(n)]
        flags = [l if isinstance(l, list) and len(set(l)) == 1 and isinstance(l[0], bool) else "mixed"
                 for l in layers]
        shown = [f[0] if isinstance(f, list) else f for f in flags]
        expect(shown == want, f"{n} layers, k = {k}: requires_grad per layer is {shown}; "
                              f"the top k layers must train and the others be frozen")


@check("freeze_all_but_top_k_flags")
def freeze_all_but_top_k_flags(student: Student, rng: Random) -> None:
    """freeze_all_but_top_k: for 0 < k < len(layers), every parameter of the top k layers trains, every other is
    frozen, whatever the state before."""
    cases = []
    for _ in range(12):
        n = rng.randint(2, 8)
        cases.append(topk_case(rng, n, rng.randint(1, n - 1)))
    judge_topk(student, cases)


@check("freeze_all_but_top_k_edges")
def freeze_all_but_top_k_edges(student: Student, rng: Random) -> None:
    """freeze_all_but_top_k: k = 0 freezes every layer; k = len(layers) and k > len(layers) train every layer."""
    cases = []
    for _ in range(3):
        n = rng.randint(1, 8)
        cases += [topk_case(rng, n, 0), topk_case(rng, n, n), topk_case(rng, n, n + rng.randint(1, 3))]
    # and always one k between n and 2n: there layers[n - k:] wraps around to a partial list (at k >= 2n it is the
    # whole list again, so without this case a wrap-around bug escaped when every draw had a small n)
    n = rng.randint(3, 8)
    cases.append(topk_case(rng, n, n + rng.randint(1, n - 1)))
    judge_topk(student, cases)
