"""Format readers shared by the file-system and S3 crawlers.

Each reader takes a binary stream positioned at its start plus Limits, and returns one
FieldSample per field (CSV column, JSON path, Parquet or XLSX column; "text" for plain text),
or raises a FormatError: Unsupported, Corrupt or TooLarge. `read` detects the format by
content, unwraps compression and zip archives, and reports a name that claims another format.
"""

from scanner.formats.delimited import read_csv, read_tsv
from scanner.formats.detect import Detection, detect
from scanner.formats.errors import Corrupt, FormatError, TooLarge, Unsupported
from scanner.formats.json_records import read_json, read_jsonl
from scanner.formats.limits import Limits
from scanner.formats.parquet import read_parquet
from scanner.formats.reader import Sample, read
from scanner.formats.text import read_text
from scanner.formats.xlsx import read_xlsx

__all__ = [
    "Corrupt", "Detection", "FormatError", "Limits", "Sample", "TooLarge", "Unsupported", "detect", "read",
    "read_csv", "read_json", "read_jsonl", "read_parquet", "read_text", "read_tsv", "read_xlsx",
]
