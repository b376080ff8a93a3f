"""What an instructor and a student read after grading: a CSV, a readable summary, the not-graded pages."""
from __future__ import annotations

import csv
import html
import json
import re
import statistics
from pathlib import Path

from .intake import StudentReport


def notebook_errors(path: Path) -> str:
    """The errors a graded notebook records, as '<cell>: <Error>: <message>' (first 300 characters)."""
    try:
        nb = json.loads(path.read_text())
    except (OSError, ValueError):
        return ""
    found = []
    for i, cell in enumerate(nb.get("cells", [])):
        for out in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            if out.get("output_type") == "error":
                name = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") or f"cell {i}"
                message = re.sub(r"0x[0-9a-fA-F]+", "0x…", str(out.get("evalue", "")))[:120]  # no addresses: reruns agree
                found.append(f"{name}: {out.get('ename', '')}: {message}")
    return "; ".join(found)[:300]


def write_csv(root: Path | str, assignment: str, reports: list[StudentReport]) -> Path:
    """grading_report_<id>.csv: one row per student (git-ignored: it holds student ids and scores)."""
    path = Path(root) / f"grading_report_{assignment}.csv"
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student", "status", "score", "max_score", "files", "note"])
        for r in reports:
            w.writerow([r.student, r.status, "" if r.score is None else r.score,
                        "" if r.max_score is None else r.max_score, ";".join(r.files), r.note])
    return path


def read_csv(root: Path | str, assignment: str) -> list[StudentReport]:
    path = Path(root) / f"grading_report_{assignment}.csv"
    with open(path, newline="") as f:
        return [StudentReport(r["student"], r["status"], float(r["score"]) if r["score"] else None,
                              float(r["max_score"]) if r["max_score"] else None,
                              [x for x in r["files"].split(";") if x], r["note"]) for r in csv.DictReader(f)]


def summary(assignment: str, reports: list[StudentReport], regraded: int | None = None,
            seconds: float | None = None) -> str:
    """The readable summary: counts, the score distribution, pass rates per test cell, what was not graded."""
    graded = [r for r in reports if r.status == "graded"]
    if all(r.status == "no submission" for r in reports):
        return (f"{assignment}: nothing to grade: no submission in submitted/<student>/{assignment}/ "
                f"(collect first: nbgrader collect {assignment}, or nbgrader zip_collect {assignment})")
    lines = [f"{assignment}: {len(graded)} graded, "
             f"{sum(r.status == 'not graded' for r in reports)} not graded, "
             f"{sum(r.status == 'no submission' for r in reports)} with no submission"
             + (f"; {regraded} notebooks (re)graded in this run" if regraded is not None else "")
             + (f" in {seconds:.0f} s" if seconds is not None and regraded else "")
             + (" (every grade was up to date)" if regraded == 0 else "")]
    if graded:
        scores = [r.score or 0.0 for r in graded]
        top = max(r.max_score or 0.0 for r in graded)
        lines.append(f"  scores out of {top:g}: mean {statistics.mean(scores):.1f}, median "
                     f"{statistics.median(scores):g}, min {min(scores):g}, max {max(scores):g}; "
                     f"full marks {sum(s == top for s in scores)}, zero {sum(s == 0 for s in scores)}")
        cells = sorted({c for r in graded for c in r.cells})
        if cells:
            lines.append("  pass rate per test cell (students who earned its points):")
            for c in cells:
                earned = [r.cells.get(c) for r in graded if c in r.cells]
                full = [x for x in earned if x is not None and x > 0]
                pending = sum(x is None for x in earned)  # written answers not yet graded by hand
                lines.append(f"    {c:32s} {len(full):4d}/{len(earned):<4d} {100 * len(full) / len(earned):5.1f}%"
                             + (f"  ({pending} to grade by hand: nbgrader formgrader)" if pending else ""))
    missing = [r for r in reports if r.status == "not graded"]
    if missing:
        lines.append("  not graded (score 0; each gets a not_graded.html page):")
        lines += [f"    {r.student}: {r.note}" for r in missing]
    flagged = [r for r in graded if "NotJudged" in r.note]
    if flagged:
        lines.append("  graded cells that could not be judged (they earned nothing for now: look at them, fix the "
                     "cause, regrade with FORCE=1):")
        lines += [f"    {r.student}: " + "; ".join(part for part in r.note.split("; ") if "NotJudged" in part)[:300]
                  for r in flagged]
    renamed = [r for r in graded if "renamed notebook" in r.note]
    if renamed:
        lines.append("  graded under another name:")
        lines += [f"    {r.student}: {r.note}" for r in renamed]
    return "\n".join(lines)


def write_not_graded_pages(root: Path | str, assignment: str, reports: list[StudentReport]) -> None:
    """feedback/<student>/<id>/not_graded.html for each student with no graded notebook (and not for others)."""
    for r in reports:
        folder = Path(root) / "feedback" / r.student / assignment
        page = folder / "not_graded.html"
        if r.status == "graded":
            page.unlink(missing_ok=True)  # graded since: the page would contradict the report
            continue
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{assignment}.html").unlink(missing_ok=True)  # an earlier report of a notebook since replaced
        received = ", ".join(r.files) or "nothing"
        page.write_text(
            f"<html><body><h1>{html.escape(assignment)}: not graded</h1>"
            f"<p>Student: {html.escape(r.student)}. Score: 0.</p>"
            f"<p>We received: {html.escape(received)}.</p>"
            f"<p>Reason: {html.escape(r.note)}.</p>"
            f"<p>What to do: hand in the notebook <code>{html.escape(assignment)}.ipynb</code> as saved by "
            "Jupyter (File, Save), not renamed, not empty; ask your instructor about a re-submission.</p>"
            "</body></html>\n")


def format_reports(assignment: str, reports: list[StudentReport]) -> str:
    lines = [f"{assignment}:"]
    for r in reports:
        score = "-" if r.score is None else f"{r.score:g}" + (f"/{r.max_score:g}" if r.max_score else "")
        lines.append(f"  {r.student:6s} {r.status:14s} {score:>9s}  {r.note}")
    return "\n".join(lines)
