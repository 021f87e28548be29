"""Log files and their rotated siblings, known by name."""

from __future__ import annotations

import re

# Log files and their rotated siblings: access.log, access.log.1, access.log.2.gz,
# access.log-20240501.gz, syslog.3, error_log, app-2024-05-01.log.
_LOG_NAME = re.compile(
    r"(?:\.log|_log|\.out|\.err|^(?:syslog|messages|secure|maillog|cron|debug|kern|auth|daemon|user|mail|dmesg))$",
    re.IGNORECASE,
)



_ROTATED = re.compile(
    r"^(?P<base>.+?)(?P<rotation>[.-](?:\d{1,5}|\d{8}(?:\d{2,6})?(?:-\d+)?"
    r"|\d{4}-\d{2}-\d{2}(?:[_T]\d{2}(?:[-:]\d{2}){0,2})?))?"
    r"(?P<compression>\.(?:gz|bz2|xz|zst))?$"
)



def log_base(name: str) -> str | None:
    """The live log file a (possibly rotated) file name belongs to, or None for a non-log name."""
    found = _ROTATED.match(name)
    base = found.group("base") if found else name
    return base if _LOG_NAME.search(base) else None



def is_log(key: str) -> bool:
    return log_base(key.rsplit("/", 1)[-1]) is not None

