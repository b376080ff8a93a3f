"""The student kit holds no graded solution: no line a student must write (whitespace-normalised) appears in
what students receive or install: the course library (llmcourse/), the student edition's sources (book/)
and, once built, its HTML (_build/html)."""
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "autograder"))
sys.path.insert(0, str(ROOT / "autograder" / "tests"))

import grading  # noqa: E402
from test_secrets import _split, readable_text  # noqa: E402  (one detector of solution lines)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def solution_lines(assignment: str) -> set[str]:
    """Lines inside a master's solution regions, 25 characters or longer, that no master shows outside them."""
    public = set().union(*(_split(a)[1] for a in grading.all_assignments()))
    nb_secret = _split(assignment)[0]
    return {line for line in nb_secret - public if len(line) >= 25}


def kit_texts() -> dict[str, str]:
    files = sorted((ROOT / "llmcourse").rglob("*.py")) + sorted((ROOT / "book").glob("*.md"))
    html = ROOT / "_build" / "html"
    if html.exists():
        files += sorted(html.rglob("*.html"))
    return {str(p.relative_to(ROOT)): _norm(readable_text(p)) for p in files}


# Still in the kit, and why. Counting trainable parameters, `sum(p.numel() for p in model.parameters() if
# p.requires_grad)`, is PyTorch's standard idiom (its own tutorials, peft's print_trainable_parameters): the
# library's count_trainable uses it in every chapter. It is the last line of the graded apply_lora (lora) and
# mark_only_bias_trainable (adapters), whose substance (which layers to wrap, what to freeze) is not in it, so
# it is kept, deliberately, and for that reason only. The loop header over named parameters is as generic
# (book/transformers.md walks a model's parameters with it). No other adapters line: the PEFT chapter builds
# its adapters with llmcourse.adapters' AdapterLayer and Bottleneck, shaped unlike the graded HoulsbyAdapter
# and AdaptedFFN. ULMFiT has no entry: the chapter takes STLR from PyTorch and writes discriminative rates and
# gradual unfreezing inline in its training loops, so its graded functions exist only in the master. Any other
# solution line found in the kit fails the test.
TRAINABLE_COUNT = "return sum(p.numel() for p in model.parameters() if p.requires_grad)"
KNOWN = {
    "adapters": {TRAINABLE_COUNT,
                 "for name, p in model.named_parameters():"},
    "lora": {TRAINABLE_COUNT},
}


@pytest.mark.parametrize("assignment", grading.all_assignments())
def test_no_new_solution_line_in_the_student_kit(assignment):
    lines = solution_lines(assignment)
    assert len(lines) >= 3, f"{assignment}: too few solution lines to be a meaningful check"
    texts = kit_texts()
    found = {line: [name for name, text in texts.items() if line in text] for line in lines}
    found = {line: where for line, where in found.items() if where and line not in KNOWN.get(assignment, ())}
    assert not found, (f"{len(found)}/{len(lines)} solution lines of {assignment} are in the student kit: "
                       + "; ".join(f"{line!r} in {where[:2]}" for line, where in list(found.items())[:4]))
