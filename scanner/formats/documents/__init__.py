"""Documents: PDF, scanned pages and images (OCR), Word and OpenDocument, RTF, e-mail, HTML and XML.

Each format's reader is a function `read(stream, doc, fmt)` in a module of its own, imported only
when a document of its kind comes (their libraries cost start-up time). It fills a `Document`
(scanner.formats.documents.base) with running text by place, tables and attachments, or raises
a FormatError for the whole document (Corrupt, Declined: encrypted, OCR off).
"""

from __future__ import annotations

import importlib

from scanner.formats.documents.base import DocStats, Document, safe_reason
from scanner.formats.errors import Corrupt, FormatError
from scanner.formats.limits import Limits

IMAGES = ("png", "jpeg", "tiff", "gif", "bmp", "webp")
READERS = {
    "pdf": "pdf:read_pdf",
    **{kind: "images:read_image" for kind in IMAGES},
    "docx": "office:read_docx",
    "pptx": "office:read_pptx",
    "odt": "opendocument:read_odf",
    "ods": "opendocument:read_odf",
    "odp": "opendocument:read_odf",
    "rtf": "rtf:read_rtf",
    "doc": "legacy:read_legacy",
    "xls": "legacy:read_legacy",
    "ppt": "legacy:read_legacy",
    "encrypted office": "legacy:read_legacy",
    "ole": "legacy:read_legacy",
    "eml": "mail:read_eml",
    "mbox": "mail:read_mbox",
    "msg": "outlook:read_msg",
    "html": "markup:read_html",
    "xml": "markup:read_xml",
}
DOCUMENTS = frozenset(READERS)


def reader_for(fmt: str):
    module, function = READERS[fmt].split(":")
    return getattr(importlib.import_module(f"scanner.formats.documents.{module}"), function)


def read_document(fmt: str, stream, name: str | None, limits: Limits, depth: int, read_nested=None) -> Document:
    """One document read (`Document.finish` gives its fields); a FormatError when none of it can
    be. `read_nested(stream, name, limits, depth)` reads the files inside it."""
    doc = Document(name, limits, depth, read_nested)
    try:
        reader_for(fmt)(stream, doc, fmt)
    except FormatError:
        raise
    except RecursionError as e:  # an object graph nested deeper than Python recurses (a PDF bomb)
        raise Corrupt(f"{fmt}: nested too deep to parse") from e
    except MemoryError as e:
        raise Corrupt(f"{fmt}: too large to hold in memory") from e
    except Exception as e:  # a library's own error on a broken file: the file's problem, not the scan's
        if not doc.fields:
            raise Corrupt(f"{fmt}: {type(e).__name__}: {_first_line(e)}") from e
        doc.warnings.append(f"{fmt}: read in part: {type(e).__name__}: {_first_line(e)}")
    return doc


def _first_line(e: Exception) -> str:
    return safe_reason(e)


__all__ = ["DOCUMENTS", "IMAGES", "DocStats", "Document", "read_document", "reader_for"]
