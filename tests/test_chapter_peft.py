"""The PEFT chapter's reading rules: code fits 88 columns, both exercises are linked, every
figure has alt text, the sweep file it loads is valid, and no authoring words reach students."""

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = (ROOT / "book" / "peft.md").read_text()


def code_lines():
    for cell in re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", CHAPTER, flags=re.S):
        yield from (line for line in cell.splitlines() if not line.startswith(":"))


def test_code_fits_88_columns():
    long = [line for line in code_lines() if len(line) > 88]
    assert not long, f"{len(long)} code lines over 88 columns, e.g. {long[0]!r}"


def test_links_both_exercises_and_has_goals_summary_questions():
    for needle in ["{doc}`/exercises/adapters/adapters`", "{doc}`/exercises/lora/lora`",
                   "Learning goals", "Prerequisites", "## Summary", "## Check your understanding"]:
        assert needle in CHAPTER, needle


def test_every_figure_cell_has_alt_text_and_a_caption():
    figures = re.findall(r"```\{code-cell\}[^\n]*\n((?::[^\n]*\n)+)figures\.", CHAPTER)
    assert len(figures) >= 3
    for meta in figures:
        assert "alt:" in meta and "caption:" in meta, meta


def test_no_authoring_words():
    for word in ["seed prompt", "course brief", "the brief", "printed above", "see above"]:
        assert word not in CHAPTER.lower(), word


def test_sweep_file_has_what_the_chapter_reads():
    sweep = json.loads((ROOT / "book" / "data" / "peft_sweep.json").read_text())
    assert sweep["runs"] and sweep["epochs"] >= 1
    for run in sweep["runs"]:
        assert len(run["val_accuracy"]) == run["epochs"] == len(run["val_loss"])
        assert 0 <= run["test_accuracy"] <= 1 and run["lr"] > 0 and run["step_loss"]
    for name, choice in sweep["chosen"].items():
        seed0 = {r["lr"]: r for r in sweep["runs"] if r["method"] == name and r["seed"] == 0}
        assert set(choice["grid"]) <= set(seed0), name       # every rate of the grid was run
        best = max(seed0.values(), key=lambda r: (r["val_accuracy"][-1], -r["val_loss"][-1]))
        assert choice["lr"] == best["lr"], name              # chosen on validation, not test
