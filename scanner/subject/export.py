"""--export DIR: the person's records, per location, as JSON and CSV, for an access (Art. 15) or
portability (Art. 20) request. Only the rows that matched, with the columns of their table or
file; nothing else goes into the folder. Files are readable by their owner only."""

from __future__ import annotations

import csv
import json
import os
import re
from pathlib import Path

from scanner.model.sources import Source
from scanner.subject.matching import Found

_UNSAFE = re.compile(r"[^\w.\-]+")


def _name(text: str) -> str:
    return _UNSAFE.sub("_", text).strip("._")[:120] or "_"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)


def write(directory: str, request_id: str, found: list[tuple[Source, Found, dict]]) -> list[str]:
    """The export folder's files (relative paths), a manifest.json first."""
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    written, manifest, used = [], [], set()
    for source, f, location in found:  # named as the records name it: a file named for someone is masked
        parts = (location.get("container"), location["dataset"]) if source.crawler == "sql" else (location["dataset"],)
        stem = _name(".".join(p for p in parts if p))
        base, n = f"{_name(source.name)}/{stem}", 1
        while base in used:
            n += 1
            base = f"{_name(source.name)}/{stem}-{n}"
        used.add(base)
        (root / _name(source.name)).mkdir(exist_ok=True, mode=0o700)
        doc = {"source": source.name, "location": location, "columns": f.columns, "rows": f.records,
               "complete": not f.more}
        _private(root / f"{base}.json", json.dumps(doc, ensure_ascii=False, indent=1, default=str) + "\n")
        lines = _csv(f.columns, f.records)
        _private(root / f"{base}.csv", lines)
        written += [f"{base}.json", f"{base}.csv"]
        manifest.append({"source": source.name, "location": location["uri"], "rows": len(f.records),
                         "complete": not f.more, "files": [f"{base}.json", f"{base}.csv"]})
    _private(root / "manifest.json", json.dumps({"request_id": request_id, "locations": manifest},
                                                ensure_ascii=False, indent=1) + "\n")
    return ["manifest.json", *written]


def _csv(columns: list[str], rows: list[dict]) -> str:
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return out.getvalue()
