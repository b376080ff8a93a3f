"""No solution line and no hidden-test line reaches exercises/ or the built book (_build/html).

Hidden tests are the checks in autograder/hidden/<id>.py (their probes are public by design and excluded)."""
import html
import json
import re

import nbformat
import pytest

import grading

ASSIGNMENTS = grading.assignments()
BUILD = grading.ROOT / "_build" / "html"


def _regions(source: str, begin: str, end: str) -> list[str]:
    lines, inside = [], False
    for line in source.splitlines():
        if line.strip() == begin:
            inside = True
        elif line.strip() == end:
            inside = False
        elif inside:
            lines.append(line)
    return lines


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _split(assignment: str) -> tuple[set[str], set[str]]:
    """(lines inside solution / hidden-test regions, lines outside them) of one master."""
    nb = nbformat.read(grading.source_path(assignment), as_version=4)
    secret, public = set(), set()
    for cell in nb.cells:
        inside = set(_regions(cell.source, *grading.SOLUTION_MARKERS)) | set(
            _regions(cell.source, *grading.HIDDEN_MARKERS))
        secret |= {_norm(x) for x in inside}
        public |= {_norm(x) for x in cell.source.splitlines() if x not in inside}
    return secret, public


def hidden_check_lines(assignment: str) -> set[str]:
    """Lines of autograder/hidden/<assignment>.py outside its probes (and the probes' helpers)."""
    from judge import checks

    registered = checks.load(assignment, grading.AUTOGRADER / "hidden")
    if not registered:
        return set()
    public = set()
    for value in next(iter(registered.values())).__globals__.values():
        if callable(value) and getattr(value, "__name__", "").startswith("probe"):
            public |= {_norm(line) for line in checks.probe_source(value).splitlines()}
    path = grading.AUTOGRADER / "hidden" / f"{assignment}.py"
    lines = {_norm(line) for line in path.read_text().splitlines()}
    return {line for line in lines - public if not line.startswith(("import ", "from ", "#"))}  # imports are no secret


# Lines a hidden check shares with any PyTorch program: the book teaches them (the meta device is its parameter-count
# oracle), so finding them there says nothing about the checks. Kept short on purpose: every entry is an idiom.
IDIOMS = {'with torch.device("meta"):', "for name, p in model.named_parameters():"}


def secret_lines(assignment: str) -> set[str]:
    """Lines of a master's solution regions and of its hidden checks that no master shows outside them."""
    public = set().union(*(_split(a)[1] for a in grading.all_assignments()))
    secret = _split(assignment)[0] | hidden_check_lines(assignment)
    shown = "\n".join(public)
    secret = {line for line in secret if line not in shown}  # a part of a line the masters show is not secret
    # a line too short to be an answer on its own ("return n", ")") proves nothing
    return {s for s in secret - public - IDIOMS if len(s) >= 12 and re.search(r"[A-Za-z0-9]", s)}


def readable_text(path) -> str:
    """What a reader of the file sees: notebook sources and outputs, HTML without tags, or the raw text."""
    raw = path.read_text(errors="replace")
    if path.suffix == ".ipynb":
        try:
            nb = json.loads(raw)
            parts = ["".join(c.get("source", "")) if isinstance(c.get("source"), list) else c.get("source", "")
                     for c in nb.get("cells", [])]
            parts += [json.dumps(c.get("outputs", [])) for c in nb.get("cells", [])]
            return raw + "\n" + "\n".join(parts)
        except ValueError:
            return raw
    if path.suffix in (".html", ".htm", ".xml"):
        return raw + "\n" + html.unescape(re.sub(r"<[^>]+>", "", raw))
    return raw


def leaks(folder, secrets: set[str]) -> dict[str, list[str]]:
    found = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix not in (".ipynb", ".html", ".htm", ".txt", ".md", ".py", ".js",
                                                     ".json", ".xml", ".tex"):
            continue
        text = _norm(readable_text(path))
        hits = sorted(s for s in secrets if s in text)
        if hits:
            found[str(path.relative_to(grading.ROOT))] = hits[:3]
    return found


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_detector_sees_the_master(assignment):
    secrets = secret_lines(assignment)
    assert len(secrets) >= 5, f"{assignment}: only {len(secrets)} secret lines found: are the markers there?"
    assert leaks(grading.SOLUTIONS / assignment, secrets), "the leak detector misses lines in the master itself"
    hidden = hidden_check_lines(assignment) & secrets
    assert len(hidden) >= 10, f"{assignment}: only {len(hidden)} lines of its hidden checks are watched"
    assert leaks(grading.AUTOGRADER / "hidden", hidden), "the leak detector misses lines of the hidden checks"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_secret_in_exercises(assignment):
    secrets = secret_lines(assignment)
    found = leaks(grading.EXERCISES, secrets)
    assert not found, f"solution or hidden-test lines of {assignment} in exercises/: {found}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_secret_in_built_book(assignment):
    if not BUILD.exists():
        pytest.skip("the book is not built: `make test` builds it first, so this runs there")
    secrets = secret_lines(assignment)
    found = leaks(BUILD, secrets)
    assert not found, f"solution or hidden-test lines of {assignment} in the built book: {found}"
    copied = [str(p) for p in BUILD.rglob("*") if "solutions" in p.relative_to(BUILD).parts]
    assert not copied, f"the built book holds files from solutions/: {copied[:5]}"
