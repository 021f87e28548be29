"""OpenDocument text (.odt), spreadsheets (.ods) and presentations (.odp), read with lxml.

content.xml is streamed (iterparse, each paragraph, row or page freed once read). odfpy builds
its own Python object per element of the whole document first: on a 20,000-row sheet it took
several times the time and over ten times the memory of streaming (see the issue's report), and a
sheet's `number-rows-repeated` would be its problem too. Here a repeated row or column is
expanded only as far as the sample reads (an empty one never): the 1,048,576 empty rows a
spreadsheet writes after its data cost nothing.

Fields: ODT `body`, `table N: <header>`, `header`/`footer` (the master pages in styles.xml),
`comments` and `comments.author` (annotations), `metadata.author` (meta.xml); ODS one table per
sheet, `Kunder!Navn` as in XLSX; ODP `slide N` and `slide N notes`. Pictures of 20 KB or more go
to the image reader.
"""

from __future__ import annotations

from scanner.formats.documents.office import (
    SMALL_PART,
    Lines,
    embedded,
    free,
    iterparse,
    open_package,
    small_part,
    stop_reason,
)
from scanner.formats.errors import Declined

_NS = "urn:oasis:names:tc:opendocument:xmlns:"
TEXT, TABLE, OFFICE, DRAW = (f"{{{_NS}{k}:1.0}}" for k in ("text", "table", "office", "drawing"))
PRES, STYLE, META = (f"{{{_NS}{k}:1.0}}" for k in ("presentation", "style", "meta"))
DC = "{http://purl.org/dc/elements/1.1/}"
P, H, ROW, TBL, PAGE = TEXT + "p", TEXT + "h", TABLE + "table-row", TABLE + "table", DRAW + "page"
CELLS = (TABLE + "table-cell", TABLE + "covered-table-cell")
ANNOTATION = OFFICE + "annotation"
MAX_SPACES = 100  # text:s c="…": a run of spaces, not a way to make memory
_SKIP = {OFFICE + "annotation-end", TEXT + "note-citation", TEXT + "bookmark", TEXT + "bookmark-start",
         TEXT + "bookmark-end", TEXT + "soft-page-break", TEXT + "sequence-decls", TEXT + "tracked-changes"}
_VALUES = (OFFICE + "string-value", OFFICE + "value", OFFICE + "date-value", OFFICE + "time-value",
           OFFICE + "boolean-value")


def _count(el, name: str, cap: int) -> int:
    try:
        return max(1, min(int(el.get(name, "1")), cap))
    except ValueError:
        return 1


def _walk(el, out: list[str], notes: list) -> list[str]:
    """The text of an element, in order: spans, spaces, tabs and line breaks; paragraphs inside it
    (a text box, a cell) on lines of their own. Annotations go to `notes`, not the text."""
    if el.text:
        out.append(el.text)
    for child in el:
        tag = child.tag
        if tag == TEXT + "s":
            out.append(" " * _count(child, TEXT + "c", MAX_SPACES))
        elif tag == TEXT + "tab":
            out.append("\t")
        elif tag == TEXT + "line-break":
            out.append("\n")
        elif tag == ANNOTATION:
            notes.append(child)
        elif tag in (P, H, ROW):
            out.append("\n")
            _walk(child, out, notes)
            out.append("\n")
        elif tag in CELLS:
            _walk(child, out, notes)
            out.append("\t")
        elif tag not in _SKIP and isinstance(tag, str):
            _walk(child, out, notes)
        if child.tail:
            out.append(child.tail)
    return out


def _lines(el, notes: list) -> str:
    return "\n".join(line.strip() for line in "".join(_walk(el, [], notes)).splitlines() if line.strip())


def _cell(cell, notes: list) -> str:
    text = _lines(cell, notes)
    if text:
        return text
    for name in _VALUES:  # a value without a displayed text
        if cell.get(name):
            return cell.get(name)
    return ""


def _row(row, width_cap: int, notes: list) -> list[str]:
    """A row's cells; repeated cells expanded up to `width_cap`, empty ones only before a value."""
    cells: list[str] = []
    pending = 0
    for cell in row:
        if cell.tag not in CELLS:
            continue
        n = _count(cell, TABLE + "number-columns-repeated", width_cap)
        value = _cell(cell, notes)
        if not value:
            pending += n
            continue
        cells.extend([""] * min(pending, width_cap - len(cells)))
        pending = 0
        cells.extend([value] * min(n, width_cap - len(cells)))
        if len(cells) >= width_cap:
            break
    return cells


class _Comments:
    """Annotations: their text as `comments`, their authors as `comments.author`."""

    def __init__(self, doc):
        self.lines, self.authors = Lines(doc, "comments"), []
        self.doc = doc

    def add(self, notes: list) -> None:
        for note in notes:
            self.authors += [c.text for c in note.iter(DC + "creator")]
            self.lines.add("\n".join(_lines(p, []) for p in note.iter(P)))
            self.lines.add("")

    def flush(self) -> None:
        self.lines.flush()
        self.doc.values("comments.author", self.authors)


def read_odf(stream, doc, fmt: str) -> None:
    zf = open_package(stream, doc, fmt, "content.xml")
    with zf:
        manifest = zf.NameToInfo.get("META-INF/manifest.xml")
        if manifest and manifest.file_size < SMALL_PART and b"encryption-data" in zf.read(manifest):
            raise Declined(f"encrypted OpenDocument file ({fmt}): no password", fmt)
        meta = small_part(zf, "meta.xml", doc)
        if meta is not None:
            names = [el.text for tag in (META + "initial-creator", DC + "creator") for el in meta.iter(tag)]
            doc.values("metadata.author", list(dict.fromkeys(names)))
        if fmt == "odt":
            _master_pages(zf, doc)
        comments = _Comments(doc)
        _content(zf.open("content.xml"), doc, fmt, comments)
        comments.flush()
        embedded(zf, doc, "Pictures/")


def _master_pages(zf, doc) -> None:
    """Headers and footers live on the master pages in styles.xml, not in content.xml."""
    root = small_part(zf, "styles.xml", doc)
    if root is None:
        return
    for page in root.iter(STYLE + "master-page"):
        for part in page:
            kind = "header" if part.tag.startswith(STYLE + "header") else \
                "footer" if part.tag.startswith(STYLE + "footer") else None
            if kind:
                doc.text(kind, _lines(part, []))


def _content(source, doc, fmt: str, comments: _Comments) -> None:
    limits = doc.limits
    row_cap, width_cap = limits.max_rows + 20, limits.max_fields + 1
    body, rows, slide = Lines(doc, "body"), [], 0
    tags = {"odp": (PAGE,), "ods": (ROW, TBL)}.get(fmt, (P, H, ROW, TBL))  # only the events each kind reads
    for _, el in iterparse(source, tags):
        tag = el.tag
        if fmt == "odp":
            if tag == PAGE:
                slide += 1
                _page(el, doc, slide, comments)
                free(el)
            continue  # a page's paragraphs and tables are read with the page
        why = stop_reason(doc)
        if why:
            doc.skip("content.xml: the rest", why)
            break
        above = [a.tag for a in el.iterancestors()]
        if P in above or H in above:
            continue  # in a text box, a footnote or an annotation: read with its paragraph
        tables = above.count(TBL)
        if tag in (P, H):
            if tables:
                continue  # a cell's paragraph: read with its row
            notes: list = []
            body.add(_lines(el, notes))
            comments.add(notes)
        elif tag == ROW:
            if tables != 1:
                continue  # a nested table's row: read as its cell's text
            if len(rows) >= row_cap:
                free(el)  # past the sample: parsed on to the next table, not looked at
                continue
            notes = []
            row = _row(el, width_cap, notes)
            comments.add(notes)
            if any(row):  # an empty row, however often repeated, adds nothing
                repeat = _count(el, TABLE + "number-rows-repeated", row_cap)
                rows.extend([row] * min(repeat, row_cap - len(rows)))
        else:
            if tables:
                continue
            body.flush()
            if fmt == "ods" and el.get(TABLE + "name"):
                doc.table(rows, label=el.get(TABLE + "name"), sep="!")
            else:
                doc.table(rows)
            rows = []
        free(el)
    body.flush()


def _page(page, doc, n: int, comments: _Comments) -> None:
    """One presentation page: its text boxes as `slide N`, its notes as `slide N notes`, its
    tables as tables."""
    slide, notes, found = [], [], []
    for el in page.iter(P, H, TBL):
        above = [a.tag for a in el.iterancestors()]
        if P in above or H in above or TBL in above:
            continue
        if el.tag == TBL:
            doc.table([_row(r, doc.limits.max_fields + 1, found) for r in el.iter(ROW)])
        else:
            (notes if PRES + "notes" in above else slide).append(_lines(el, found))
    comments.add(found)
    doc.text(f"slide {n}", "\n".join(slide))
    doc.text(f"slide {n} notes", "\n".join(notes))
