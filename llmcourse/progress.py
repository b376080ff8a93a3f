"""Progress bars that suit both places a chapter runs: a live widget bar in Jupyter, and one
final summary line in the built book (where a live bar would freeze half-way or print a
widget id). The Makefile sets LLMCOURSE_STATIC_PROGRESS=1 for book builds."""

from __future__ import annotations

import os
import sys

from tqdm.auto import tqdm as _live_tqdm
from tqdm.std import tqdm as _text_tqdm


class _StaticTqdm(_text_tqdm):
    """Counts silently; on close, prints the bar's final state once, to stdout."""

    def __init__(self, *args, **kwargs):
        kwargs["file"] = open(os.devnull, "w")
        kwargs.pop("leave", None)
        super().__init__(*args, leave=False, **kwargs)

    def close(self) -> None:
        if not self.disable and not getattr(self, "_reported", False):
            self._reported = True
            print(self.format_meter(**self.format_dict), file=sys.stdout, flush=True)
        super().close()


def static_progress() -> bool:
    """True while the book is built (LLMCOURSE_STATIC_PROGRESS set): bars print one line at the end."""
    return os.environ.get("LLMCOURSE_STATIC_PROGRESS", "") not in ("", "0")


def progress(*args, **kwargs):
    """``tqdm(*args, **kwargs)``: a live bar, or a one-line summary when the book is built."""
    return (_StaticTqdm if static_progress() else _live_tqdm)(*args, **kwargs)
