"""The checks of book/ulmfit.md that take longer than a chapter may: ablations with every labelled
example, a classifier learning-rate search on validation for ULMFiT and for the scratch baseline,
a longer training budget, and learning curves; written to book/data/ulmfit_sweep.json.

    PYTHONPATH=$PWD nice -n 19 python tools/experiments/ulmfit_sweep.py

Every run is the chapter's ``llmcourse.ulmfit_experiment.run`` on one torch thread (the chapter's
setting, so a run here and the same run in the chapter give the same numbers), after the chapter's
stages 1 and 2 (``pretrain``, seed 0). Parts, in this order (a re-run skips the runs already saved):

1. ``ablation``: every configuration of CONFIGS on the whole training split, the chapter's rate and
   budget, seeds 0-2, with a learning curve (error on 400 of the training examples and on the
   validation split every 10 steps).
2. ``lr``: for each of SEARCHED, on the whole training split and on 100 examples, the rates of
   GRID with seeds 0-2; the rate with the lowest mean validation error is chosen, and if it is on
   the edge of the grid the grid widens by a factor of 3 that way (at most twice).
3. ``curve``: "pre-trained, no tricks" at the chapter's smaller label counts, seeds 0-2 (the
   chapter runs ULMFiT and scratch there itself).
4. ``budget``: each of SEARCHED at its chosen full-data rate with three times the chapter's budget,
   with learning curves.

The test split is evaluated for every run and never used to choose anything.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import torch

from llmcourse import ulmfit_experiment as ex

OUT = Path(__file__).resolve().parents[2] / "book" / "data" / "ulmfit_sweep.json"
SEEDS = (0, 1, 2)
GRID = (1e-3, 3e-3, 1e-2, 3e-2)
# name: (encoder after which LM stage, or None for a random one; switches of train_classifier)
CONFIGS = {
    "from scratch": (None, {}),
    "ULMFiT": ("target", {}),
    "no target-task LM fine-tuning": ("general", {}),
    "no gradual unfreezing": ("target", dict(gradual=False)),
    "no discriminative rates": ("target", dict(discriminative=False)),
    "no STLR (constant rate)": ("target", dict(stlr=False)),
    "pre-trained, no tricks": ("target", dict(gradual=False, discriminative=False)),
    "random init, ULMFiT's tricks": (None, dict(gradual=True, discriminative=True)),
}
SEARCHED = ("from scratch", "ULMFiT", "pre-trained, no tricks")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--parts", nargs="*", default=["ablation", "lr", "curve", "budget"])
    parser.add_argument("--configs", nargs="*", default=list(SEARCHED), help="what lr and budget run")
    parser.add_argument("--merge", nargs="*", type=Path, default=[],
                        help="instead of running, merge these outputs of parallel runs into --out")
    parser.add_argument("--lm-cache", type=Path, default=Path("/tmp/ulmfit_sweep_lms.pt"),
                        help="stages 1 and 2 are saved here and re-used by a re-run")
    args = parser.parse_args()
    if args.merge:
        parts = [json.loads(p.read_text()) for p in args.merge]
        runs, seen = [], set()
        for r in (r for p in parts for r in p["runs"]):
            k = (r["config"], r["n"], r["lr"], r["steps"], r["seed"])
            if k not in seen:
                seen.add(k)
                runs.append(r)
        merged = {**parts[0], "runs": runs, "chosen": {k: v for p in parts for k, v in p["chosen"].items()}}
        args.out.write_text(json.dumps(merged, indent=1))
        return
    torch.set_num_threads(1)
    saved = json.loads(args.out.read_text()) if args.out.exists() else {"runs": [], "chosen": {}}
    runs, chosen = saved["runs"], saved["chosen"]
    # a run is a configuration, size, rate, budget and seed, whichever part asked for it first
    key = lambda r: (r["config"], r["n"], r["lr"], r["steps"], r["seed"])  # noqa: E731
    done = {key(r) for r in runs}
    data = ex.prepare()
    full = len(data.x_train)
    if args.lm_cache.exists():
        lms = torch.load(args.lm_cache)
    else:
        cpu, wall = time.process_time(), time.perf_counter()
        lms = ex.pretrain(data)
        lms["cpu_seconds"], lms["wall_seconds"] = time.process_time() - cpu, time.perf_counter() - wall
        torch.save(lms, args.lm_cache)
    saved["lm"] = {k: float(lms[k]) for k in ("ppl_random", "ppl_general", "ppl_target", "cpu_seconds",
                                                "wall_seconds")}

    def save() -> None:
        saved.update(runs=runs, chosen=chosen, config=ex.CONFIG, seeds=list(SEEDS), grid=list(GRID),
                     torch=torch.__version__, python=platform.python_version(), threads=1,
                     command="PYTHONPATH=$PWD nice -n 19 python tools/experiments/ulmfit_sweep.py")
        args.out.write_text(json.dumps(saved, indent=1))

    def once(part: str, config: str, n: int, seed: int, lr: float | None = None,
             steps: int | None = None) -> dict:
        lr, steps = lr or ex.CONFIG["clf_lr"], steps or ex.CONFIG["clf_steps"]
        k = (config, n, lr, steps, seed)
        if k not in done:
            stage, tricks = CONFIGS[config]
            cpu, wall = time.process_time(), time.perf_counter()
            rec = ex.run(data, n, lms[stage] if stage else None, seed, lr=lr, steps=steps,
                         record_every=10 if n == full and part != "lr" else 0, **tricks)
            rec |= dict(part=part, config=config, cpu_seconds=time.process_time() - cpu,
                        wall_seconds=time.perf_counter() - wall,
                        step_loss=[round(v, 4) for v in rec["step_loss"]])
            runs.append(rec)
            done.add(k)
            save()
            print(f"{part:>8} {config:>30} n {n:4d} lr {lr:<6g} steps {steps} seed {seed}: val "
                  f"{rec['val_error']:.3f} test {rec['test_error']:.3f} ({rec['cpu_seconds']:.1f} s cpu)",
                  flush=True)
        return next(r for r in runs if key(r) == k)

    def mean_val(config: str, n: int, lr: float) -> float:
        return sum(once("lr", config, n, s, lr)["val_error"] for s in SEEDS) / len(SEEDS)

    save()
    if "ablation" in args.parts:
        for config in CONFIGS:
            for seed in SEEDS:
                once("ablation", config, full, seed)
    if "lr" in args.parts:
        for n in (full, 100):
            for config in args.configs:
                grid = list(GRID)
                for _ in range(2):
                    best = min(grid, key=lambda lr: (mean_val(config, n, lr), lr))
                    if best == grid[0]:
                        grid.insert(0, float(f"{best / 3:.0e}"))
                    elif best == grid[-1]:
                        grid.append(float(f"{best * 3:.0e}"))
                    else:
                        break
                best = min(grid, key=lambda lr: (mean_val(config, n, lr), lr))
                chosen[f"{config}|{n}"] = {"lr": best, "grid": grid}
                save()
    if "curve" in args.parts:
        for n in (50, 100, 200):
            for seed in SEEDS:
                once("curve", "pre-trained, no tricks", n, seed)
    if "budget" in args.parts:
        for config in args.configs:
            lr = chosen[f"{config}|{full}"]["lr"]
            for seed in SEEDS:
                once("budget", config, full, seed, lr, 3 * ex.CONFIG["clf_steps"])


if __name__ == "__main__":
    main()
