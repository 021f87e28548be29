"""Log files as named fields: access logs, syslog, JSON lines, logfmt and timestamped application logs.

Findings are reported per field (`client_ip`, `query.email`, `message`) instead of per file.
Each entry (a line, or a line with its stack trace) becomes a list of (field, value) pairs;
fields that can never hold personal data (timestamps, levels, status codes, byte counts, HTTP
method and protocol, pids, durations) are not emitted at all.

One module per format (access, syslog5424, syslog3164, json_lines, logfmt, timestamped), what
they share about field names in `fields`, line grouping in `entries`, the choice of parser in
`dispatch` and the field samples in `samples`.

The names below are imported on first use (PEP 562): a database scan asks only whether a field is a
message (`fields`), and importing every parser with it cost each scan ~15 ms.
"""

from __future__ import annotations

from scanner.formats import lazy

_WHERE = {
    "FORMATS": "dispatch", "detect_log": "dispatch", "records": "dispatch", "is_message_field": "fields",
    "parse_entries": "samples", "parse_lines": "samples", "read_log": "samples",
}

__all__ = ["FORMATS", "detect_log", "is_message_field", "parse_entries", "parse_lines", "read_log", "records"]


__getattr__, __dir__ = lazy.exports(__name__, _WHERE)
