"""Reading a document in a process of its own, to see what it costs: hostile documents must end in a
record with a reason, in bounded memory and time."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

_PROBE = r"""
import json, sys
from scanner.formats import FormatError, Limits, read
limits = Limits(**json.loads(sys.argv[2]))
try:
    with open(sys.argv[1], "rb") as fh:
        s = read(fh, sys.argv[1].rsplit("/", 1)[-1], limits)
    out = {"format": s.format, "fields": [f.name for f in s.fields], "skipped": s.skipped,
           "warnings": s.warnings, "document": s.document.to_dict() if s.document else None}
except FormatError as e:
    out = {"error": type(e).__name__, "reason": str(e)}
# VmHWM: ru_maxrss would carry the parent's resident size over through fork and exec
out["peak_mib"] = int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1]) / 1024
print(json.dumps(out))
"""


def read_apart(path: Path, timeout: float = 120, **limits) -> dict:
    """What `scanner.formats.read` makes of `path` in a fresh process, with its peak memory in MiB
    (`peak_mib`): {"format", "fields", "skipped", "warnings", "document"} or {"error", "reason"}."""
    done = subprocess.run([sys.executable, "-c", _PROBE, str(path), json.dumps(limits)], capture_output=True,
                          text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise AssertionError(f"the reader died: rc {done.returncode}: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])
