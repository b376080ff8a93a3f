"""Hidden tests of the ulmfit assignment (Howard and Ruder, 2018): one check per graded cell of
solutions/ulmfit/ulmfit.ipynb. Rates are judged against equation 3 computed here (taken literally, or with p
floored at 0: both earn the points), parameter groups against the modules they were
built from, and one SGD step against the rates the student's own groups declare.
"""
from __future__ import annotations

import math
import random

import torch

from judge.checks import Student, check, close, expect, uses

CUT_FRACS = [0.1, 0.15, 0.2, 0.25, 0.3, 1 / 3, 0.05]
RATIOS = [32, 10, 16.0, 50, 4]


def stlr(t: int, T: int, lr_max: float, cut_frac: float = 0.1, ratio: float = 32, floor: bool = False) -> float:
    """Equation 3 of Howard and Ruder (2018); `floor` keeps p >= 0 where T * cut_frac is fractional."""
    cut = math.floor(T * cut_frac)
    p = t / cut if t < cut else 1 - (t - cut) / (cut * (1 / cut_frac - 1))
    return lr_max * (1 + (max(p, 0.0) if floor else p) * (ratio - 1)) / ratio


def stlr_case(rng: random.Random, where: str) -> dict:
    cut_frac = rng.choice(CUT_FRACS)
    T = rng.randint(int(2 / cut_frac) + 1, 5000)
    cut = math.floor(T * cut_frac)
    t = {"warmup": rng.choice([0, cut, rng.randint(0, cut)]), "decay": rng.choice([T, rng.randint(cut, T)])}[where]
    return {"t": t, "T": T, "lr_max": 10 ** rng.uniform(-5, -1), "cut_frac": cut_frac,
            "ratio": rng.choice(RATIOS), "keywords": rng.random() < 0.5}


def judge_rates(got: dict, cases: list[dict], defaults: bool = False) -> None:
    for case, value, kind in zip(cases, got["values"], got["types"]):
        args = {k: case[k] for k in ("t", "T", "lr_max")} | ({} if defaults else
                                                               {k: case[k] for k in ("cut_frac", "ratio")})
        call = f"slanted_triangular_lr({', '.join(f'{k}={v:.4g}' if isinstance(v, float) else f'{k}={v}' for k, v in args.items())})"
        expect(kind == "float", f"{call} returned a {kind}: return a Python float")
        literal, floored = stlr(**args), stlr(**args, floor=True)
        expect(any(abs(value - w) <= 1e-9 * abs(w) for w in (literal, floored)),
               f"{call} = {value!r} is wrong")


# ------------------------------------------------------------------------------------------ probes


def probe_stlr(ns, cases, defaults):
    f = ns["slanted_triangular_lr"]
    values = []
    for c in cases:
        if defaults:
            values.append(f(c["t"], c["T"], c["lr_max"]))
        elif c["keywords"]:
            values.append(f(c["t"], c["T"], c["lr_max"], cut_frac=c["cut_frac"], ratio=c["ratio"]))
        else:
            values.append(f(c["t"], c["T"], c["lr_max"], c["cut_frac"], c["ratio"]))
    return {"values": values, "types": [type(v).__name__ for v in values]}


def make_groups(kinds, module_list):
    import torch

    groups = [torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.LayerNorm(4)) if kind == "seq"
              else torch.nn.Linear(4, 4) for kind in kinds]
    return torch.nn.ModuleList(groups).double() if module_list else [g.double() for g in groups]


@uses(make_groups)
def probe_groups(ns, kinds, module_list, lr, factor):
    import torch

    groups = make_groups(kinds, module_list)
    f = ns["discriminative_param_groups"]
    result = f(groups, lr) if factor is None else f(groups, lr, factor)
    described = []
    for g in (result if isinstance(result, list) else []):
        if not isinstance(g, dict):
            described.append({"dict": False})
            continue
        params = list(g.get("params", []))
        owners = [next((i for i, m in enumerate(groups) if any(p is q for q in m.parameters())), -1) for p in params]
        described.append({"dict": True, "keys": sorted(map(str, g)), "lr": g.get("lr"),
                          "lr_type": type(g.get("lr")).__name__, "owners": owners,
                          "counts": [sum(1 for _ in m.parameters()) for m in groups]})
    return {"type": type(result).__name__, "groups": described}


@uses(make_groups)
def probe_sgd_step(ns, kinds, module_list, lr, factor):
    import torch

    groups = make_groups(kinds, module_list)
    f = ns["discriminative_param_groups"]
    before = [[p.detach().clone() for p in m.parameters()] for m in groups]
    opt = torch.optim.SGD(f(groups, lr) if factor is None else f(groups, lr, factor), lr=1.0)
    for p in (q for m in groups for q in m.parameters()):
        p.grad = torch.ones_like(p)
    opt.step()
    return [[(b - p.detach()).mean().item() for p, b in zip(m.parameters(), bs)] for m, bs in zip(groups, before)]


@uses(make_groups)
def probe_unfreeze(ns, kinds, module_list, start, stages):
    groups = make_groups(kinds, module_list)
    for g, flags in zip(groups, start):
        for p, flag in zip(g.parameters(), flags):
            p.requires_grad = flag
    seen = []
    for s in stages:
        ns["gradual_unfreeze"](groups, s)
        seen.append([[p.requires_grad for p in g.parameters()] for g in groups])
    return seen


# ------------------------------------------------------------------------------------------ slanted triangular


@check("slanted_triangular_lr_warmup")
def slanted_triangular_lr_warmup(student: Student, rng: random.Random) -> None:
    """slanted_triangular_lr while the rate rises (t <= cut): from lr_max / ratio up to lr_max, a float."""
    cases = [stlr_case(rng, "warmup") for _ in range(60)]
    judge_rates(student.run(probe_stlr, cases=cases, defaults=False), cases)


@check("slanted_triangular_lr_decay")
def slanted_triangular_lr_decay(student: Student, rng: random.Random) -> None:
    """slanted_triangular_lr while the rate decays (cut <= t <= T), eq. 3 literally or with p floored at 0."""
    cases = [stlr_case(rng, "decay") for _ in range(60)]
    judge_rates(student.run(probe_stlr, cases=cases, defaults=False), cases)


@check("slanted_triangular_lr_defaults")
def slanted_triangular_lr_defaults(student: Student, rng: random.Random) -> None:
    """slanted_triangular_lr with its defaults: cut_frac = 0.1 and ratio = 32."""
    cases = []
    for _ in range(40):
        T = rng.randint(20, 3000)
        cases.append({"t": rng.randint(0, T), "T": T, "lr_max": rng.uniform(1e-4, 1e-2), "keywords": False})
    judge_rates(student.run(probe_stlr, cases=cases, defaults=True), cases, defaults=True)


# ------------------------------------------------------------------------------------------ discriminative


def groups_case(rng: random.Random) -> dict:
    n = rng.randint(2, 6)
    return {"kinds": [rng.choice(["linear", "seq"]) for _ in range(n)], "module_list": rng.random() < 0.5,
            "lr": 10 ** rng.uniform(-5, -1), "factor": rng.choice([None, 2.0, 3.0, 1.5, 4.0])}


def expected_rates(case: dict) -> list[float]:
    factor, n = case["factor"] or 2.6, len(case["kinds"])
    return [case["lr"] / factor ** (n - 1 - i) for i in range(n)]


def described_groups(got: dict, case: dict) -> list[dict]:
    n = len(case["kinds"])
    expect(got["type"] == "list", f"discriminative_param_groups returned a {got['type']}: return a list")
    expect(len(got["groups"]) == n, f"{n} layer groups need {n} parameter groups, got {len(got['groups'])}")
    expect(all(g["dict"] and {"params", "lr"} <= set(g["keys"]) for g in got["groups"]),
           'each parameter group is a dict with "params" and "lr"')
    return got["groups"]


@check("discriminative_param_groups_rates")
def discriminative_param_groups_rates(student: Student, rng: random.Random) -> None:
    """discriminative_param_groups: the top group gets lr, each group below lr / factor more (floats)."""
    for _ in range(6):
        case = groups_case(rng)
        groups = described_groups(student.run(probe_groups, **case), case)
        for i, (g, want) in enumerate(zip(groups, expected_rates(case))):
            expect(g["lr_type"] == "float", f"the lr of group {i} is a {g['lr_type']}: use a Python float")
            close(g["lr"], want, f"the lr of group {i} of {len(groups)} (factor {case['factor'] or 2.6})",
                  atol=0.0, rtol=1e-9)


@check("discriminative_param_groups_params")
def discriminative_param_groups_params(student: Student, rng: random.Random) -> None:
    """discriminative_param_groups: each group holds exactly its own module's parameters, bottom to top."""
    for _ in range(6):
        case = groups_case(rng)
        groups = described_groups(student.run(probe_groups, **case), case)
        for i, g in enumerate(groups):
            expect(g["owners"] == [i] * g["counts"][i],
                   f"group {i} must hold the parameters of layer group {i} (its module.parameters())")


@check("discriminative_param_groups_optimiser")
def discriminative_param_groups_optimiser(student: Student, rng: random.Random) -> None:
    """discriminative_param_groups drive a real SGD step: each group's parameters move by its own rate."""
    for _ in range(4):
        case = groups_case(rng)
        steps = student.run(probe_sgd_step, **case)
        expect(isinstance(steps, list) and len(steps) == len(case["kinds"]), "one SGD step moved the wrong groups")
        for i, (moved, want) in enumerate(zip(steps, expected_rates(case))):
            for delta in moved:
                close(delta, want, f"one SGD step (gradient 1) of group {i}", atol=0.0, rtol=1e-6)


# ------------------------------------------------------------------------------------------ gradual unfreezing


def unfreeze_case(rng: random.Random, shuffled: bool) -> dict:
    n = rng.randint(1, 7)
    kinds = [rng.choice(["linear", "seq"]) for _ in range(n)]
    start = [[rng.random() < 0.5 for _ in range(4 if k == "seq" else 2)] for k in kinds]
    stages = list(range(n + 2))
    if shuffled:
        rng.shuffle(stages)
    return {"kinds": kinds, "module_list": rng.random() < 0.5, "start": start, "stages": stages}


def judge_unfreeze(seen: list, case: dict) -> None:
    n = len(case["kinds"])
    for s, flags in zip(case["stages"], seen):
        for i, group in enumerate(flags):
            want = i >= n - 1 - s
            expect(all(f is want for f in group),
                   f"{n} groups, stage {s}: group {i} (0 = bottom) must {'train' if want else 'be frozen'}")


@check("gradual_unfreeze_stages")
def gradual_unfreeze_stages(student: Student, rng: random.Random) -> None:
    """gradual_unfreeze, stage after stage from a random state: the top s + 1 groups train, the rest is frozen."""
    for _ in range(5):
        case = unfreeze_case(rng, shuffled=False)
        judge_unfreeze(student.run(probe_unfreeze, **case), case)


@check("gradual_unfreeze_any_order")
def gradual_unfreeze_any_order(student: Student, rng: random.Random) -> None:
    """gradual_unfreeze in any order of stages and past the last one: the state depends on the stage alone."""
    for _ in range(5):
        case = unfreeze_case(rng, shuffled=True)
        judge_unfreeze(student.run(probe_unfreeze, **case), case)
