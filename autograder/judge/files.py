"""Submissions enter the grader as regular files only, at every entry: collect, zip_collect and autograde.

A symbolic link, a hard link (a file with another name elsewhere), a device, a FIFO or socket, or a file over
`MAX_FILE_BYTES` is never read on the student's behalf: it is moved aside (autograde, zip_collect) or not
copied (collect), and each refusal is logged as one line that says what and why. Files are opened with
O_NOFOLLOW and checked on the open descriptor, so a link swapped in after the check is not followed either.
"""
from __future__ import annotations

import logging
import os
import shutil
import stat
from pathlib import Path

from nbgrader.exchange.default import ExchangeCollect
from nbgrader.plugins import ExtractorPlugin

MAX_FILE_BYTES = 20 << 20  # a notebook with its outputs is far smaller
MAX_FILES = 200  # files in one submission
REFUSED = "refused"  # folder beside submitted/ where refused entries are kept for the instructor

log = logging.getLogger("llm-grader.files")


def unsafe_name(name: str) -> str | None:
    """Why a file name is refused: nbgrader logs every name it copies, and a newline or quote in one could forge a
    line of the grader's log (such as another student's 'error processing assignment')."""
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return "a name with a control character (a newline, a tab...)"
    return None  # quotes stay allowed: LMS downloads carry names such as O'Brien, and no line starts inside one


def irregular(st: os.stat_result) -> str | None:
    """Why a file with this lstat is refused, or None for a regular file of a sane size."""
    if stat.S_ISLNK(st.st_mode):
        return "a symbolic link (never followed)"
    if stat.S_ISDIR(st.st_mode):
        return None
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file (a device, FIFO or socket)"
    if st.st_nlink > 1:
        return "a hard link to a file that also exists elsewhere"
    if st.st_size > MAX_FILE_BYTES:
        return f"{st.st_size:,} bytes (at most {MAX_FILE_BYTES:,})"
    return None


def sweep(folder: Path, aside: Path, who: str) -> list[str]:
    """Move every refused entry under `folder` to the same place under `aside`; one line per refusal."""
    folder, refusals, count = Path(folder), [], 0
    if not folder.is_dir() or folder.is_symlink():
        return refusals
    for root, dirs, files in os.walk(folder, followlinks=False):
        for name in sorted(dirs + files):
            path = Path(root) / name
            why = unsafe_name(name) or irregular(os.lstat(path))
            if why is None and not path.is_dir():
                count += 1
                if count > MAX_FILES:
                    why = f"more than {MAX_FILES} files in one submission"
            if why is None:
                continue
            target = Path(aside) / path.relative_to(folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target) if not target.exists() else os.unlink(path)
            if name in dirs:
                dirs.remove(name)
            line = f"{who}: refused {str(path.relative_to(folder))!r}: {why}; moved to {str(target)!r}"
            log.warning(line)
            refusals.append(line)
    return refusals


def copy_regular(src: Path, dest: Path) -> str | None:
    """Copy one file if it is a regular file of a sane size, checked on the open descriptor; else why not."""
    try:
        fd = os.open(src, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        return "a symbolic link (never followed)" if os.path.islink(src) else f"unreadable ({error.strerror})"
    try:
        why = irregular(os.fstat(fd))
        if why:
            return why
        with os.fdopen(fd, "rb", closefd=False) as source, open(dest, "wb") as target:
            shutil.copyfileobj(source, target, 1 << 20)
        return None
    finally:
        os.close(fd)


def copy_regular_tree(src: Path, dest: Path, ignore=None) -> list[str]:
    """Copy the regular files of `src` into `dest` (folders made as needed); the refusals, one line each."""
    refusals, count = [], 0
    for root, dirs, files in os.walk(src, followlinks=False):
        rel = Path(root).relative_to(src)
        skip = set(ignore(root, dirs + files)) if ignore else set()
        dirs[:] = [d for d in dirs if d not in skip and not irregular(os.lstat(Path(root) / d))]
        (Path(dest) / rel).mkdir(parents=True, exist_ok=True)
        for name in sorted(files):
            if name in skip:
                continue
            count += 1
            why = (f"more than {MAX_FILES} files" if count > MAX_FILES
                   else unsafe_name(name) or copy_regular(Path(root) / name, Path(dest) / rel / name))
            if why:
                refusals.append(f"refused {str(rel / name)!r}: {why}")
    return refusals


# ------------------------------------------------------------------------------------------ the three entries

def autograde_hook(assignment, student, notebooks) -> None:
    """Autograde.pre_convert_hook: runs before nbgrader copies a submission (and before it reads a notebook).

    `notebooks` are the submission's notebook paths (nbgrader's own list: refused ones are taken out of it)."""
    if not notebooks:
        return
    folder = Path(os.path.dirname(notebooks[0]))
    # <root>/submitted/<student>/<assignment>  ->  <root>/refused/<student>/<assignment>
    try:
        aside = folder.parents[2] / REFUSED / folder.parent.name / folder.name
        sweep(folder, aside, f"student {folder.parent.name}")
        notebooks[:] = [n for n in notebooks if os.path.lexists(n) and not os.path.islink(n)]
    except Exception as error:  # nbgrader only logs a failing hook: grade nothing rather than grade unchecked files
        log.error("student %s: the submission could not be checked (%s): not graded", folder.parent.name, error)
        notebooks[:] = []


class RegularFilesCollect(ExchangeCollect):
    """`nbgrader collect` that copies only regular files from the exchange's inbound folder."""

    def do_copy(self, src, dest, log=None):
        refusals = copy_regular_tree(Path(src), Path(dest), shutil.ignore_patterns(*self.coursedir.ignore))
        for line in refusals:
            self.log.warning("collect %s: %s", src, line)


class RegularFilesExtractor(ExtractorPlugin):
    """zip_collect's extractor: archives and files as nbgrader extracts them, then anything irregular set aside."""

    def extract(self, archive_path: str, extracted_path: str) -> None:
        aside = Path(extracted_path).parent / REFUSED
        sweep(Path(archive_path), aside / "downloaded", "zip_collect")
        super().extract(archive_path, extracted_path)
        sweep(Path(extracted_path), aside / "extracted", "zip_collect")
