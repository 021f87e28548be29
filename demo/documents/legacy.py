"""RTF and legacy binary Office files of synthetic people: .rtf, Word 97 (.doc), Excel 97 (.xls)
and PowerPoint 97 (.ppt), written from a `demo.documents.office.Content` or list of `Sheet`s, in
OLE compound files from demo.documents.cfb; and a password-protected Office file's shell.

The binary files hold what a reader needs and what Word and Excel write for it: a FIB with its
piece table, header and comment tables ([MS-DOC]); BIFF8 globals with a shared string table and
sheets of LABELSST and NUMBER cells ([MS-XLS]); PowerPoint's slide list with text atoms
([MS-PPT]). They carry no formatting, so Office itself may refuse them.

`write_office` writes a folder of every format, modern and legacy, as a file share holds them.
"""

from __future__ import annotations

import random
import struct
import uuid
from pathlib import Path

from demo.documents import office
from demo.documents.cfb import cfb
from demo.documents.office import Content, Sheet, slides


# -- RTF -----------------------------------------------------------------------------------------
def _rtf_text(text: str) -> str:
    out = []
    for ch in text:
        if ch in "\\{}":
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\line ")
        elif ch == "\t":
            out.append("\\tab ")
        elif ord(ch) < 128:
            out.append(ch)
        else:
            try:
                out.append("\\'%02x" % ch.encode("cp1252")[0])
            except UnicodeEncodeError:
                code = ord(ch)
                out.append(f"\\u{code if code < 32768 else code - 65536}?")
    return "".join(out)


def rtf(content: Content, picture: bytes | None = None) -> bytes:
    """An .rtf as Word writes one: font and colour tables, the author in \\info, the header and
    footer as destinations, comments as annotations on the first paragraph, tables as \\trowd
    rows, and `picture` (PNG bytes) as a hex \\pict group."""
    out = ["{\\rtf1\\ansi\\ansicpg1252\\deff0",
           "{\\fonttbl{\\f0\\fswiss\\fcharset0 Arial;}{\\f1\\froman\\fcharset0 Times;}}",
           "{\\colortbl;\\red0\\green0\\blue0;}{\\*\\generator kartlegg demo;}",
           f"{{\\info{{\\title {_rtf_text(content.title)}}}{{\\author {_rtf_text(content.author or '')}}}}}",
           "\\paperw11906\\paperh16838\\margl1417\\margr1417\\sectd",
           f"{{\\header \\pard\\plain \\f0\\fs18 {_rtf_text(content.header)}\\par}}" if content.header else "",
           f"{{\\footer \\pard\\plain \\f0\\fs16 {_rtf_text(content.footer)}\\par}}" if content.footer else "", "\n"]
    notes = "".join(f"{{\\*\\atnid N{i}}}{{\\*\\atnauthor {_rtf_text(a)}}}\\chatn{{\\*\\annotation{{\\*\\atndate 0}}"
                    f"\\pard\\plain {_rtf_text(t)}}}" for i, (a, t) in enumerate(content.comments))
    for kind, item in content.blocks:
        if kind == "h":
            out.append(f"\\pard\\sb240\\b\\fs28 {_rtf_text(item)}\\b0\\fs22\\par\n")
        elif kind == "p":
            out.append(f"\\pard\\plain\\f0\\fs22 {notes}{_rtf_text(item)}\\par\n")
            notes = ""
        else:
            for row in item:
                edges = "".join(f"\\cellx{1800 * (c + 1)}" for c in range(len(row)))
                cells = "".join(f"\\pard\\intbl {_rtf_text(str(v))}\\cell " for v in row)
                out.append(f"\\trowd\\trgaph108{edges}{cells}\\row\n")
            out.append("\\pard\n")
    if picture:
        out.append("{\\*\\shppict{\\pict\\pngblip\\picw100\\pich100 " + picture.hex() + "}}\\par\n")
    out.append("}")
    return "".join(out).encode("ascii")


# -- OLE property sets ---------------------------------------------------------------------------
def summary(author: str) -> bytes:
    """A \\x05SummaryInformation stream ([MS-OLEPS]) naming `author` as author and last saver."""
    def text(s: str) -> bytes:
        data = s.encode("cp1252") + b"\0"
        return struct.pack("<II", 0x1E, len(data)) + data.ljust(-(-len(data) // 4) * 4, b"\0")

    props = [(1, struct.pack("<Ih", 2, 1252) + b"\0\0"), (4, text(author)), (8, text(author))]  # codepage, author, last
    head = 8 + 8 * len(props)
    offsets, body = [], b""
    for pid, value in props:
        offsets.append(struct.pack("<II", pid, head + len(body)))
        body += value
    section = struct.pack("<II", head + len(body), len(props)) + b"".join(offsets) + body
    fmtid = uuid.UUID("F29F85E0-4FF9-1068-AB91-08002B27B3D9").bytes_le
    return struct.pack("<HHI16sI", 0xFFFE, 0, 0x00020006, b"\0" * 16, 1) + fmtid + struct.pack("<I", 48) + section


def _with_summary(streams: dict[str, bytes], author: str | None) -> bytes:
    return cfb({**streams, **({"\x05SummaryInformation": summary(author)} if author else {})})


# -- Word 97 -------------------------------------------------------------------------------------
def _piece(text: str, at: int, unicode: bool) -> tuple[bytes, int]:
    """A piece's bytes and its FcCompressed value, placed at `at` in the WordDocument stream."""
    if unicode:
        return text.encode("utf-16-le"), at
    return text.encode("cp1252"), (at * 2) | 0x40000000


def doc(content: Content, *, unicode: bool = False, broken: bool = False, encrypted: bool = False) -> bytes:
    """A Word 97 .doc: the body (tables as cell-marked rows), the header and footer stories with
    their PlcfHdd, the comments with their authors (referenced from the first paragraph), all in
    two pieces (the body 8-bit unless `unicode`, the rest UTF-16). `broken` writes a piece table
    that points past the stream; `encrypted` sets the FIB's fEncrypted flag."""
    body, referenced = [], not content.comments
    for kind, item in content.blocks:
        if kind in ("h", "p"):
            ref = "" if referenced or kind == "h" else "\x05"
            referenced = referenced or kind == "p"
            body.append(item.replace("\n", "\x0b") + ref + "\r")
        else:
            body.append("".join("".join(f"{c}\x07" for c in row) + "\x07" for row in item))
    main = "".join(body) + "\r"
    # header stories: six separators (empty), then even/odd header, even/odd footer, first header/footer
    section = ["", content.header + "\r" if content.header else "", "", content.footer + "\r" if content.footer else "",
               "", ""]
    hdd = "".join(section)
    starts, at = [], 0
    for story in [""] * 6 + section:
        starts.append(at)
        at += len(story)
    plcfhdd = struct.pack(f"<{len(starts) + 2}I", *starts, len(hdd), len(hdd) + 1)
    atn = "".join(f"\x05{t}\r" for _, t in content.comments)
    rest = hdd + atn + "\r"  # the document ends with one more paragraph mark when stories follow
    text_at = 1536
    first, fc1 = _piece(main, text_at, unicode)
    second, fc2 = _piece(rest, text_at + len(first), True)
    cps = [0, len(main), len(main) + len(rest)]
    if broken:
        fc2 = 10**6
    plcpcd = struct.pack("<3I", *cps) + struct.pack("<HIH", 0, fc1, 0) + struct.pack("<HIH", 0, fc2, 0)
    clx = b"\x02" + struct.pack("<I", len(plcpcd)) + plcpcd
    authors = dict.fromkeys(a for a, _ in content.comments)
    owners = b"".join(struct.pack("<H", len(a)) + a.encode("utf-16-le") for a in authors)
    table = clx + plcfhdd + owners
    pairs = [(0, 0)] * 93
    pairs[33] = (0, len(clx))  # fcClx
    pairs[11] = (len(clx), len(plcfhdd))  # fcPlcfHdd
    pairs[36] = (len(clx) + len(plcfhdd), len(owners))  # fcGrpXstAtnOwners
    counts = [0] * 22
    counts[0] = text_at + len(first) + len(second)  # cbMac
    counts[3], counts[5], counts[7] = len(main), len(hdd), len(atn)  # ccpText, ccpHdd, ccpAtn
    flags = 0x0200 | 0x1000 | (0x0100 if encrypted else 0)  # fWhichTblStm (1Table), fExtChar, fEncrypted
    base = struct.pack("<HHHHHHHIBBHHII", 0xA5EC, 0x00C1, 0, 0x0414, 0, flags, 0x00BF, 0, 0, 0, 0, 0, 0, 0)
    fib = base + struct.pack("<H", 14) + b"\0" * 28 + struct.pack("<H", 22) + struct.pack("<22I", *counts) \
        + struct.pack("<H", 93) + b"".join(struct.pack("<II", *p) for p in pairs) + struct.pack("<H", 0)
    word = fib.ljust(text_at, b"\0") + first + second
    return _with_summary({"WordDocument": word.ljust(4096, b"\0"), "1Table": table.ljust(4096, b"\0")}, content.author)


# -- Excel 97 ------------------------------------------------------------------------------------
def _record(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _sst(strings: list[str]) -> bytes:
    """The shared string table, each string whole in its record (a CONTINUE where one is full)."""
    records, current = [], bytearray(struct.pack("<II", len(strings), len(strings)))
    for s in strings:
        item = struct.pack("<HB", len(s), 1) + s.encode("utf-16-le")
        if len(current) + len(item) > 8224:
            records.append(current)
            current = bytearray()
        current += item
    records.append(current)
    return _record(0x00FC, bytes(records[0])) + b"".join(_record(0x003C, bytes(r)) for r in records[1:])


def xls(sheets: list[Sheet], author: str | None = None, encrypted: bool = False) -> bytes:
    """A BIFF8 .xls: text cells in the shared string table, numbers as NUMBER cells; `encrypted`
    adds the FILEPASS record a password-protected workbook has (its cells are then left as they are)."""
    strings = list(dict.fromkeys(str(v)[:4000] for s in sheets for row in s.rows for v in row
                                 if not isinstance(v, (int, float))))
    index = {s: i for i, s in enumerate(strings)}
    bof = lambda kind: _record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 6))  # noqa: E731
    bodies = []
    for sheet in sheets:
        cells = []
        for r, row in enumerate(sheet.rows):
            for c, v in enumerate(row):
                if isinstance(v, (int, float)):
                    cells.append(_record(0x0203, struct.pack("<HHHd", r, c, 0, float(v))))
                else:
                    cells.append(_record(0x00FD, struct.pack("<HHHI", r, c, 0, index[str(v)[:4000]])))
        width = max((len(row) for row in sheet.rows), default=0)
        dims = _record(0x0200, struct.pack("<IIHHH", 0, len(sheet.rows), 0, width, 0))
        bodies.append(bof(0x0010) + dims + b"".join(cells) + _record(0x000A, b""))
    names = [struct.pack("<BB", len(s.name), 1) + s.name.encode("utf-16-le") for s in sheets]
    head = bof(0x0005) + (_record(0x002F, struct.pack("<HHH", 1, 1, 1) + bytes(48)) if encrypted else b"")
    head += _record(0x0042, struct.pack("<H", 1200)) + _record(0x0022, struct.pack("<H", 0))
    globals_size = len(head) + sum(4 + 6 + len(n) for n in names) + len(_sst(strings)) + 4
    at, bound = globals_size, []
    for name, body in zip(names, bodies):
        bound.append(_record(0x0085, struct.pack("<IBB", at, 0, 0) + name))
        at += len(body)
    workbook = head + b"".join(bound) + _sst(strings) + _record(0x000A, b"") + b"".join(bodies)
    return _with_summary({"Workbook": workbook.ljust(4096, b"\0")}, author)


# -- PowerPoint 97 -------------------------------------------------------------------------------
def _ppt_record(kind: int, body: bytes, instance: int = 0, container: bool = False) -> bytes:
    return struct.pack("<HHI", (instance << 4) | (0xF if container else 0), kind, len(body)) + body


def _ppt_text(text: str) -> bytes:
    try:
        return _ppt_record(0x0FA8, text.replace("\n", "\r").encode("latin-1"))
    except UnicodeEncodeError:
        return _ppt_record(0x0FA0, text.replace("\n", "\r").encode("utf-16-le"))


def ppt(content: Content, notes: list[str] | None = None) -> bytes:
    """A PowerPoint 97 .ppt: the slide list's text (title and body per slide), a master's
    placeholder text, each slide's drawing repeating its title (as PowerPoint does), notes."""
    deck = slides(content)
    listed = b""
    for i, (title, lines, tables) in enumerate(deck):
        rows = ["\t".join(str(c) for c in row) for t in tables for row in t]
        listed += _ppt_record(0x03F3, struct.pack("<IIiII", i + 2, 0, 0, 256 + i, 0))
        listed += _ppt_record(0x0F9F, struct.pack("<I", 0)) + _ppt_text(title)
        listed += _ppt_record(0x0F9F, struct.pack("<I", 1)) + _ppt_text("\n".join(lines + rows))
    master = _ppt_record(0x03F8, _ppt_text("Klikk for å redigere tittelstil"), container=True)
    document = _ppt_record(0x03E8, _ppt_record(0x0FF0, listed, 0, container=True), container=True)
    drawn = b"".join(_ppt_record(0x03EE, _ppt_text(title), container=True) for title, _, _ in deck)
    noted = b"".join(_ppt_record(0x03F0, _ppt_text(n), container=True) for n in (notes or []) if n)
    stream = document + master + drawn + noted
    user = struct.pack("<IIIHHH", 20, 0xE391C05F, 0, 0, 0, 0)
    return _with_summary({"PowerPoint Document": stream.ljust(4096, b"\0"), "Current User": _ppt_record(0x0FF6, user)},
                         content.author)


# -- declined OLE files --------------------------------------------------------------------------
def encrypted_office(rnd: random.Random) -> bytes:
    """The shell of a password-protected .docx/.xlsx: EncryptionInfo and an EncryptedPackage of
    (random) ciphertext, as Office writes them in an OLE file."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<encryption/>"
    package = struct.pack("<Q", 8000) + bytes(rnd.randrange(256) for _ in range(8192))
    return cfb({"EncryptionInfo": info, "EncryptedPackage": package})


def other_ole(rnd: random.Random) -> bytes:
    """An OLE file of no Office kind (a thumbnail cache, say)."""
    return cfb({"Catalog": bytes(rnd.randrange(256) for _ in range(600)), "256_1": b"\0" * 5000})


# -- an export to scan ---------------------------------------------------------------------------
def write_office(root: Path, seed: int = 20) -> dict[str, bytes]:
    """A folder of office documents as a file share holds them: letters, contracts and minutes
    in each word-processing format, customer lists as spreadsheets, presentations, manuals (the
    hard negatives) and a password-protected file. Returns {file name: bytes}."""
    rnd = random.Random(seed)
    crowd = office.people(rnd, 12)
    files = {
        "brev.docx": office.docx(office.letter(rnd, crowd[0], reviewer="Marte Kvam")),
        "kontrakt.docx": office.docx(office.contract(rnd, crowd[:8], reviewer="Jonas Berg")),
        "referat.docx": office.docx(office.minutes(rnd, crowd[2:6], reviewer="Siri Løvås")),
        "handbok.docx": office.docx(office.manual(rnd)),
        "brev.odt": office.odt(office.letter(rnd, crowd[1], reviewer="Henrik Dahl")),
        "kontrakt.odt": office.odt(office.contract(rnd, crowd[:8])),
        "handbok.odt": office.odt(office.manual(rnd)),
        "kunder.ods": office.ods(office.customer_sheets(rnd, crowd)),
        "brev.rtf": rtf(office.letter(rnd, crowd[3], reviewer="Marte Kvam")),
        "kontrakt.rtf": rtf(office.contract(rnd, crowd[:8])),
        "handbok.rtf": rtf(office.manual(rnd)),
        "brev.doc": doc(office.letter(rnd, crowd[4], reviewer="Jonas Berg")),
        "kontrakt.doc": doc(office.contract(rnd, crowd[:8]), unicode=True),
        "handbok.doc": doc(office.manual(rnd)),
        "kunder.xls": xls(office.customer_sheets(rnd, crowd), author=crowd[5].name),
        "referat.pptx": office.pptx(office.minutes(rnd, crowd[2:6]),
                                    notes=[f"Ring {crowd[7].name} på {office.spaced(crowd[7].phone)}"]),
        "referat.odp": office.odp(office.minutes(rnd, crowd[2:6])),
        "referat.ppt": ppt(office.minutes(rnd, crowd[2:6])),
        "hemmelig.docx": encrypted_office(rnd),
    }
    root.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (root / name).write_bytes(data)
    return files
