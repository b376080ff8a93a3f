"""Sample-efficiency sweep of the ULMFiT chapter: test error of ULMFiT and of the same classifier
from scratch, for several labelled-set sizes and seeds, plus ablations and a linear probe of the
frozen features. Writes book/data/ulmfit_sweep.json (merged from one part per seed).

    PYTHONPATH=$PWD nice -n 10 python tools/experiments/ulmfit_sweep.py --seed 0   # one part
    PYTHONPATH=$PWD python tools/experiments/ulmfit_sweep.py --merge               # the JSON

The language models are trained once (seed 0), exactly as in the chapter; the seeds vary the
labelled subset, the classifier's initialisation and its dropout."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

from llmcourse import ulmfit_experiment as ex

OUT = Path(__file__).resolve().parents[2] / "book" / "data" / "ulmfit_sweep.json"
SIZES = [50, 100, 200, 500, None]          # None: the whole training split
ABLATION_N = 200
ABLATIONS = {"no target-task LM fine-tuning": dict(state="general"),
             "no gradual unfreezing": dict(gradual=False),
             "no discriminative rates": dict(discriminative=False),
             "no gradual unfreezing, no discriminative rates": dict(gradual=False, discriminative=False),
             "no STLR (constant rate)": dict(stlr=False)}


def run_seed(seed: int, general_steps: int | None, data=None, lms=None) -> dict:
    torch.set_num_threads(1)
    data = data or ex.prepare()
    start = time.perf_counter()
    lms = lms or ex.pretrain(data, general_steps=general_steps)
    sizes = [n or len(data.x_train) for n in SIZES]
    out = {"seed": seed, "general_steps": general_steps or ex.CONFIG["general_steps"], "sizes": sizes,
           "perplexity": {k: lms[f"ppl_{k}"] for k in ("random", "general", "target")},
           "error": {"from scratch": {}, "ULMFiT": {}}, "ablation": {}, "probe": {}}
    for n in sizes:
        out["error"]["from scratch"][n] = ex.classify(data, n, None, seed)
        out["error"]["ULMFiT"][n] = ex.classify(data, n, lms["target"], seed)
        print(seed, n, out["error"]["from scratch"][n], out["error"]["ULMFiT"][n], flush=True)
    for name, kw in ABLATIONS.items():
        kw = dict(kw)
        state = lms[kw.pop("state", "target")]
        out["ablation"][name] = ex.classify(data, ABLATION_N, state, seed, **kw)
    for name, state in (("random encoder", None), ("after stage 1", lms["general"]), ("after stage 2", lms["target"])):
        f_train, f_test = (ex.pooled_features(data, state, x) for x in (data.x_train, data.x_test))
        out["probe"][name] = {n: ex.probe_error(f_train, data.y_train, f_test, data.y_test, n, seed) for n in sizes}
    out["seconds"] = time.perf_counter() - start
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, nargs="+", help="one part per seed, sharing the LMs")
    parser.add_argument("--general-steps", type=int, default=None, help="stage-1 steps (default: the chapter's)")
    parser.add_argument("--merge", action="store_true", help="merge the parts into one JSON")
    args = parser.parse_args()
    parts = OUT.parent / "ulmfit_parts"
    if args.merge:
        runs = [json.loads(p.read_text()) for p in sorted(parts.glob("*.json"))]
        OUT.write_text(json.dumps({"command": "tools/experiments/ulmfit_sweep.py", "config": ex.CONFIG,
                                   "runs": runs}, indent=1))
        print(f"wrote {OUT} from {len(runs)} runs")
        return
    parts.mkdir(parents=True, exist_ok=True)
    data = ex.prepare()
    lms = ex.pretrain(data, general_steps=args.general_steps)
    for seed in args.seed:
        result = run_seed(seed, args.general_steps, data, lms)
        (parts / f"steps{result['general_steps']}_seed{seed}.json").write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
