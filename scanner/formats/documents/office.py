"""Word (.docx) and PowerPoint (.pptx): Office Open XML packages read with lxml, and the package
checks the OpenDocument reader shares (zip bombs, part sizes, embedded images, time and budget).

Word's body is streamed (iterparse, each paragraph and table row freed once read): python-docx
builds the whole tree first, about eight times the XML in memory and ten times slower, so a
document of a few hundred MB would not fit. Fields: `body` (paragraphs as lines, so an address
block stays together, text boxes included), `table N: <header>`, `header`, `footer`,
`footnotes`, `comments` and `comments.author`, `metadata.author`; slides are `slide N` and
`slide N notes`. Images of 20 KB or more (or 300 pixels a side) go to the image reader (OCR),
embedded files to theirs.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator

from scanner.formats.errors import Corrupt, Declined, TooLarge
from scanner.formats.limits import MiB

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
P_NS = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
R_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
DC = "{http://purl.org/dc/elements/1.1/}"
CP = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"

MAX_RATIO = 200  # deflate packs real XML 10-30 times; a part packed far tighter is a bomb
RATIO_FROM = 4 * MiB  # small parts may be as repetitive as they like
SMALL_PART = 8 * MiB  # parts parsed whole (slides, comments, styles): past this, not read
MIN_IMAGE = 20 * 1024  # smaller images are logos and icons (unless MIN_PIXELS a side): not worth an OCR
MIN_PIXELS = 300
RASTER = (".png", ".jpg", ".jpeg", ".gif", ".tif", ".tiff", ".bmp", ".webp")
FLUSH_LINES = 500  # running text goes to the document in pieces, not held whole


# -- the package: shared with opendocument ----------------------------------------------------
def open_package(stream, doc, fmt: str, main: str) -> zipfile.ZipFile:
    """The zip, once its declared sizes are within the limits: zipfile never inflates a member
    past its declared size, so these bound what reading can cost."""
    try:
        zf = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        raise Corrupt(f"{fmt}: not a readable zip ({type(e).__name__})") from e
    infos = zf.infolist()
    if main not in zf.NameToInfo:
        raise Corrupt(f"{fmt}: no {main}")
    if sum(i.file_size for i in infos) > doc.limits.max_decompressed:
        raise TooLarge(doc.limits.max_decompressed, f"{fmt} unpacked")
    for info in infos:
        if (info.filename.endswith(".xml") and info.file_size > RATIO_FROM
                and info.file_size > MAX_RATIO * max(info.compress_size, 1)):
            part = info.filename if info.filename == main else "an XML part"  # names may be anyone's
            raise TooLarge(MAX_RATIO, f"{fmt}: {part} unpacked", unit="times its packed size")
    return zf


def iterparse(source, tags):
    from lxml import etree

    # No entities, no DTD, no network; libxml2's own depth limit (256) stays on (no huge_tree).
    return etree.iterparse(source, events=("end",), tag=tags, resolve_entities=False, load_dtd=False,
                           no_network=True, remove_comments=True, remove_pis=True)


def free(el) -> None:
    """Drop a read element and the siblings before it: the tree stays as small as one paragraph."""
    el.clear()
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


def small_part(zf: zipfile.ZipFile, name: str, doc):
    """A part parsed whole, or None (missing, or past SMALL_PART: one skipped record)."""
    from lxml import etree

    info = zf.NameToInfo.get(name)
    if info is None:
        return None
    if info.file_size > SMALL_PART:
        doc.skip(name, str(TooLarge(SMALL_PART, name)))
        return None
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, remove_comments=True)
    return etree.fromstring(zf.read(name), parser)


def stop_reason(doc) -> str | None:
    """Why the rest of a document is not read, if it is not."""
    if doc.out_of_time():
        return f"not read: the document took longer than {doc.limits.document_seconds:.0f} s"
    if doc.full:
        return "not read: the document's text budget is spent"
    return None


class Lines:
    """Running text of one place, handed to the document in pieces of FLUSH_LINES lines."""

    def __init__(self, doc, place: str):
        self.doc, self.place, self.lines = doc, place, []

    def add(self, text: str) -> None:
        self.lines.append(text)
        if len(self.lines) >= FLUSH_LINES:
            self.flush()

    def flush(self) -> None:
        if self.lines:
            self.doc.text(self.place, "\n".join(self.lines))
            self.lines = []


def _page_sized(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """An image of MIN_IMAGE bytes or more, or a smaller one of MIN_PIXELS a side: a scanned page
    of a few lines packs into a few KB, a logo or an icon is small in pixels too."""
    if info.file_size >= MIN_IMAGE:
        return True
    from PIL import Image

    try:
        with Image.open(zf.open(info)) as im:  # reads the header only
            return min(im.size) >= MIN_PIXELS
    except Exception:  # noqa: BLE001 - not an image Pillow knows: not worth an OCR
        return False


def embedded(zf: zipfile.ZipFile, doc, images: str, files: str | None = None) -> None:
    """Page-sized images under `images` (read by OCR as `image NAME`), and any file under `files`
    (`embedded NAME`), read through the readers."""
    read = 0
    for info in zf.infolist():
        name = info.filename
        is_image = name.startswith(images) and name.lower().endswith(RASTER) and _page_sized(zf, info)
        if not (is_image or (files and name.startswith(files) and not name.endswith("/"))):
            continue
        why = stop_reason(doc)
        if why is None and read >= doc.limits.max_pages:
            why = f"not read: more than {doc.limits.max_pages} images and embedded files"
        if why:
            doc.skip(f"{name} and after", why)
            return
        read += 1
        doc.attachment(posixpath.basename(name), zf.read(name), prefix="image" if is_image else "embedded")


def core_authors(zf: zipfile.ZipFile, doc) -> None:
    """docProps/core.xml: who wrote the document and who saved it last."""
    root = small_part(zf, "docProps/core.xml", doc)
    if root is not None:
        names = [el.text for tag in (DC + "creator", CP + "lastModifiedBy") for el in root.iter(tag)]
        doc.values("metadata.author", list(dict.fromkeys(names)))


# -- Word --------------------------------------------------------------------------------------
def _text(el, out: list[str]) -> list[str]:
    """The text under a WordprocessingML element: runs, tabs and breaks; a paragraph or table
    row inside it (a text box, a nested table) on lines of its own; cells apart by tabs."""
    for child in el:
        tag = child.tag
        if tag == W + "t" or tag == W + "delText":  # deleted text is still in the file
            out.append(child.text or "")
        elif tag == W + "tab":
            out.append("\t")
        elif tag in (W + "br", W + "cr"):
            out.append("\n")
        elif tag == FALLBACK or tag == W + "instrText":  # a second copy of a text box; field codes
            continue
        elif tag in (W + "p", W + "tr"):
            out.append("\n")
            _text(child, out)
            out.append("\n")
        elif tag == W + "tc":
            _text(child, out)
            out.append("\t")
        else:
            _text(child, out)
    return out


def _cell(tc) -> str:
    return "\n".join(line.strip() for line in "".join(_text(tc, [])).splitlines() if line.strip())


def _number(el, path: str, default: int) -> int:
    found = el.find(path)
    try:
        return max(0, int(found.get(W + "val"))) if found is not None else default
    except (TypeError, ValueError):
        return default


def _row(tr, width_cap: int) -> list[str]:
    """A row's cells on the table's grid: a cell merged across columns is its text once and
    blanks after it (python-docx repeats it), so each value is counted once and stays in its column."""
    row = [""] * min(_number(tr, f"{W}trPr/{W}gridBefore", 0), width_cap)  # grid columns the row starts after
    cells = []
    for child in tr:
        if child.tag == W + "tc":
            cells.append(child)
        elif child.tag == W + "sdt":  # cells inside a content control
            cells.extend(child.iterfind(f"{W}sdtContent/{W}tc"))
    for tc in cells:
        if len(row) >= width_cap:
            break
        row.append(_cell(tc))
        row.extend([""] * min(_number(tc, f"{W}tcPr/{W}gridSpan", 1) - 1, width_cap - len(row)))
    return row


def word_story(source, limits) -> Iterator[tuple[str, object]]:
    """("p", text) for each paragraph and ("table", rows) for each table of a WordprocessingML
    part, in document order, streamed. A table keeps its first max_rows rows and a few more
    (its header may sit under a title)."""
    row_cap, width_cap = limits.max_rows + 20, limits.max_fields + 1
    rows: list[list[str]] = []
    for _, el in iterparse(source, (W + "p", W + "tr", W + "tbl")):
        above = [a.tag for a in el.iterancestors()]
        if W + "p" in above:
            continue  # a text box's paragraph: read with the paragraph that holds it
        tables = above.count(W + "tbl")
        if el.tag == W + "p":
            if tables:
                continue  # a cell's paragraph: read with its row
            yield "p", "".join(_text(el, [])).strip("\n")
        elif el.tag == W + "tr":
            if tables != 1:
                continue  # a nested table's row: read as its cell's text
            if len(rows) < row_cap:
                rows.append(_row(el, width_cap))
        else:
            if tables:
                continue
            yield "table", rows
            rows = []
        free(el)


def read_story(zf: zipfile.ZipFile, name: str, doc, place: str, tables: bool = True) -> None:
    """One part's paragraphs as `place` lines and its tables as `doc.table`s (or as lines, where
    a table is the layout of a header or footer)."""
    if name not in zf.NameToInfo:
        return
    lines = Lines(doc, place)
    for kind, item in word_story(zf.open(name), doc.limits):
        why = stop_reason(doc)
        if why:
            doc.skip(f"{place} ({name})", why)
            break
        if kind == "p":
            lines.add(item)
        elif tables:
            lines.flush()
            doc.table(item)
        else:
            for row in item:
                lines.add("\t".join(c for c in row if c))
    lines.flush()


def _comments(zf: zipfile.ZipFile, doc, name: str = "word/comments.xml") -> None:
    if name not in zf.NameToInfo:
        return
    lines, authors = Lines(doc, "comments"), []
    for _, el in iterparse(zf.open(name), W + "comment"):
        authors.append(el.get(W + "author"))
        lines.add("".join(_text(el, [])).strip("\n"))
        lines.add("")  # one comment, one paragraph
        free(el)
    lines.flush()
    doc.values("comments.author", authors)


_NUMBERED = re.compile(r"(\d+)\.xml$")


def _parts(zf: zipfile.ZipFile, pattern: str) -> list[str]:
    found = [n for n in zf.namelist() if re.fullmatch(pattern, n)]
    return sorted(found, key=lambda n: (int(m.group(1)) if (m := _NUMBERED.search(n)) else 0, n))


STRICT = b"purl.oclc.org/ooxml/wordprocessingml/main"


def read_docx(stream, doc, fmt: str) -> None:
    zf = open_package(stream, doc, fmt, "word/document.xml")
    with zf:
        with zf.open("word/document.xml") as head:
            if STRICT in head.read(4096):  # another namespace for every element: nothing would be found
                raise Declined("docx: Strict Open XML: no reader; save as a Word document (.docx)", fmt)
        core_authors(zf, doc)
        for name in _parts(zf, r"word/header\d*\.xml"):
            read_story(zf, name, doc, "header", tables=False)
        for name in _parts(zf, r"word/footer\d*\.xml"):
            read_story(zf, name, doc, "footer", tables=False)
        _comments(zf, doc)
        read_story(zf, "word/document.xml", doc, "body")
        for name in ("word/footnotes.xml", "word/endnotes.xml"):
            read_story(zf, name, doc, "footnotes", tables=False)
        embedded(zf, doc, "word/media/", "word/embeddings/")


# -- PowerPoint --------------------------------------------------------------------------------
def _rels(zf: zipfile.ZipFile, part: str, doc) -> dict[str, tuple[str, str]]:
    """A part's relationships: id -> (type, the target's name in the package)."""
    folder, base = posixpath.split(part)
    root = small_part(zf, f"{folder}/_rels/{base}.rels", doc)
    if root is None:
        return {}
    return {r.get("Id"): (r.get("Type", ""), posixpath.normpath(posixpath.join(folder, r.get("Target", ""))))
            for r in root.iter(REL + "Relationship")}


def _slides(zf: zipfile.ZipFile, doc) -> list[str]:
    """The slides in the presentation's order (sldIdLst); by file number where that is missing."""
    rels = _rels(zf, "ppt/presentation.xml", doc)
    root = small_part(zf, "ppt/presentation.xml", doc)
    ordered = []
    if root is not None:
        for sld in root.iter(P_NS + "sldId"):
            target = rels.get(sld.get(R_NS + "id"), ("", ""))[1]
            if target in zf.NameToInfo:
                ordered.append(target)
    return ordered or _parts(zf, r"ppt/slides/slide\d+\.xml")


def _drawing_text(root) -> tuple[list[str], list[list[list[str]]]]:
    """A slide's paragraphs (fields such as the slide number left out) and its tables."""
    lines, tables = [], []
    for el in root.iter(A + "p", A + "tbl"):
        if el.tag == A + "tbl":
            tables.append([[_a_text(tc) for tc in tr.iter(A + "tc")] for tr in el.iter(A + "tr")])
        elif not any(a.tag == A + "tbl" for a in el.iterancestors()):
            lines.append(_a_text(el))
    return lines, tables


def _a_text(el) -> str:
    out = []
    for t in el.iter(A + "t", A + "br", A + "p"):
        if t.tag == A + "t" and t.getparent().tag != A + "fld":
            out.append(t.text or "")
        elif t.tag == A + "br" or (t.tag == A + "p" and t is not el and out):
            out.append("\n")
    return "".join(out).strip()


def read_pptx(stream, doc, fmt: str) -> None:
    zf = open_package(stream, doc, fmt, "ppt/presentation.xml")
    with zf:
        core_authors(zf, doc)
        for n, name in enumerate(_slides(zf, doc), 1):
            why = stop_reason(doc)
            if why:
                doc.skip(f"slide {n} and after", why)
                break
            root = small_part(zf, name, doc)
            if root is None:
                continue
            lines, tables = _drawing_text(root)
            doc.text(f"slide {n}", "\n".join(lines))
            for rows in tables:
                doc.table(rows)
            for kind, target in _rels(zf, name, doc).values():
                if kind.endswith("/notesSlide") and (notes := small_part(zf, target, doc)) is not None:
                    doc.text(f"slide {n} notes", "\n".join(_drawing_text(notes)[0]))
        _pptx_comments(zf, doc)
        embedded(zf, doc, "ppt/media/", "ppt/embeddings/")


def _pptx_comments(zf: zipfile.ZipFile, doc) -> None:
    """Comments, old style (ppt/comments/comment1.xml, authors in commentAuthors.xml) and modern
    (modernComment_*.xml, authors in authors.xml): the text of each, and who wrote them."""
    texts = []
    for name in _parts(zf, r"ppt/comments/[^/]+\.xml"):
        root = small_part(zf, name, doc)
        if root is not None:
            texts += ["".join(t.itertext()).strip() for t in root.iter(P_NS + "text")]
            texts += [_a_text(p) for p in root.iter(A + "p")]
    doc.text("comments", "\n\n".join(t for t in texts if t))
    authors = []
    for name in ("ppt/commentAuthors.xml", "ppt/authors.xml"):
        root = small_part(zf, name, doc)
        if root is not None:
            authors += [el.get("name") for el in root.iter() if isinstance(el.tag, str)
                        and el.tag.endswith(("}cmAuthor", "}author"))]
    doc.values("comments.author", authors)
