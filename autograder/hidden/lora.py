"""Hidden tests of the lora assignment (LoRA by hand): one check per graded cell of solutions/lora/lora.ipynb.

Each check draws its inputs from the grading's secret seed (never a square layer, so a transposed update
cannot fit), runs probes in the student's kernel and judges the data here against the formula of Hu et al.
(2022), h = x W0^T + b + (alpha / r) x A^T B^T, and against peft's own LoRA layer with the same A and B.
A value the student returns (A, a gradient, a merged weight) is always checked against what it implies,
so a faked answer needs the right computation.
"""
from __future__ import annotations

import copy
import random
import warnings

import peft
import torch
from torch import nn

from judge.checks import CheckFailed, Student, check, close, describe, expect, randn, uses

# ------------------------------------------------------------------------------------------ inputs


def layer_case(rng: random.Random) -> dict:
    """One LoRA layer to build: sizes (never square), rank, alpha, pretrained W0 and b."""
    k, d = rng.sample(range(3, 25), 2)
    r = rng.randint(1, 4)
    # alpha != r: at a scaling of 1 a forgotten or inverted alpha / r is invisible (a mutant passed by chance)
    alpha = rng.choice([a for a in (1.0, 3.0, 8.0, 16.0) if a != r])
    return {"k": k, "d": d, "r": r, "alpha": alpha, "W0": randn(rng, d, k) / k ** 0.5, "b0": randn(rng, d)}


def expected_forward(case: dict, A: torch.Tensor, B: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """The paper's formula, in float64, with the student's A and the grader's B."""
    W0, b0, s = case["W0"].double(), case["b0"].double(), case["alpha"] / case["r"]
    x = x.double()
    return x @ W0.T + b0 + s * (x @ A.double().T) @ B.double().T


class _Host(nn.Module):
    def __init__(self, lin: nn.Linear):
        super().__init__()
        self.lin = lin

    def forward(self, x):
        return self.lin(x)


def peft_layer(case: dict, A: torch.Tensor, B: torch.Tensor):
    """peft's LoRA layer on the same W0, b, A and B: (model, layer). The oracle beside the formula."""
    lin = nn.Linear(case["k"], case["d"])
    with torch.no_grad():
        lin.weight.copy_(case["W0"])
        lin.bias.copy_(case["b0"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = peft.get_peft_model(_Host(lin), peft.LoraConfig(r=case["r"], lora_alpha=case["alpha"],
                                                                 target_modules=["lin"], lora_dropout=0.0))
    layer = model.base_model.model.lin
    with torch.no_grad():
        layer.lora_A["default"].weight.copy_(A)
        layer.lora_B["default"].weight.copy_(B)
    return model, layer


def returned_A(got: dict, case: dict) -> torch.Tensor:
    A = got["A"]
    expect(isinstance(A, torch.Tensor) and tuple(A.shape) == (case["r"], case["k"]),
           f"A must be a tensor of shape (r, in_features) = ({case['r']}, {case['k']}), found {describe(A)}")
    return A.float()


# ------------------------------------------------------------------------------------------ probes
# They run in the student's kernel: build what the inputs describe, call the student's code, return data.


def make_layer(ns, k, d, r, alpha, W0, b0):
    import torch

    base = torch.nn.Linear(k, d)
    with torch.no_grad():
        base.weight.copy_(W0)
        base.bias.copy_(b0)
    return base, ns["LoRALinear"](base, r, alpha)


@uses(make_layer)
def probe_init(ns, k, d, r, alpha, W0, b0):
    import torch

    base, layer = make_layer(ns, k, d, r, alpha, W0, b0)
    A, B = getattr(layer, "A", None), getattr(layer, "B", None)
    scaling = getattr(layer, "scaling", None)
    return {
        "base_kept": getattr(layer, "base", None) is base,
        "A": A.detach() if isinstance(A, torch.Tensor) else A,
        "B": B.detach() if isinstance(B, torch.Tensor) else B,
        "A_parameter": isinstance(A, torch.nn.Parameter),
        "B_parameter": isinstance(B, torch.nn.Parameter),
        "scaling": scaling.detach() if isinstance(scaling, torch.Tensor) else scaling,
        "base_trains": [p.requires_grad for p in base.parameters()],
        "trainable": sorted(n for n, p in layer.named_parameters() if p.requires_grad),
    }


@uses(make_layer)
def probe_forward(ns, k, d, r, alpha, W0, b0, B1, x2, x3):
    import torch

    base, layer = make_layer(ns, k, d, r, alpha, W0, b0)
    y_init = layer(x2)
    with torch.no_grad():
        layer.B.copy_(B1)
    y2, y3 = layer(x2), layer(x3)
    return {"A": layer.A.detach(), "y_init": y_init.detach() if isinstance(y_init, torch.Tensor) else y_init,
            "y2": y2.detach() if isinstance(y2, torch.Tensor) else y2,
            "y3": y3.detach() if isinstance(y3, torch.Tensor) else y3}


@uses(make_layer)
def probe_delta_weight(ns, k, d, r, alpha, W0, b0, B1):
    import torch

    base, layer = make_layer(ns, k, d, r, alpha, W0, b0)
    with torch.no_grad():
        layer.B.copy_(B1)
    dw = layer.delta_weight()
    return {"A": layer.A.detach(), "delta": dw.detach() if isinstance(dw, torch.Tensor) else dw,
            "weight_unchanged": bool(torch.equal(base.weight.detach(), W0))}


@uses(make_layer)
def probe_gradients(ns, k, d, r, alpha, W0, b0, B1, x2):
    import torch

    base, layer = make_layer(ns, k, d, r, alpha, W0, b0)
    with torch.no_grad():
        layer.B.copy_(B1)
    layer.zero_grad()
    layer(x2).pow(2).sum().backward()
    grad = lambda p: None if p.grad is None else p.grad.detach()
    return {"A": layer.A.detach(), "A_grad": grad(layer.A), "B_grad": grad(layer.B),
            "base_grads": [p.grad is None for p in base.parameters()]}


@uses(make_layer)
def probe_merge(ns, k, d, r, alpha, W0, b0, B1, x2):
    import torch

    base, layer = make_layer(ns, k, d, r, alpha, W0, b0)
    weight = base.weight
    with torch.no_grad():
        layer.B.copy_(B1)
    out = {"A": layer.A.detach()}
    steps = [("merged_twice", ["merge", "merge"]), ("unmerged_twice", ["unmerge", "unmerge"]),
             ("merged_again", ["merge", "unmerge", "merge"])]
    for name, calls in steps:
        for call in calls:
            getattr(layer, call)()
        y = layer(x2)
        out[name] = {"weight": layer.base.weight.detach().clone(), "y": y.detach(),
                     "same_parameter": layer.base.weight is weight,
                     "frozen": layer.base.weight.requires_grad is False,
                     "trainable": sorted(n for n, p in layer.named_parameters() if p.requires_grad)}
    return out


def probe_lora_params(ns, sizes):
    values = [ns["lora_params"](k, d, r) for k, d, r in sizes]
    return {"values": values, "types": [type(v).__name__ for v in values]}


def build(spec):
    """A model from a list of (qualified name, kind, size_in, size_out) entries, parents first."""
    import torch

    root = torch.nn.Module()
    for name, kind, n_in, n_out in spec:
        parent_name, _, child = name.rpartition(".")
        parent = root.get_submodule(parent_name)
        if kind == "Linear":
            module = torch.nn.Linear(n_in, n_out)
        elif kind == "LayerNorm":
            module = torch.nn.LayerNorm(n_in)
        else:
            module = torch.nn.Module()
        parent.add_module(child, module)
    return root


@uses(build)
def probe_apply(ns, spec, weights, targets, r, alpha, x):
    import torch

    model = build(spec)
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(weights[name])
    originals = {name: m for name, m in model.named_modules() if isinstance(m, torch.nn.Linear)}
    cls, stand_in = ns.get("LoRALinear"), False
    try:
        cls(torch.nn.Linear(3, 2), 1, 1.0)
    except Exception:  # the notebook's LoRALinear cannot be built: judge apply_lora alone, with a stand-in

        class StandIn(torch.nn.Module):
            def __init__(self, base, r, alpha=1.0):
                super().__init__()
                self.base = base.requires_grad_(False)
                self.A = torch.nn.Parameter(torch.zeros(r, base.in_features))
                self.B = torch.nn.Parameter(torch.zeros(base.out_features, r))

            def forward(self, x):
                return self.base(x)

        ns["LoRALinear"], stand_in = StandIn, True
    try:
        count = ns["apply_lora"](model, targets, r, alpha)
    finally:
        if stand_in:
            ns["LoRALinear"] = cls
    modules = dict(model.named_modules())
    replaced = {}
    for name, original in originals.items():
        now = modules.get(name)
        if now is not original:
            inner = [n for n, m in now.named_modules() if m is original] if now is not None else []
            with torch.no_grad():
                y = now(x[name]) if now is not None else None
            replaced[name] = {"type": type(now).__name__, "wraps": inner, "y": y}
    return {"count": count, "count_type": type(count).__name__, "stand_in": stand_in, "replaced": replaced,
            "trainable": {n: p.numel() for n, p in model.named_parameters() if p.requires_grad},
            "frozen": sorted(n for n, p in model.named_parameters() if not p.requires_grad)}


@uses(build)
def probe_apply_arguments(ns, spec, targets, r, alpha):
    import torch

    model = build(spec)
    originals = {id(m): name for name, m in model.named_modules() if isinstance(m, torch.nn.Linear)}
    calls = []

    class Recorder(torch.nn.Module):  # stands in for LoRALinear: records what apply_lora passes it
        def __init__(self, base, *args, **kwargs):
            super().__init__()
            self.base = base.requires_grad_(False)
            calls.append({"base": originals.get(id(base), "?"), "args": list(args), "kwargs": dict(kwargs)})

    saved = ns.get("LoRALinear")
    ns["LoRALinear"] = Recorder
    try:
        ns["apply_lora"](model, targets, r, alpha)
    finally:
        ns["LoRALinear"] = saved
    return calls


# ------------------------------------------------------------------------------------------ LoRALinear


@check("lora_linear_init")
def lora_linear_init(student: Student, rng: random.Random) -> None:
    """LoRALinear: the base layer kept and frozen, A random (r, k), B zero (d, r), scaling alpha / r."""
    for _ in range(3):
        case = layer_case(rng)
        got = student.run(probe_init, **case)
        expect(got["base_kept"] is True, "keep the layer you are given as self.base (the same object)")
        expect(got["A_parameter"] is True and got["B_parameter"] is True,
               "A and B must be nn.Parameter objects, or the optimiser never sees them")
        A = returned_A(got, case)
        B = got["B"]
        expect(isinstance(B, torch.Tensor) and tuple(B.shape) == (case["d"], case["r"]),
               f"B must have shape (out_features, r) = ({case['d']}, {case['r']}), found {describe(B)}")
        expect(bool((B == 0).all()), "B must start at zero, so that the new layer starts as the pretrained one")
        expect(A.numel() == 1 or float(A.float().std()) > 0, "A must start random (its entries all differ)")
        expect(float(A.abs().max()) > 0, "A must start random: with A = 0 and B = 0 no gradient ever reaches B")
        expect(got["base_trains"] == [False, False],
               "the base layer must be frozen: requires_grad=False on its weight and bias")
        expect(got["trainable"] == ["A", "B"], f"only A and B may train; trainable: {got['trainable']}")
        scaling = got["scaling"]
        if isinstance(scaling, torch.Tensor) and scaling.numel() == 1:
            scaling = scaling.item()
        close(scaling, case["alpha"] / case["r"], f"scaling for alpha = {case['alpha']}, r = {case['r']}",
              atol=1e-6, rtol=1e-6)


@check("lora_linear_forward")
def lora_linear_forward(student: Student, rng: random.Random) -> None:
    """LoRALinear.forward: base(x) + (alpha / r) x A^T B^T, on 2-d and 3-d inputs; equal to base(x) at first."""
    for _ in range(3):
        case = layer_case(rng)
        B1, x2, x3 = randn(rng, case["d"], case["r"]), randn(rng, 5, case["k"]), randn(rng, 2, 3, case["k"])
        got = student.run(probe_forward, **case, B1=B1, x2=x2, x3=x3)
        A = returned_A(got, case)
        zero = torch.zeros(case["d"], case["r"])
        close(got["y_init"], expected_forward(case, A, zero, x2).float(), "the output at initialisation (B = 0)")
        want = expected_forward(case, A, B1, x2).float()
        model, _ = peft_layer(case, A, B1)
        with torch.no_grad():
            assert torch.allclose(model(x2), want, atol=1e-4), "the formula disagrees with peft"  # the judge's own sanity
        close(got["y2"], want, "forward(x) for x of shape (5, in_features)")
        close(got["y3"], expected_forward(case, A, B1, x3).float(), "forward(x) for x of shape (2, 3, in_features)")


@check("lora_linear_delta_weight")
def lora_linear_delta_weight(student: Student, rng: random.Random) -> None:
    """LoRALinear.delta_weight: (alpha / r) B A, the shape of base.weight, without changing base.weight."""
    for _ in range(3):
        case = layer_case(rng)
        B1 = randn(rng, case["d"], case["r"])
        got = student.run(probe_delta_weight, **case, B1=B1)
        A = returned_A(got, case)
        close(got["delta"], (case["alpha"] / case["r"]) * B1 @ A, "delta_weight()")
        expect(got["weight_unchanged"] is True, "delta_weight() must not change base.weight")


@check("lora_linear_gradients")
def lora_linear_gradients(student: Student, rng: random.Random) -> None:
    """LoRALinear: a backward pass gives A and B their gradients and the frozen base none."""
    for _ in range(2):
        case = layer_case(rng)
        B1, x2 = randn(rng, case["d"], case["r"]), randn(rng, 5, case["k"])
        got = student.run(probe_gradients, **case, B1=B1, x2=x2)
        A = returned_A(got, case).double().requires_grad_()
        B = B1.double().requires_grad_()
        expected_forward(case, A, B, x2).pow(2).sum().backward()
        expect(got["A_grad"] is not None and got["B_grad"] is not None, "forward must let gradients reach A and B")
        close(got["A_grad"], A.grad.float(), "the gradient of A", atol=1e-4, rtol=1e-3)
        close(got["B_grad"], B.grad.float(), "the gradient of B", atol=1e-4, rtol=1e-3)
        expect(got["base_grads"] == [True, True], "the frozen base weight and bias must receive no gradient")


@check("lora_linear_merge")
def lora_linear_merge(student: Student, rng: random.Random) -> None:
    """LoRALinear.merge/unmerge: in place, idempotent, the same output merged or not, the base stays frozen."""
    for _ in range(2):
        case = layer_case(rng)
        B1, x2 = randn(rng, case["d"], case["r"]), randn(rng, 4, case["k"])
        got = student.run(probe_merge, **case, B1=B1, x2=x2)
        A = returned_A(got, case)
        merged = case["W0"] + (case["alpha"] / case["r"]) * B1 @ A
        _, layer = peft_layer(case, A, B1)
        layer.merge()
        assert torch.allclose(layer.base_layer.weight, merged, atol=1e-5), "formula disagrees with peft's merge"
        y = expected_forward(case, A, B1, x2).float()
        for step, weight, what in [("merged_twice", merged, "after merge() twice"),
                                   ("unmerged_twice", case["W0"], "after unmerge() twice"),
                                   ("merged_again", merged, "after merge(), unmerge(), merge()")]:
            state = got[step]
            expect(state["same_parameter"] is True and state["frozen"] is True,
                   f"{what}: base.weight must stay the same frozen parameter (change it in place)")
            close(state["weight"], weight, f"base.weight {what}")
            close(state["y"], y, f"the output {what} (it must not change)")
            expect(state["trainable"] == ["A", "B"], f"{what}: only A and B may train")


# ------------------------------------------------------------------------------------------ lora_params


@check("lora_params_formula")
def lora_params_formula(student: Student, rng: random.Random) -> None:
    """lora_params: r (in_features + out_features) as a Python int, for any sizes; what peft trains."""
    sizes = [(rng.randint(1, 5000), rng.randint(1, 5000), rng.randint(1, 64)) for _ in range(20)]
    for k, d, r in sizes[:3]:  # the judge's own sanity: the formula is what peft trains
        lin = _Host(nn.Linear(min(k, 40), min(d, 40)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = peft.get_peft_model(lin, peft.LoraConfig(r=r, target_modules=["lin"]))
        assert sum(p.numel() for p in model.parameters() if p.requires_grad) == r * (min(k, 40) + min(d, 40))
    got = student.run(probe_lora_params, sizes=sizes)
    for (k, d, r), value, kind in zip(sizes, got["values"], got["types"]):
        expect(kind == "int", f"lora_params({k}, {d}, {r}) returned a {kind}: return a Python int")
        expect(value == r * (k + d), f"lora_params({k}, {d}, {r}) = {value} is wrong")


# ------------------------------------------------------------------------------------------ apply_lora


def lookalike_spec(rng: random.Random) -> tuple[list, list[str]]:
    """Blocks with proj / proj_out, a LayerNorm named proj, a head named query_head: names that END with a
    target are replaced, other look-alikes are not."""
    d, blocks = rng.randint(3, 9), rng.randint(1, 3)
    spec = [("blocks", "Module", 0, 0)]
    for i in range(blocks):
        spec += [(f"blocks.{i}", "Module", 0, 0), (f"blocks.{i}.proj", "Linear", d, 2 * d),
                 (f"blocks.{i}.proj_out", "Linear", 2 * d, d)]
    spec += [("extra", "Module", 0, 0), ("extra.proj", "LayerNorm", d, d), ("query_head", "Linear", d, 3)]
    return spec, ["proj", "query"]


def bert_spec(rng: random.Random) -> tuple[list, list[str]]:
    """The module names and shapes of a small BERT encoder (transformers' BertModel), without its forward."""
    h, ff, layers = 4 * rng.randint(2, 6), rng.randint(8, 40), rng.randint(1, 3)
    spec = [("embeddings", "Module", 0, 0), ("embeddings.LayerNorm", "LayerNorm", h, h),
            ("encoder", "Module", 0, 0), ("encoder.layer", "Module", 0, 0)]
    for i in range(layers):
        p = f"encoder.layer.{i}"
        spec += [(p, "Module", 0, 0), (f"{p}.attention", "Module", 0, 0), (f"{p}.attention.self", "Module", 0, 0)]
        spec += [(f"{p}.attention.self.{n}", "Linear", h, h) for n in ("query", "key", "value")]
        spec += [(f"{p}.attention.output", "Module", 0, 0), (f"{p}.attention.output.dense", "Linear", h, h),
                 (f"{p}.attention.output.LayerNorm", "LayerNorm", h, h),
                 (f"{p}.intermediate", "Module", 0, 0), (f"{p}.intermediate.dense", "Linear", h, ff),
                 (f"{p}.output", "Module", 0, 0), (f"{p}.output.dense", "Linear", ff, h),
                 (f"{p}.output.LayerNorm", "LayerNorm", h, h)]
    spec += [("pooler", "Module", 0, 0), ("pooler.dense", "Linear", h, h)]
    return spec, rng.choice([["query", "value"], ["key", "dense"], ["query"]])


def scaled_rank(rng: random.Random) -> dict:
    """r and alpha for apply_lora, never equal (alpha / r = 1 would hide r and alpha swapped or dropped)."""
    r = rng.randint(1, 4)
    return {"r": r, "alpha": rng.choice([a for a in (2.0, 8.0, 12.0) if a != r])}


def apply_case(rng: random.Random, spec: list, targets: list[str]) -> dict:
    model = build(spec)
    weights = {name: randn(rng, *p.shape) for name, p in model.named_parameters()}
    x = {name: randn(rng, 2, n_in) for name, kind, n_in, _ in spec if kind == "Linear"}
    return {"spec": [list(e) for e in spec], "weights": weights, "targets": targets,
            **scaled_rank(rng), "x": x}


def expected_targets(spec: list, targets: list[str]) -> list[str]:
    """The exercise's rule: every nn.Linear whose qualified name ends with one of the targets."""
    return sorted(name for name, kind, _, _ in spec if kind == "Linear" and any(name.endswith(t) for t in targets))


def expected_trainable(spec: list, targets: list[str], r: int) -> int:
    sizes = {name: (n_in, n_out) for name, kind, n_in, n_out in spec if kind == "Linear"}
    return sum(r * sum(sizes[name]) for name in expected_targets(spec, targets))


def cases_for_apply(rng: random.Random) -> list[dict]:
    return [apply_case(rng, *lookalike_spec(rng)), apply_case(rng, *bert_spec(rng))]


@check("apply_lora_targets")
def apply_lora_targets(student: Student, rng: random.Random) -> None:
    """apply_lora: exactly the nn.Linear modules whose names end with a target are wrapped, each around its
    original layer, and the wrapped model computes what it computed before (B = 0)."""
    for case in cases_for_apply(rng):
        got = student.run(probe_apply, **case)
        want = expected_targets(case["spec"], case["targets"])
        replaced = sorted(got["replaced"])
        expect(replaced == want, f"with targets {case['targets']}, apply_lora replaced {replaced}; the modules "
                                 "to replace are the nn.Linear layers whose qualified names END with a target")
        weights = case["weights"]
        for name, info in got["replaced"].items():
            expect(info["wraps"] != [], f"{name}: the new module must wrap the original layer (keep it as base)")
            want_y = case["x"][name] @ weights[name + ".weight"].T + weights[name + ".bias"]
            close(info["y"], want_y, f"{name} right after apply_lora (B = 0, it must compute what it did)")


@check("apply_lora_frozen")
def apply_lora_frozen(student: Student, rng: random.Random) -> None:
    """apply_lora: everything but the new A and B is frozen, and the count returned (an int) is what trains."""
    for case in cases_for_apply(rng):
        got = student.run(probe_apply, **case)
        want = expected_trainable(case["spec"], case["targets"], case["r"])
        trainable = got["trainable"]
        expect(all(n.rsplit(".", 1)[-1] in ("A", "B") for n in trainable),
               f"only the LoRA matrices may train; these train too: "
               f"{sorted(n for n in trainable if n.rsplit('.', 1)[-1] not in ('A', 'B'))[:4]}")
        expect(sum(trainable.values()) == want, f"{sum(trainable.values())} parameters train; "
                                                f"the LoRA matrices of the targeted layers have {want}")
        expect(got["count_type"] == "int", f"apply_lora returned a {got['count_type']}: return a Python int")
        expect(got["count"] == sum(trainable.values()), f"apply_lora returned {got['count']}, but "
                                                        f"{sum(trainable.values())} parameters train")


@check("apply_lora_peft")
def apply_lora_peft(student: Student, rng: random.Random) -> None:
    """apply_lora on a BERT-shaped encoder: the same modules and trainable count as peft, with the r and alpha
    given."""
    for _ in range(2):
        spec, targets = bert_spec(rng)
        case = apply_case(rng, spec, targets)
        model = build(spec)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pm = peft.get_peft_model(copy.deepcopy(model), peft.LoraConfig(r=case["r"], lora_alpha=case["alpha"],
                                                                             target_modules=targets))
        peft_count = sum(p.numel() for p in pm.parameters() if p.requires_grad)
        peft_names = sorted(n[len("base_model.model."):] for n, m in pm.named_modules()
                            if hasattr(m, "lora_A") and hasattr(m, "base_layer"))
        got = student.run(probe_apply, **case)
        expect(sorted(got["replaced"]) == peft_names,
               f"with targets {targets}, apply_lora replaced {sorted(got['replaced'])[:6]}; peft replaces "
               f"{peft_names[:6]}")
        expect(got["count"] == peft_count, f"apply_lora returned {got['count']}; peft trains {peft_count}")
        # peft's LoraConfig(r, lora_alpha): each layer must be built with the r and alpha given
        calls = student.run(probe_apply_arguments, spec=case["spec"], targets=targets, r=case["r"],
                            alpha=case["alpha"])
        for call in calls:
            args = call["args"] + [call["kwargs"].get(k) for k in ("r", "alpha") if k in call["kwargs"]]
            expect(len(args) == 2 and args[0] == case["r"] and args[1] == case["alpha"],
                   f"{call['base']} was wrapped as LoRALinear(base, {', '.join(map(repr, args))}); pass the r and "
                   f"alpha given to apply_lora (r = {case['r']}, alpha = {case['alpha']})")
