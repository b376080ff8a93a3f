"""The PEFT comparison of book/peft.md: a learning-rate search per method on the validation split,
then several seeds at the chosen rate, written to book/data/peft_sweep.json.

    PYTHONPATH=$PWD nice -n 10 python tools/experiments/peft_sweep.py [--seeds 3]

Protocol (the same for every method): AdamW, batch 32, EPOCHS epochs with 10% warm-up and linear
decay (llmcourse.peft_experiment). Seed 0 is trained at every rate of the method's grid; the rate with
the best final validation accuracy (ties: lower validation loss) is chosen, and if it lies on the
edge of the grid the grid is widened by a factor of 3 in that direction (at most twice). Seeds
1, 2, ... then train at the chosen rate. The test split is evaluated for every run but never used
to choose anything. Results are saved after every run, and a re-run skips the runs already saved;
``--rerun NAME ...`` first drops the saved runs of methods whose code has changed. The file's
"stale" entry names methods whose saved runs an earlier version of the library made (and why
they were kept); ``--rerun`` of such a method removes its entry.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import torch

from llmcourse.peft_experiment import EPOCHS, METHODS, load_headlines, run

OUT = Path(__file__).resolve().parents[2] / "book" / "data" / "peft_sweep.json"


def score(rec: dict) -> tuple[float, float]:
    return rec["val_accuracy"][-1], -rec["val_loss"][-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--methods", nargs="*", default=list(METHODS))
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--rerun", nargs="*", default=[],
                        help="drop the saved runs (and choice) of these methods, then run them again")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: PyTorch's default)")
    parser.add_argument("--merge", nargs="*", type=Path, default=[],
                        help="instead of running, merge these outputs of parallel runs into --out")
    args = parser.parse_args()
    if args.merge:
        parts = [json.loads(p.read_text()) for p in args.merge]
        merged = {**parts[0], "runs": [r for p in parts for r in p["runs"]],
                  "chosen": {k: v for p in parts for k, v in p["chosen"].items()}}
        args.out.write_text(json.dumps(merged, indent=1))
        return
    if args.threads:
        torch.set_num_threads(args.threads)
    saved = json.loads(args.out.read_text()) if args.out.exists() else {"runs": []}
    runs = [r for r in saved["runs"] if r["method"] not in args.rerun]
    done = {(r["method"], r["lr"], r["seed"]) for r in runs}
    h = load_headlines()

    def once(name: str, lr: float, seed: int) -> dict:
        if (name, lr, seed) not in done:
            start = time.perf_counter()
            _, rec = run(h, name, lr, seed, progress=False)
            rec["threads"] = torch.get_num_threads()  # summation order, so the last digits
            runs.append(rec)
            done.add((name, lr, seed))
            save()
            print(f"{name:>26} lr {lr:<7g} seed {seed}: val {rec['val_accuracy']} test "
                  f"{rec['test_accuracy']:.3f} ({time.perf_counter() - start:.0f} s)", flush=True)
        return next(r for r in runs if (r["method"], r["lr"], r["seed"]) == (name, lr, seed))

    def save() -> None:
        saved.update(runs=runs, epochs=EPOCHS, chosen=chosen, torch=torch.__version__,
                     python=platform.python_version(),
                     command="PYTHONPATH=$PWD python tools/experiments/peft_sweep.py")
        args.out.write_text(json.dumps(saved, indent=1))

    chosen = {k: v for k, v in saved.get("chosen", {}).items() if k not in args.rerun}
    saved["stale"] = {k: v for k, v in saved.get("stale", {}).items() if k not in args.rerun}
    for name in args.methods:                       # 1. the rate, on validation, seed 0
        grid = sorted(METHODS[name][1])
        for _ in range(2):
            best = max(grid, key=lambda lr: score(once(name, lr, 0)))
            if best == grid[0]:
                grid.insert(0, float(f"{best / 3:.0e}"))
            elif best == grid[-1]:
                grid.append(float(f"{best * 3:.0e}"))
            else:
                break
        best = max(grid, key=lambda lr: score(once(name, lr, 0)))
        chosen[name] = {"lr": best, "grid": grid}
        save()
        for seed in range(1, args.seeds):           # 2. more seeds at the chosen rate
            once(name, chosen[name]["lr"], seed)


if __name__ == "__main__":
    main()
