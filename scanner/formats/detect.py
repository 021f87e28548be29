"""What a file holds, judged by its content; the name's extension is only a claim to check."""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass

from scanner.formats import logs
from scanner.formats.delimited import (
    HEADER_ROWS,
    LEAD_ROWS,
    MAX_JUDGED,
    csv_rows,
    looks_like_header,
    running_text,
    sniff,
    table_start,
)
from scanner.formats.errors import Corrupt
from scanner.formats.header_words import NO_WORDS, HeaderWords
from scanner.formats.log_names import log_base
from scanner.formats.text import choose_encoding
from scanner.model.values import TooDeep, Unreadable, parse_json

MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),  # an empty archive
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"PAR1", "parquet"),
    (b"%PDF", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"\x7fELF", "elf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),  # legacy Office, Outlook .msg, password-protected OOXML
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"{\\rtf", "rtf"),
    (b"SQLite format 3\x00", "sqlite"),
    (b"\x37\x7f\x06\x82", "sqlite wal"),  # a -wal: pages of an SQLite database, read with it
    (b"\x37\x7f\x06\x83", "sqlite wal"),
    (b"\x00\x01\x00\x00Standard Jet DB\x00", "access"),  # Microsoft Access .mdb
    (b"\x00\x01\x00\x00Standard ACE DB\x00", "access"),  # Microsoft Access .accdb
)
# Database files: the file crawler reads SQLite and DuckDB files as databases (crawlers.database_files);
# anywhere else (a zip member, an object) they are named and passed over, never read as bytes.
DATABASES = ("sqlite", "duckdb", "access", "berkeleydb", "sqlite wal")
# BerkeleyDB's metadata page: its magic number at offset 12, in the byte order of the machine that wrote it
_BERKELEY = {m.to_bytes(4, order) for m in (0x053162, 0x061561, 0x042253, 0x074582) for order in ("big", "little")}

EXTENSIONS = {
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".parquet": "parquet", ".xlsx": "xlsx", ".txt": "text", ".log": "text", ".gz": "gzip", ".gzip": "gzip",
    ".bz2": "bzip2", ".zip": "zip", ".zst": "zstd", ".xz": "xz", ".pdf": "pdf", ".png": "png", ".jpg": "jpeg",
    ".jpeg": "jpeg", ".gif": "gif", ".tar": "tar", ".xls": "xls", ".doc": "doc", ".ppt": "ppt", ".msg": "msg",
    ".tif": "tiff", ".tiff": "tiff", ".bmp": "bmp", ".webp": "webp", ".docx": "docx", ".pptx": "pptx",
    ".odt": "odt", ".ods": "ods", ".odp": "odp", ".rtf": "rtf", ".eml": "eml", ".mbox": "mbox",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".xml": "xml",
}

COMPRESSED = ("gzip", "bzip2", "zstd", "xz")
TEXTUAL = ("csv", "tsv", "json", "jsonl", "text", "log", "empty", "eml", "mbox", "html", "xml")
# Read from a seekable copy of the whole file or object (up to max_object_bytes): a footer or
# directory at the end (Parquet, zip, PDF, OLE), or a picture or message that is nothing cut short.
WHOLE = ("parquet", "zip", "xlsx", "pdf", "ole", "png", "jpeg", "tiff", "gif", "bmp", "webp", "eml", "rtf")
_FAMILIES = ({"csv", "tsv"}, {"json", "jsonl"}, {"ole", "doc", "xls", "ppt", "msg", "encrypted office"},
             {"zip", "docx", "xlsx", "pptx", "odt", "ods", "odp"}, {"html", "xml"}, {"eml", "mbox"})
# Bytes text does not hold: C0 controls but tab, newlines, form feed and ESC (colour codes in logs).
_CONTROL = bytes(sorted(set(range(32)) - {9, 10, 12, 13, 27}))
# Binary when more than this share of the head is control bytes: one NUL in a CSV export is a
# broken value, not a binary file (random bytes hold about 10%; text next to none).
BINARY_SHARE = 0.02


@dataclass(frozen=True)
class Detection:
    format: str  # what the content is
    claimed: str | None = None  # what the extension says

    @property
    def mismatch(self) -> bool:
        return self.claimed is not None and not compatible(self.claimed, self.format)


def compatible(claimed: str, found: str) -> bool:
    if claimed == found or (claimed == "text" and found in TEXTUAL) or found == "empty":
        return True
    return any(claimed in f and found in f for f in _FAMILIES)


def claimed_format(name: str | None) -> str | None:
    if not name:
        return None
    return EXTENSIONS.get(os.path.splitext(name)[1].lower())


def detect(head: bytes, name: str | None = None, complete: bool = False, words: HeaderWords = NO_WORDS) -> Detection:
    """`head` is the file's first bytes; `complete` says it is the whole file; `words` help tell
    a table's header row from a log line (see header_words)."""
    claimed = claimed_format(name)
    found = content_format(head, complete, words)
    if found == "jsonl" and (claimed == "text" or (name and log_base(os.path.basename(name)))):
        found = "log"  # JSON logging: messages are free text, and the odd line that is not JSON still counts
    if found == "text" and claimed in ("xml", "html") and head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
        found = claimed  # broken markup named as such: the reader says how it is broken
    if found == "xml" and claimed == "html":
        found = "html"  # a fragment saved as .html (`<div>…`, `<p>…`) is HTML, `<br>` and all
    if found == "text" and claimed in ("csv", "tsv"):
        found = claimed  # a single-column CSV has no delimiter to sniff
    if found == "text" and claimed in ("json", "jsonl") and head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        found = claimed  # broken JSON, or JSON Lines with bad lines: let the reader say which
    return Detection(found, claimed)


def magic(head: bytes) -> str | None:
    """The format a head's magic bytes name (gzip, zip, parquet, png, tar, …), if any."""
    for prefix, fmt in MAGIC:
        if head.startswith(prefix):
            if fmt == "zip" and b"xl/workbook.xml" in head:
                return "xlsx"
            return fmt
    if head[257:262] == b"ustar":
        return "tar"
    if head[8:12] == b"DUCK" and head[14:20] == b"\0" * 6:  # DuckDB: a checksum, its magic, a small version
        return "duckdb"
    if len(head) >= 512 and head[12:16] in _BERKELEY and head[16:20] != b"\0\0\0\0":
        return "berkeleydb"  # magic, then a version that is never 0
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:2] == b"BM" and len(head) > 18 and head[14] in (12, 40, 52, 56, 64, 108, 124) and head[15:18] == b"\0\0\0":
        return "bmp"  # "BM" alone starts words too: the info header's size must be one of BMP's
    return None


_OPENDOCUMENT = {"application/vnd.oasis.opendocument.text": "odt",
                 "application/vnd.oasis.opendocument.spreadsheet": "ods",
                 "application/vnd.oasis.opendocument.presentation": "odp"}


def database_reason(fmt: str) -> str:
    """Why a database file is not read as a file's bytes, and how to read it."""
    if fmt == "sqlite wal":
        return "sqlite write-ahead log: read with its database, not on its own"
    if fmt in ("sqlite", "duckdb"):
        return (f"{fmt} database that cannot be opened as one here (inside another file, or not a whole number "
                "of pages: cut short?): scan the database file itself")
    name = {"access": "Microsoft Access", "berkeleydb": "Berkeley DB"}.get(fmt, fmt)
    return f"{name} database: no reader for it (export its tables, to CSV for one, and scan those)"


def zip_kind(stream) -> str:
    """What a zip holds: an Office Open XML or OpenDocument file, or an archive of files."""
    try:
        with zipfile.ZipFile(stream) as zf:
            names = set(zf.namelist())
            if "xl/workbook.xml" in names:
                kind = "xlsx"
            elif "word/document.xml" in names:
                kind = "docx"
            elif "ppt/presentation.xml" in names:
                kind = "pptx"
            elif "mimetype" in names and zf.getinfo("mimetype").file_size < 200:
                kind = _OPENDOCUMENT.get(zf.read("mimetype").decode("ascii", "replace").strip(), "zip")
            else:
                kind = "zip"
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError) as e:
        raise Corrupt(f"zip: {type(e).__name__}") from e
    stream.seek(0)
    return kind


def ole_kind(stream) -> str:
    """What an OLE compound file holds: an Outlook message, a legacy Word, Excel or PowerPoint
    file, or an encrypted Office Open XML file (a password-protected .docx/.xlsx)."""
    import olefile

    try:
        ole = olefile.OleFileIO(stream)
    except Exception:  # noqa: BLE001 - any parse failure: the reader says how it is broken
        stream.seek(0)
        return "ole"
    try:
        top = {entry[0] for entry in ole.listdir(streams=True, storages=True)}
    finally:
        ole.close()
    stream.seek(0)
    if any(name.startswith("__substg1.0_") for name in top):
        return "msg"
    if "EncryptedPackage" in top:
        return "encrypted office"
    if "WordDocument" in top:
        return "doc"
    if "Workbook" in top or "Book" in top:
        return "xls"
    if "PowerPoint Document" in top:
        return "ppt"
    return "ole"


def control_share(head: bytes) -> float:
    return (len(head) - len(head.translate(None, _CONTROL))) / len(head) if head else 0.0


def content_format(head: bytes, complete: bool = False, words: HeaderWords = NO_WORDS) -> str:
    if not head:
        return "empty"
    found = magic(head)
    if found is not None:
        return found
    if control_share(head) > BINARY_SHARE:
        return "binary"
    text = head.decode(choose_encoding(head, complete), errors="replace")
    lines = text.splitlines(keepends=True)
    if not complete:
        lines = lines[:-1]  # the last line may be cut mid-way
    return (_markup_kind(text, complete) or _mail_kind(lines) or _json_kind(text, lines, complete)
            or _log_or_delimited(lines, words) or "text")


_TAG = re.compile(r"<(?:[A-Za-z_][\w:.-]*[\s>/]|!--|!doctype\s|\?xml[\s?])", re.IGNORECASE)
_HTML = re.compile(r"<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.IGNORECASE)


def _markup_kind(text: str, complete: bool) -> str | None:
    """HTML or XML by their opening: a document type, an XML declaration or a first element. A
    text that merely starts with `<` (a log's `<INFO>`, a chat's `<ola>`, a README's `<p>` above
    its Markdown) is XML only when its head parses as XML."""
    start = text.lstrip("\ufeff \t\r\n")
    if not _TAG.match(start):
        return None
    if _HTML.search(start[:2048]):
        return "html"
    if start[:5] == "<?xml" or _parses_as_xml(start, complete):
        return "xml"
    return None


def _parses_as_xml(text: str, complete: bool) -> bool:
    from xml.etree.ElementTree import ParseError, XMLPullParser

    parser = XMLPullParser()
    try:
        parser.feed(text if complete else text[: text.rfind(">") + 1])
        if complete:
            parser.close()
        ended = any(kind == "end" for kind, _ in parser.read_events())
    except ParseError:
        return False
    return ended  # at least one element closed: markup, not a line that starts with a bracket


# The header fields a message starts with; a header block needs one of them and a From.
_MAIL_FIELDS = {"from", "to", "cc", "subject", "date", "message-id", "received", "return-path", "mime-version",
                "delivered-to", "reply-to", "content-type", "sender", "x-mailer", "user-agent", "in-reply-to",
                "references", "dkim-signature", "authentication-results", "thread-topic", "x-originating-ip"}
_TRANSPORT = {"received", "message-id", "mime-version", "return-path", "delivered-to", "dkim-signature",
              "authentication-results", "x-mailer", "user-agent", "in-reply-to", "references", "thread-topic",
              "x-originating-ip", "content-type"}
_HEADER_LINE = re.compile(r"([!-9;-~]+):")  # RFC 5322: any printable but the colon, no space after it needed


def _mail_kind(lines: list[str]) -> str | None:
    """An e-mail message (.eml: header fields, a blank line, the body) or a mailbox of them
    (mbox: each message after a `From ` line)."""
    if not lines:
        return None
    first = lines[0].lstrip("\ufeff")
    mbox = first.startswith("From ")
    names: set[str] = set()
    sender = False  # an address in From
    # Office 365 and Gmail write a hundred header lines and more: the whole head is looked through
    for line in lines[1 if mbox else 0:]:
        if not line.strip():
            break
        if line[0] in " \t":
            continue  # a folded header line
        m = _HEADER_LINE.match(line.lstrip("\ufeff"))
        if m is None:
            return None
        names.add(m.group(1).lower())
        sender = sender or (m.group(1).lower() == "from" and "@" in line)
    # a note of "Name: …", "From: Oslo", "To: Bergen" is no message: an address, or a field only mail has
    if "from" in names and len(names & _MAIL_FIELDS) >= 3 and (mbox or sender or names & _TRANSPORT):
        return "mbox" if mbox else "eml"
    return None


def _log_or_delimited(lines: list[str], words: HeaderWords) -> str | None:
    """A delimited file with a header row is a table; lines of a log format are a log (an app
    log's `10:00:00,123` would otherwise sniff as a two-column CSV); else a headerless table."""
    delimited = _delimited_kind(lines)
    if delimited:
        sample = [line for line in lines if line.strip()][:50]
        delimiter = "\t" if delimited == "tsv" else sniff(sample) or ","
        rows = list(csv_rows(sample[: LEAD_ROWS + HEADER_ROWS], delimiter, Unreadable()))
        # a header row names columns (under a title, perhaps); a syslog line with commas in its message is no header
        at, _ = table_start(rows, lambda row, under: looks_like_header(
            row[:MAX_JUDGED], [r[:MAX_JUDGED] for r in under], words))
        if at is not None and logs.detect_log([sample[0].rstrip("\r\n")]) is None:
            return delimited
    if logs.detect_log([line.rstrip("\r\n") for line in lines[:50]]):
        return "log"
    return delimited


def _json_kind(text: str, lines: list[str], complete: bool) -> str | None:
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped or stripped[0] not in "{[":
        return None
    if complete:
        try:
            parse_json(stripped)
            return "json"
        except TooDeep:
            return "json"  # JSON all the same: the reader counts what is too deep
        except ValueError:
            pass
    records = [line for line in lines if line.strip()][:20]
    if records and (len(records) >= 2 or complete) and all(_parses(line) for line in records):
        return "jsonl"
    # A document larger than the head cannot be parsed from it; the reader will tell.
    return None if complete else "json"


def _parses(line: str) -> bool:
    try:
        parse_json(line)
        return True
    except TooDeep:
        return True  # a line of JSON, too deep to read: the reader counts it
    except ValueError:
        return False


def _delimited_kind(lines: list[str]) -> str | None:
    sample = [line for line in lines if line.strip()][:50]
    if len(sample) < 2:
        return None
    delimiter = sniff(sample)
    if delimiter is None or running_text(sample, delimiter):
        return None  # a manual's sentences with a comma or two are not records
    return "tsv" if delimiter == "\t" else "csv"
