"""Log lines grouped into entries: a line with the stack trace, Python traceback or indented
continuation lines that belong to it, so a multi-line message is one record and not many."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

MAX_ENTRY_LINES = 1000  # continuation lines joined into one entry; past it they are entries of their own
MAX_ENTRY_CHARS = 256 * 1024

_MORE = re.compile(r"\s*\.\.\. \d+ (?:more|common frames omitted)")
# The last line of a traceback names the exception, whatever it is called (kunde.KundeFinnesIkke: …).
_PY_FINAL = re.compile(r"[A-Za-z_]\w*(?:\.\w+)*(?::\s|\Z)")
_JAVA_EXCEPTION = re.compile(r"[A-Za-z_$][\w$]*(?:\.[\w$]+)+(?:Exception|Error|Throwable)(?::\s|\Z)")
_CHAINED = ("During handling of the above exception", "The above exception was the direct cause")


def entries(lines: Iterable[str]) -> Iterator[list[str]]:
    """Lines grouped into entries: a line with its traceback, stack trace or indented continuation."""
    entry: list[str] | None = None
    size = 0
    traceback = False  # inside a Python traceback: its exception line belongs to it
    for line in lines:
        if line[-1:] in ("\n", "\r"):
            line = line.rstrip("\r\n")
        if not line or line.isspace():
            continue
        if entry is not None and len(entry) < MAX_ENTRY_LINES and size < MAX_ENTRY_CHARS:
            c = line[0]
            cont = False
            if c == " " or c == "\t":
                cont = True
            elif c == "T":
                if line.startswith("Traceback ("):
                    cont = traceback = True
                else:
                    cont = line.startswith(_CHAINED[1])
            elif c == "C":
                cont = line.startswith("Caused by:")
            elif c == ".":
                cont = _MORE.match(line) is not None
            elif c == "D":
                cont = line.startswith(_CHAINED[0])
            if not cont:
                # a Python traceback's last line, or a Java exception's first: "java.lang.X: ..."
                final = traceback and entry[-1][:1] in " \t" and _PY_FINAL.match(line) is not None
                if final:
                    traceback = False  # the traceback ends here: the next line is an entry again
                cont = final or (
                    ("Exception" in line or "Error" in line or "Throwable" in line)
                    and _JAVA_EXCEPTION.match(line) is not None)
            if cont:
                entry.append(line)
                size += len(line)
                continue
        if entry is not None:
            yield entry
        entry = [line]
        size = len(line)
        traceback = line.startswith("Traceback (")
    if entry is not None:
        yield entry
