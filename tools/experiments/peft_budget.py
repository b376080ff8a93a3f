"""Twice the budget for the PEFT methods still improving in the comparison's last epoch (book/peft.md):
seed 0 at each method's chosen rate, 2 x EPOCHS epochs (the same warm-up and decay, stretched), written to
book/data/peft_budget.json. Does a longer run change the comparison?

    PYTHONPATH=$PWD nice -n 10 python tools/experiments/peft_budget.py METHOD ... [--seeds 1]
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from llmcourse.peft_experiment import EPOCHS, load_headlines, run

DATA = Path(__file__).resolve().parents[2] / "book" / "data"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("methods", nargs="+")
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--factor", type=int, default=2, help="epochs = factor x the comparison's")
    parser.add_argument("--out", type=Path, default=DATA / "peft_budget.json")
    args = parser.parse_args()
    torch.set_num_threads(1)
    chosen = json.loads((DATA / "peft_sweep.json").read_text())["chosen"]
    saved = json.loads(args.out.read_text()) if args.out.exists() else {"runs": []}
    h = load_headlines()
    for name in args.methods:
        for seed in range(args.seeds):
            key = (name, chosen[name]["lr"], seed, args.factor * EPOCHS)
            if any((r["method"], r["lr"], r["seed"], r["epochs"]) == key for r in saved["runs"]):
                continue
            _, record = run(h, name, chosen[name]["lr"], seed, epochs=args.factor * EPOCHS, progress=False)
            saved["runs"].append(record)
            saved.update(epochs=EPOCHS, torch=torch.__version__, threads=1)
            args.out.write_text(json.dumps(saved, indent=1))
            print(name, seed, "val", [round(v, 3) for v in record["val_accuracy"]],
                  "test", round(record["test_accuracy"], 3), flush=True)


if __name__ == "__main__":
    main()
