"""Hostile files, written on the spot: what an attacker (or a broken export) puts in front of a scanner.

Each writer makes one file of synthetic data in the shape that once cost a scan its memory, its
dataset or its report (issue 15): JSON nested 100,000 levels deep, a CSV of 100,000 columns, an
XLSX whose shared strings decompress to hundreds of megabytes, a CSV with one NUL byte, text in
UTF-16 or UTF-32 without a byte-order mark. Used by tests/test_hostile_input.py (small sizes) and
bench/fuzz.py (the sizes that were measured).
"""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

from detectors import synthetic

NAMES = ["Kari Nordmann", "Ola Hansen", "Ingrid Bråten", "Per Olav Tveit", "Aisha Khan", "Eirik Fossum"]
STREETS = ["Storgata", "Kirkeveien", "Fjordgata", "Bakkegata", "Sjøveien"]
TOWNS = ["Oslo", "Bergen", "Trondheim", "Tromsø", "Bodø"]


def people(n: int, seed: int = 15) -> list[list[str]]:
    """Rows of navn, fnr, epost, mobil: synthetic, so nothing real is ever written."""
    rnd = random.Random(seed)
    return [[NAMES[i % len(NAMES)], synthetic.fodselsnummer(rnd), f"kunde{i}@example.no", synthetic.phone_digits(rnd)]
            for i in range(n)]


def people_csv(n: int, seed: int = 15, delimiter: str = ";") -> str:
    rows = [["navn", "fnr", "epost", "mobil"], *people(n, seed)]
    return "".join(delimiter.join(r) + "\n" for r in rows)


def nested(depth: int, leaf: str = "1") -> str:
    """A JSON value `depth` levels deep: objects and arrays in turn."""
    opens = "".join('{"a":' if i % 2 else "[" for i in range(depth))
    closes = "".join("}" if i % 2 else "]" for i in reversed(range(depth)))
    return opens + leaf + closes


def deep_json(path: Path, depth: int = 100_000, arrays: bool = True) -> Path:
    """A document `depth` levels deep: arrays only (200 KB at 100,000 levels, as issue 15 measured
    it), or objects and arrays in turn."""
    path.write_text("[" * depth + "]" * depth if arrays else nested(depth))
    return path


def deep_jsonl(path: Path, lines: int = 200, depth: int = 100_000, at: int = 7) -> Path:
    """JSON Lines of customer records, one of which (line `at`) is nested `depth` deep."""
    import json

    with open(path, "w") as fh:
        for i, (navn, fnr, epost, mobil) in enumerate(people(lines)):
            if i == at:
                fh.write(nested(depth) + "\n")
            fh.write(json.dumps({"kunde": {"navn": navn, "fnr": fnr, "epost": epost}}) + "\n")
    return path


def wide_csv(path: Path, columns: int = 100_000, rows: int = 5) -> Path:
    """A headerless CSV of `columns` columns: an fnr first, then short values."""
    rnd = random.Random(3)
    with open(path, "w") as fh:
        for _ in range(rows):
            fh.write(synthetic.fodselsnummer(rnd) + "," + ",".join("x" for _ in range(columns - 1)) + "\n")
    return path


def nul_csv(path: Path, rows: int = 2000, at: int = 100) -> Path:
    """A customer CSV with one NUL byte in one value of row `at`."""
    lines = people_csv(rows).splitlines(keepends=True)
    lines[at] = lines[at].replace(";", "\0;", 1)
    path.write_text("".join(lines))
    return path


def wide_text(path: Path, encoding: str, rows: int = 50) -> Path:
    """A customer CSV in UTF-16/UTF-32 (`utf-16-le`, `utf-32-be`, …): no byte-order mark."""
    path.write_bytes(people_csv(rows).encode(encoding))
    return path


# --- XLSX, written part by part so that a part can be made as large as wanted ------------------

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships '
    'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook {_NS} '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Kunder" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships '
    'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>')


def member(name: str) -> zipfile.ZipInfo:
    """A zip entry with a fixed date: the same seed gives the same bytes."""
    info = zipfile.ZipInfo(name, date_time=(2024, 5, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _column(i: int) -> str:
    name = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        name = chr(65 + r) + name
    return name


def shared_strings_xlsx(path: Path, rows: int = 50, junk: str = "none", junk_bytes: int = 200 << 20,
                        junk_first: bool = False) -> Path:
    """A workbook of customers (navn, epost) whose text lives in the shared-strings table.

    `junk` adds to that table `junk_bytes` of either one huge string ("huge") or millions of tiny
    ones ("many"); it compresses a thousandfold, so the file stays small. With `junk_first`, the
    junk comes before the customers' strings, so the sheet's cells point past it.
    """
    strings = [s for navn, _, epost, _ in people(rows) for s in (navn, epost)]
    tiny = b"<si><t>x</t></si>"
    junk_strings = {"none": 0, "huge": 1, "many": junk_bytes // len(tiny)}[junk]
    offset = junk_strings if junk_first else 0
    header = '<row r="1"><c r="A1" t="inlineStr"><is><t>navn</t></is></c><c r="B1" t="inlineStr"><is><t>epost</t></is></c></row>'
    cells = "".join(f'<row r="{r + 2}"><c r="A{r + 2}" t="s"><v>{offset + 2 * r}</v></c>'
                    f'<c r="B{r + 2}" t="s"><v>{offset + 2 * r + 1}</v></c></row>' for r in range(rows))
    sheet = f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}><sheetData>{header}{cells}</sheetData></worksheet>'

    def write_junk(fh) -> None:
        if junk == "huge":
            fh.write(b"<si><t>")
            for _ in range(junk_bytes >> 20):
                fh.write(b"A" * (1 << 20))
            fh.write(b"</t></si>")
        elif junk == "many":
            for start in range(0, junk_strings, 65536):
                fh.write(tiny * min(65536, junk_strings - start))

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, text in (("[Content_Types].xml", _CONTENT_TYPES), ("_rels/.rels", _RELS),
                           ("xl/workbook.xml", _WORKBOOK), ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
                           ("xl/worksheets/sheet1.xml", sheet)):
            z.writestr(member(name), text)
        with z.open(member("xl/sharedStrings.xml"), "w", force_zip64=True) as fh:
            fh.write(f'<?xml version="1.0" encoding="UTF-8"?><sst {_NS}>'.encode())
            if junk_first:
                write_junk(fh)
            for s in strings:
                fh.write(f"<si><t>{s}</t></si>".encode())
            if not junk_first:
                write_junk(fh)
            fh.write(b"</sst>")
    return path


def wide_xlsx(path: Path, columns: int = 300, rows: int = 5) -> Path:
    """One sheet `columns` wide (inline strings): an e-mail column first, then short values."""
    header = "".join(f'<c r="{_column(i)}1" t="inlineStr"><is><t>{"epost" if i == 0 else f"felt_{_column(i)}"}</t></is></c>'
                     for i in range(columns))
    body = "".join(
        f'<row r="{r + 2}">' + "".join(
            f'<c r="{_column(i)}{r + 2}" t="inlineStr"><is><t>{f"k{r}@example.no" if i == 0 else "x"}</t></is></c>'
            for i in range(columns)) + "</row>" for r in range(rows))
    sheet = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}><sheetData><row r="1">{header}</row>'
             f"{body}</sheetData></worksheet>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (("[Content_Types].xml", _CONTENT_TYPES.replace(
                '<Override PartName="/xl/sharedStrings.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>', "")),
                ("_rels/.rels", _RELS), ("xl/workbook.xml", _WORKBOOK),
                ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.replace(
                    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                    'sharedStrings" Target="sharedStrings.xml"/>', "")),
                ("xl/worksheets/sheet1.xml", sheet)):
            z.writestr(member(name), text)
    return path


# What bench.fuzz measures one by one: (file name, writer) at the sizes issue 15 reported.
HOSTILE = {
    "deep.json": deep_json,
    "deep_objects.json": lambda p: deep_json(p, arrays=False),
    "deep_lines.jsonl": deep_jsonl,
    "wide.csv": wide_csv,
    "nul.csv": nul_csv,
    "shared_strings_huge.xlsx": lambda p: shared_strings_xlsx(p, junk="huge"),
    "shared_strings_many.xlsx": lambda p: shared_strings_xlsx(p, junk="many", junk_first=True),
    "utf16le.csv": lambda p: wide_text(p, "utf-16-le"),
    "utf16be.csv": lambda p: wide_text(p, "utf-16-be"),
    "utf32le.csv": lambda p: wide_text(p, "utf-32-le"),
    "utf32be.csv": lambda p: wide_text(p, "utf-32-be"),
}
