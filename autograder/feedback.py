"""Keep hidden tests out of the feedback reports that `nbgrader generate_feedback` writes.

nbgrader copies the hidden tests back into every graded notebook, so by default they reach the
student's HTML report (nbgrader issues #917, #1363). `HideHiddenTests`, added to
`GenerateFeedback.preprocessors`, replaces each hidden region of a test cell by one placeholder
line and cuts the tracebacks of those cells (which quote the hidden lines) down to `ename: evalue`.
"""
from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Unicode

BEGIN, END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
REMOVED = "[a line of a hidden test was removed]"


def redact_hidden(source: str, placeholder: str) -> tuple[str, list[str]]:
    """(source with each BEGIN..END hidden region replaced by `placeholder`, the hidden lines).

    A region whose END marker is missing runs to the end of the cell.
    """
    kept, hidden, inside = [], [], False
    for line in source.splitlines():
        if not inside and line.strip() == BEGIN:
            inside = True
            kept.append(line[: len(line) - len(line.lstrip())] + placeholder)
        elif inside:
            if line.strip() == END:
                inside = False
            else:
                hidden.append(line)
        else:
            kept.append(line)
    return "\n".join(kept), hidden


def scrub_text(text: str, hidden: list[str]) -> str:
    """`text` with every line that quotes a hidden line (4+ characters, stripped) replaced."""
    needles = {h.strip() for h in hidden if len(h.strip()) >= 4}
    if not needles:
        return text
    lines = text.split("\n")
    return "\n".join(REMOVED if any(n in line for n in needles) else line for line in lines)


class HideHiddenTests(Preprocessor):
    """Feedback without hidden tests: placeholder for their code, `ename: evalue` for their errors."""

    enabled = Bool(True, help="nbconvert runs a preprocessor only when it is enabled.").tag(config=True)
    placeholder = Unicode(
        "# (hidden tests: not shown; the score is above, the error message below)",
        help="The one line that replaces a hidden-test region in the feedback.").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type != "code" or meta.get("solution") or BEGIN not in cell.source:
            return cell, resources  # a student's own cell is shown exactly as written
        cell.source, hidden = redact_hidden(cell.source, self.placeholder)
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                # a traceback quotes the failing hidden line; the exception's name and message do not
                out["traceback"] = [f"{out.get('ename', 'Error')}: {scrub_text(out.get('evalue', ''), hidden)}"]
                out["evalue"] = scrub_text(out.get("evalue", ""), hidden)
            elif out.get("output_type") == "stream":
                out["text"] = scrub_text(out.get("text", ""), hidden)  # e.g. a warning quoting its line
            elif "data" in out:
                for mime in ("text/plain", "text/html", "text/markdown", "text/latex"):
                    if mime in out["data"] and isinstance(out["data"][mime], str):
                        out["data"][mime] = scrub_text(out["data"][mime], hidden)
        return cell, resources
