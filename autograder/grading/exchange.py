"""`nbgrader collect` that dates a submission by what the instructor's side sees, not by what the student wrote.

nbgrader's submit writes the time into the inbound folder's name and into timestamp.txt, both made by the
student's own process (and editable by the student afterwards). Here a submission's time is the latest
change time (st_ctime) of its inbound folder and every file in it: the kernel sets ctime, a user cannot set
it back, and any later edit of the handed-in files moves it later. That time orders re-submissions for
`collect --update` and is what submitted/<student>/<id>/timestamp.txt holds, so lateness is computed from it.
"""
from __future__ import annotations

import os
from datetime import datetime, timezone

from nbgrader.utils import parse_utc

from judge.files import RegularFilesCollect

FORMAT = "%Y-%m-%d %H:%M:%S.%f UTC"


def observed_time(path: str) -> datetime:
    """The latest change time of a folder and everything in it, as a naive UTC datetime (nbgrader's form)."""
    latest = os.lstat(path).st_ctime
    for folder, dirs, files in os.walk(path):
        for name in dirs + files:
            latest = max(latest, os.lstat(os.path.join(folder, name)).st_ctime)
    return datetime.fromtimestamp(latest, timezone.utc).replace(tzinfo=None)


class TrustedTimeCollect(RegularFilesCollect):
    """Collect regular files only (judge.files), each submission dated by observed_time (module docstring)."""

    def _path_to_record(self, path):
        record = super()._path_to_record(path)
        record["claimed"] = record["timestamp"]
        record["timestamp"] = observed_time(os.path.join(self.inbound_path, record["filename"]))
        return record

    def do_copy(self, src, dest, log=None):
        super().do_copy(src, dest)
        seen = observed_time(src)
        claims = [("folder name", self._path_to_record(src)["claimed"])]
        try:
            claims.append(("timestamp.txt", read_timestamp(dest)))
        except (OSError, ValueError):
            pass
        for where, claimed in claims:
            if abs((seen - claimed).total_seconds()) > 120:
                self.log.warning("%s: its %s says %s, the exchange saw it at %s UTC; using the exchange's time",
                                 os.path.basename(src), where, claimed, seen)
        with open(os.path.join(dest, "timestamp.txt"), "w") as f:
            f.write(seen.strftime(FORMAT))


def read_timestamp(folder: str) -> datetime:
    with open(os.path.join(folder, "timestamp.txt")) as f:
        return parse_utc(f.read().strip())
