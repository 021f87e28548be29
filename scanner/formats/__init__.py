"""Format readers shared by the file-system and S3 crawlers.

Each reader takes a binary stream positioned at its start plus Limits, and returns one
FieldSample per field (CSV column, JSON path, Parquet or XLSX column; "text" for plain text),
or raises a FormatError: Unsupported, Corrupt or TooLarge. `read` detects the format by
content, unwraps compression and zip archives, and reports a name that claims another format.
Detecting a format is `scanner.formats.detect.detect` (the submodule's name is `detect`).

The names below are imported on first use (PEP 562): a database scan needs one submodule of
this package (`log_names`), and importing every reader with it cost each scan ~30 ms.
"""

from __future__ import annotations

from scanner.formats import lazy

_WHERE = {
    "read_csv": "delimited", "read_tsv": "delimited", "Detection": "detect",
    "Corrupt": "errors", "FormatError": "errors", "TooLarge": "errors", "Unsupported": "errors",
    "read_json": "json_records", "read_jsonl": "json_records", "Limits": "limits", "read_parquet": "parquet",
    "Sample": "reader", "read": "reader", "read_text": "text", "read_xlsx": "xlsx",
}

__all__ = sorted(_WHERE, key=str.lower)


__getattr__, __dir__ = lazy.exports(__name__, _WHERE)
