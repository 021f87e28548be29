"""Legacy Office in OLE compound files: Word 97-2003 (.doc), Excel 97-2003 (.xls), PowerPoint
97-2003 (.ppt); and the OLE files that are declined with a reason (a password-protected Office
Open XML file, an OLE file of another kind).

.doc: the text is found as Word finds it ([MS-DOC] 2.4.1): the FIB gives the piece table (Clx) in
the table stream, each piece a run of characters, cp1252 or UTF-16. The stories follow one
another: the body, footnotes, headers and footers (split by the PlcfHdd), comments (their
authors in GrpXstAtnOwners), endnotes, text boxes. A table's cells end with a cell mark; rows are
made from them where their width is plain. Where the piece table is broken, the runs of text in
the WordDocument stream are read instead, with a warning.
.xls: xlrd, on a copy of the workbook stream without the cell records past the sample's rows
(xlrd holds every cell it reads). .ppt: the text atoms of the "PowerPoint Document" stream.
"""

from __future__ import annotations

import re
import struct

from scanner.formats.errors import Corrupt, Declined, TooLarge

ENCRYPTED = "encrypted office document: no password"


def read_legacy(stream, doc, fmt: str) -> None:
    if fmt == "encrypted office":
        raise Declined(ENCRYPTED, fmt)
    import olefile

    try:
        ole = olefile.OleFileIO(stream)
    except Exception as e:  # noqa: BLE001 - olefile's many ways of saying the file is broken
        raise Corrupt(f"{fmt}: not a readable OLE file ({type(e).__name__})") from e
    with ole:
        if fmt == "ole":
            raise Declined("ole: not a Word, Excel, PowerPoint or Outlook file", "ole")
        _authors(ole, doc)
        {"doc": _read_doc, "xls": _read_xls, "ppt": _read_ppt}[fmt](ole, doc)


def _authors(ole, doc) -> None:
    """Who wrote the file and who saved it last, from its SummaryInformation property set."""
    try:
        meta = ole.get_metadata()
    except Exception:  # noqa: BLE001 - a broken property set: the text may still read
        doc.warnings.append("the document's summary information does not parse")
        return
    names = [v.decode("cp1252", "replace").rstrip("\0") if isinstance(v, bytes) else v
             for v in (meta.author, meta.last_saved_by)]
    doc.values("metadata.author", list(dict.fromkeys(n for n in names if n)))


def _stream(ole, name: str, doc) -> bytes:
    if ole.get_size(name) > doc.limits.max_decompressed:
        raise TooLarge(doc.limits.max_decompressed, f"the {name} stream")
    return ole.openstream(name).read()


# -- Word ----------------------------------------------------------------------------------------
class _Broken(Exception):
    """The FIB or piece table does not hold together."""


def _u16(b: bytes, at: int) -> int:
    if at + 2 > len(b):
        raise _Broken("past the end")
    return struct.unpack_from("<H", b, at)[0]


def _u32(b: bytes, at: int) -> int:
    if at + 4 > len(b):
        raise _Broken("past the end")
    return struct.unpack_from("<I", b, at)[0]


def _fib(wd: bytes) -> tuple[list[int], list[tuple[int, int]], int]:
    """The FIB's character counts (FibRgLw97), its (fc, lcb) pairs and flags."""
    if _u16(wd, 0) != 0xA5EC:
        raise _Broken("no Word signature")
    flags = _u16(wd, 0x0A)
    csw = _u16(wd, 32)
    lw_at = 34 + csw * 2
    cslw = _u16(wd, lw_at)
    counts = [_u32(wd, lw_at + 2 + 4 * i) for i in range(min(cslw, 22))]
    at = lw_at + 2 + cslw * 4
    pairs = [(_u32(wd, at + 2 + 8 * i), _u32(wd, at + 6 + 8 * i)) for i in range(min(_u16(wd, at), 93))]
    if len(counts) < 11 or len(pairs) < 37:
        raise _Broken("a short FIB")
    return counts, pairs, flags


def _pieces(clx: bytes) -> list[tuple[int, int, int, bool]]:
    """The piece table: (first CP, last CP, file offset, 8-bit) per piece, after any Prcs."""
    at = 0
    while at < len(clx) and clx[at] == 0x01:  # a Prc: formatting, skipped
        if at + 3 > len(clx):
            raise _Broken("a cut formatting run")
        step = struct.unpack_from("<H", clx, at + 1)[0]  # unsigned: a negative size would loop for ever
        if step == 0:
            raise _Broken("an empty formatting run")
        at += 3 + step
    if at >= len(clx) or clx[at] != 0x02:
        raise _Broken("no piece table")
    size = _u32(clx, at + 1)
    plc = clx[at + 5: at + 5 + size]
    n = (len(plc) - 4) // 12
    if n < 1 or len(plc) != 4 + 12 * n:
        raise _Broken("a piece table of the wrong size")
    cps = struct.unpack_from(f"<{n + 1}I", plc)
    out = []
    for i in range(n):
        fc = _u32(plc, 4 * (n + 1) + 8 * i + 2)
        if cps[i + 1] < cps[i]:
            raise _Broken("pieces out of order")
        compressed = bool(fc & 0x40000000)
        out.append((cps[i], cps[i + 1], (fc & 0x3FFFFFFF) // 2 if compressed else fc & 0x3FFFFFFF, compressed))
    return out


def _characters(wd: bytes, pieces) -> str:
    """The pieces' text, at most as many characters as the stream has bytes: pieces that overlap
    (a hostile table) cannot multiply it."""
    parts, total = [], 0
    for first, last, offset, compressed in pieces:
        total += last - first
        if total > len(wd):
            raise _Broken("pieces that overlap")
        size = (last - first) * (1 if compressed else 2)
        if offset + size > len(wd):
            raise _Broken("a piece past the end of the stream")
        data = wd[offset: offset + size]
        parts.append(data.decode("cp1252", "replace") if compressed else data.decode("utf-16-le", "replace"))
    return "".join(parts)


_FIELD = re.compile(r"\x13[^\x13\x14\x15]*\x14([^\x13\x14\x15]*)\x15|\x13[^\x13\x14\x15]*\x15")
_MARKS = str.maketrans({"\x0b": "\n", "\x0c": "\n", "\r": "\n", "\x1e": "-", "\x1f": None, "\xa0": " ",
                        **{chr(c): None for c in (1, 2, 3, 4, 5, 8, 0x13, 0x14, 0x15)}})


def _clean(text: str) -> str:
    """Field codes out (their results kept), Word's special characters as text; cell marks stay."""
    for _ in range(20):  # nested fields, innermost first
        text, n = _FIELD.subn(lambda m: m.group(1) or "", text)
        if not n:
            break
    return text.translate(_MARKS)


def _tables(text: str):
    """("p", line) and ("table", rows) in order: consecutive lines with cell marks are a table,
    read as rows where the first row's cells are all filled (its width then known)."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if "\x07" not in lines[i]:
            yield "p", lines[i]
            i += 1
            continue
        j = i
        while j < len(lines) and "\x07" in lines[j]:
            j += 1
        cells = "\n".join(lines[i:j]).split("\x07")
        width = cells.index("") if "" in cells else 0
        rows = [cells[k: k + width + 1] for k in range(0, len(cells) - width, width + 1)] if width else []
        if rows and all(r[-1] == "" for r in rows):
            yield "table", [r[:-1] for r in rows]
            yield "p", "\x07".join(cells[len(rows) * (width + 1):])
        else:
            for cell in cells:
                yield "p", cell
        i = j


def _xst_names(data: bytes) -> list[str]:
    names, at = [], 0
    while at + 2 <= len(data):
        n = _u16(data, at)
        names.append(data[at + 2: at + 2 + 2 * n].decode("utf-16-le", "replace"))
        at += 2 + 2 * n
    return names


def _read_doc(ole, doc) -> None:
    wd = _stream(ole, "WordDocument", doc)
    try:
        counts, pairs, flags = _fib(wd)
        if flags & 0x0100:
            raise Declined("encrypted Word document: no password", "doc")
        table_name = "1Table" if flags & 0x0200 else "0Table"
        table = _stream(ole, table_name, doc) if ole.exists(table_name) else b""
        fc, lcb = pairs[33]  # fcClx / lcbClx
        text = _characters(wd, _pieces(table[fc: fc + lcb]))
    except _Broken as e:
        _runs(wd, doc, str(e))
        return
    ccp = dict(zip(("text", "ftn", "hdd", "mcr", "atn", "edn", "txbx", "hdrtxbx"), counts[3:11]))
    at, stories = 0, {}
    for name, n in ccp.items():
        stories[name] = (at, at + n)
        at += n

    def story(name: str) -> str:
        return _clean(text[stories[name][0]: stories[name][1]])

    body = []
    for kind, item in _tables(story("text") + "\n" + story("txbx")):
        if kind == "table":
            doc.text("body", "\n".join(body))
            body = []
            doc.table(item)
        else:
            body.append(item.replace("\x07", "\t"))
    doc.text("body", "\n".join(body))
    _headers(text, stories["hdd"], pairs[11], table, doc)
    doc.text("header", story("hdrtxbx"))
    doc.text("footnotes", story("ftn") + "\n\n" + story("edn"))
    doc.text("comments", story("atn").replace("\x07", "\t"))
    fc, lcb = pairs[36]  # fcGrpXstAtnOwners
    doc.values("comments.author", _xst_names(table[fc: fc + lcb]))


def _headers(text: str, span: tuple[int, int], plc: tuple[int, int], table: bytes, doc) -> None:
    """The header story, split by the PlcfHdd: after six separator stories, each section has
    even, odd header, even, odd footer, first header, first footer."""
    start, end = span
    fc, lcb = plc
    cps = list(struct.unpack_from(f"<{lcb // 4}I", table, fc)) if lcb >= 8 and fc + lcb <= len(table) else []
    if len(cps) < 3 or any(b < a for a, b in zip(cps, cps[1:])) or start + cps[-2] > end:
        doc.text("header", _clean(text[start:end]))  # no usable PlcfHdd: headers and footers as one
        return
    for i in range(6, len(cps) - 2):
        place = "header" if (i - 6) % 6 in (0, 1, 4) else "footer"
        doc.text(place, _clean(text[start + cps[i]: start + cps[i + 1]]))


_UTF16_RUN = re.compile(rb"(?:[\x20-\x7e\xa0-\xff\t\r\n]\x00){8,}")
_BYTE_RUN = re.compile(rb"[\x20-\x7e\xc0-\xff\t\r\n]{8,}")


def _runs(wd: bytes, doc, why: str) -> None:
    """Text recovered from the WordDocument stream without its piece table: runs of UTF-16 and
    of 8-bit characters past the FIB (a document holds either or both), those with a word in them."""
    doc.warnings.append(f"doc: the piece table is unreadable ({why}): text read from runs of characters")
    runs = [m.group().decode("utf-16-le") for m in _UTF16_RUN.finditer(wd)]
    runs += [m.group().decode("cp1252", "replace") for m in _BYTE_RUN.finditer(wd, 0x200)]
    doc.text("body", _clean("\n".join(r for r in runs if re.search(r"[A-Za-zÆØÅæøå]{3}", r))))


# -- Excel ---------------------------------------------------------------------------------------
_CELLS = {0x0006, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x00BD, 0x00BE, 0x00FD, 0x00D6, 0x0208}
_STRING, _CONTINUE, _BOF, _EOF, _BOUNDSHEET, _FILEPASS = 0x0207, 0x003C, 0x0809, 0x000A, 0x0085, 0x002F


def _records(data: bytes, at: int):
    while at + 4 <= len(data):
        kind, size = struct.unpack_from("<HH", data, at)
        yield at, kind, size
        at += 4 + size


def trim_workbook(data: bytes, row_cap: int) -> bytes:
    """The workbook stream without the cell records of rows past `row_cap`: the globals as they
    are, each sheet after them with its offset in BOUNDSHEET set anew."""
    sheets, end = [], len(data)
    for at, kind, size in _records(data, 0):
        if kind == _FILEPASS:
            raise Declined("encrypted Excel workbook: no password", "xls")
        if kind == _BOUNDSHEET:
            sheets.append(at)
        if kind == _EOF:
            end = at + 4 + size
            break
    out = bytearray(data[:end])
    starts = [struct.unpack_from("<I", data, bound + 4)[0] for bound in sheets]
    if len(set(starts)) != len(starts) or any(start < end for start in starts):
        raise Corrupt("xls: sheets that overlap")  # each copied once per entry: a few KiB would become GiB
    for bound, start in zip(sheets, starts):
        struct.pack_into("<I", out, bound + 4, len(out))
        depth, dropped = 0, False
        for at, kind, size in _records(data, start):
            if kind == _BOF:
                depth += 1
            row = struct.unpack_from("<H", data, at + 4)[0] if size >= 2 and at + 6 <= len(data) else 0
            if kind in _CELLS and row >= row_cap or (dropped and kind in (_STRING, _CONTINUE)):
                dropped = True
            else:
                dropped = False
                out += data[at: at + 4 + size]
            if kind == _EOF:
                depth -= 1
                if depth <= 0:
                    break
    return bytes(out)


class _Quiet:
    def write(self, _text) -> None:  # xlrd writes its warnings to a log file: none wanted
        pass


def _cell(value, ctype: int, datemode: int) -> str:
    import xlrd

    if ctype == xlrd.XL_CELL_NUMBER:
        return str(int(value)) if float(value).is_integer() else str(value)
    if ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate_as_datetime(value, datemode).isoformat(sep=" ").removesuffix(" 00:00:00")
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return str(value)
    if ctype == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if value else "FALSE"
    if ctype == xlrd.XL_CELL_TEXT:
        return value
    return ""


def _read_xls(ole, doc) -> None:
    import xlrd

    name = "Workbook" if ole.exists("Workbook") else "Book"
    row_cap = doc.limits.max_rows + 20
    data = trim_workbook(_stream(ole, name, doc), row_cap)
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True, ragged_rows=True, logfile=_Quiet())
    except xlrd.XLRDError as e:  # its message may quote the file's bytes ("found b'…'"): not those
        raise Corrupt(f"xls: {str(e).split(';')[0].split(' found ')[0][:120]}") from e
    for i in range(book.nsheets):
        if doc.full or doc.out_of_time():
            doc.skip(f"sheets from sheet {i + 1}", "not read: the document's time or text budget is spent")
            break
        sheet = book.sheet_by_index(i)
        width = doc.limits.max_fields + 1
        rows = [[_cell(v, t, book.datemode) for v, t in zip(sheet.row_values(r, 0, width),
                                                               sheet.row_types(r, 0, width))]
                for r in range(min(sheet.nrows, row_cap))]
        doc.table(rows, label=sheet.name, sep="!")
        book.unload_sheet(i)


# -- PowerPoint ----------------------------------------------------------------------------------
_CONTAINER = 0xF
_SLIDE, _NOTES, _MASTER, _SLWT, _PERSIST = 0x03EE, 0x03F0, 0x03F8, 0x0FF0, 0x03F3
_CHARS, _BYTES, _CRYPT = 0x0FA0, 0x0FA8, 0x2F14


def _read_ppt(ole, doc) -> None:
    """Text atoms in stream order, by where they sit: the slide list's texts (one slide per
    SlidePersistAtom), a slide's or notes page's drawing; masters' placeholder text left out.
    A text seen once is not taken again (PowerPoint keeps some twice)."""
    data = _stream(ole, "PowerPoint Document", doc)
    open_: list[tuple[int, int, int]] = []  # (end, type, instance) of the containers we are in
    seen: set[str] = set()
    places: dict[str, list[str]] = {}
    slides = persist = 0
    for n, (at, kind, size, instance, version) in enumerate(_ppt_records(data)):
        while open_ and at >= open_[-1][0]:
            open_.pop()
        if len(open_) > 64 or (n % 4096 == 0 and doc.out_of_time()):
            doc.skip("PowerPoint Document", "containers nested past 64 levels or the document's time spent: "
                                            "the rest not read")
            break
        if kind == _CRYPT:
            raise Declined("encrypted PowerPoint file: no password", "ppt")
        if version == _CONTAINER:
            open_.append((at + 8 + size, kind, instance))
            slides += kind == _SLIDE
            continue
        persist += kind == _PERSIST and any(t == _SLWT and i == 0 for _, t, i in open_)
        if kind not in (_CHARS, _BYTES) or any(t == _MASTER for _, t, _ in open_):
            continue
        raw = data[at + 8: at + 8 + size]
        text = (raw.decode("utf-16-le", "replace") if kind == _CHARS else raw.decode("cp1252", "replace")).strip()
        kinds = [(t, i) for _, t, i in open_]
        if (_SLWT, 2) in kinds or any(t == _NOTES for t, _ in kinds):
            place = "notes"
        elif (_SLWT, 0) in kinds:
            place = f"slide {max(persist, 1)}"
        else:
            place = f"slide {max(slides, 1)}"
        if text and text not in seen:
            seen.add(text)
            places.setdefault(place, []).append(text.replace("\r", "\n").replace("\x0b", "\n"))
    for place, texts in places.items():
        doc.text(place, "\n".join(texts))


def _ppt_records(data: bytes):
    at = 0
    while at + 8 <= len(data):
        head, kind, size = struct.unpack_from("<HHI", data, at)
        yield at, kind, size, head >> 4, head & 0xF
        at += 8 if head & 0xF == _CONTAINER else 8 + size
