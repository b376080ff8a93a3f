"""`nbgrader zip_collect` plug-ins for the download formats of Moodle, Canvas and Blackboard Learn.

Set in nbgrader_config.py (the course's default is Blackboard, times in UTC):

    c.ZipCollectApp.collector_plugin = "grading.lms.LmsCollector"
    c.LmsCollector.lms = "blackboard"        # or "canvas", "moodle"
    c.LmsCollector.timezone = "Europe/Berlin"  # the zone the LMS writes its times in (IANA name)

File names, as the LMS writes them into its "download all submissions" archive:
- Blackboard Learn: <assignment>_<username>_attempt_<YYYY-MM-DD-HH-MM-SS>_<file name>, plus one
  <assignment>_<username>_attempt_<time>.txt per attempt (the submission's receipt: skipped). The time is the
  server's local time: set `timezone` to the institution's zone.
- Canvas: <sortable name>_<user id>_<submission id>_<file name>, with `_LATE_` after the name when Canvas
  counts the submission late; a re-upload gets a suffix (`lora-1.ipynb`). No time in the name: lateness
  is Canvas's (the report says LATE); student id = the Canvas user id unless `roster` maps it.
- Moodle: <Full Name>_<participant id>_assignsubmission_file_<file name>, or with "download submissions in
  folders", <Full Name>_<participant id>_assignsubmission_file_/<file name>. No time in the name; student
  id = the participant id unless `roster` maps it.

`roster`: a CSV file with the columns lms_id,student_id, for LMS ids that are not the course's student ids.
"""
from __future__ import annotations

import csv
import os
import re
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from nbgrader.plugins.zipcollect import FileNameCollectorPlugin
from traitlets import Enum, Unicode, validate

PATTERNS = {
    "blackboard": re.compile(
        r"^(?P<assignment>.+?)_(?P<lms_id>[^_/]+)_attempt_"
        r"(?P<time>\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2})(?:_(?P<file_id>.+))?$"),
    "canvas": re.compile(
        r"^(?P<name>[^_/]+?)(?P<late>_LATE)?_(?P<lms_id>\d+)_(?P<submission>\d+)_(?P<file_id>.+)$"),
    "moodle": re.compile(
        r"^(?P<name>[^/]+?)_(?P<lms_id>\d+)_assignsubmission_(?:file|onlinetext)_/?(?P<file_id>[^/]+)$"),
}


def to_utc(local: datetime, timezone: str) -> str:
    """A naive LMS time in `timezone`, as nbgrader's timestamp.txt text in UTC."""
    aware = local.replace(tzinfo=ZoneInfo(timezone))
    return aware.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M:%S UTC")


def parse(path: str, lms: str, timezone: str = "UTC") -> dict | None:
    """student_id, file_id and (Blackboard) timestamp from a downloaded file's path; None if not a submission."""
    parent = os.path.basename(os.path.dirname(path))
    name = os.path.basename(path)
    m = PATTERNS[lms].match(name)
    if m is None and lms == "moodle":  # one folder per student
        m = PATTERNS[lms].match(f"{parent}/{name}")
    if m is None or not m.group("file_id"):
        return None  # e.g. Blackboard's receipt <..>_attempt_<time>.txt
    info = {"student_id": m.group("lms_id"), "file_id": m.group("file_id")}
    if lms == "blackboard":
        info["timestamp"] = to_utc(datetime.strptime(m.group("time"), "%Y-%m-%d-%H-%M-%S"), timezone)
    if lms == "canvas" and m.group("late"):
        info["late"] = True
    return info


class LmsCollector(FileNameCollectorPlugin):
    """zip_collect for a real LMS download (see the module's docstring for the formats)."""

    lms = Enum(["blackboard", "canvas", "moodle"], default_value="blackboard",
               help="The LMS whose download is collected.").tag(config=True)
    timezone = Unicode("UTC", help="IANA time zone the LMS writes its times in (Blackboard: the server's "
                                   "local time). Times are converted to UTC for timestamp.txt.").tag(config=True)
    roster = Unicode("", help="CSV file lms_id,student_id mapping LMS ids to the course's student ids "
                              "(relative paths: to the course root).").tag(config=True)

    @validate("timezone")
    def _check_timezone(self, proposal):
        try:
            ZoneInfo(proposal["value"])
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"LmsCollector.timezone = {proposal['value']!r} is not an IANA time zone "
                             "(examples: 'UTC', 'Europe/Berlin', 'America/New_York')")
        return proposal["value"]

    def _ids(self) -> dict[str, str]:
        if not self.roster:
            return {}
        with open(self.roster, newline="") as f:
            return {row["lms_id"].strip(): row["student_id"].strip() for row in csv.DictReader(f)}

    def collect(self, submitted_file: str) -> dict | None:
        _, ext = os.path.splitext(submitted_file)
        if ext not in self.valid_ext:
            return None
        info = parse(submitted_file, self.lms, self.timezone)
        if info is None:
            self.log.warning("%s: not a %s submission file name; skipped", submitted_file, self.lms)
            return None
        info["student_id"] = self._ids().get(info["student_id"], info["student_id"])
        if info.pop("late", False):
            self.log.warning("%s: Canvas marks %s's submission LATE (no time in the name)", submitted_file,
                             info["student_id"])
        return info
