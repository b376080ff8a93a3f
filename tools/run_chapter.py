"""Execute one MyST-markdown chapter outside the book build and report each cell's time,
errors and anything written to stderr (the build would fail on either)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from myst_nb.core.read import read_myst_markdown_notebook
from nbclient import NotebookClient


def cell_timeout() -> int:
    """The book build's limit per cell (execute.timeout in _config.yml), so that a run here stops
    where the build would."""
    import yaml
    config = yaml.safe_load((Path(__file__).resolve().parents[1] / "_config.yml").read_text())
    return int(config["execute"]["timeout"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("chapter", type=Path, help="a book/<name>.md MyST notebook")
    parser.add_argument("--save", type=Path, help="write the executed notebook here (.ipynb)")
    args = parser.parse_args()
    if not args.chapter.is_file():
        parser.error(f"{args.chapter} does not exist")
    nb = read_myst_markdown_notebook(args.chapter.read_text())
    client = NotebookClient(nb, timeout=cell_timeout(), kernel_name="python3", resources={"metadata": {"path": str(args.chapter.parent)}})
    start, problems = time.perf_counter(), 0
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            t0 = time.perf_counter()
            try:
                client.execute_cell(cell, index)
            except Exception as error:  # report and stop, like the build would
                print(f"cell {index}: ERROR {type(error).__name__}: {str(error)[-2000:]}")
                return 1
            for out in cell.outputs:
                if out.get("name") == "stderr":
                    problems += 1
                    print(f"cell {index}: stderr: {out['text'][-500:]!r}")
            print(f"cell {index}: {time.perf_counter() - t0:6.1f} s  {cell.source.splitlines()[0][:70] if cell.source else ''}")
    print(f"total {time.perf_counter() - start:.1f} s, {problems} cells with stderr")
    if args.save:
        nbformat.write(nb, args.save)
    return 0


if __name__ == "__main__":
    sys.exit(main())
