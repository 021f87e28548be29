"""HTML and XML documents, streamed: at most limits.max_bytes of either is read.

HTML through lxml's HTML parser with a target (no tree is built; four times as fast as html.parser):
the title, the author's meta tag, the visible text with blocks as lines, data tables as tables,
form values and mailto:/tel: links as fields of their own. XML through lxml's pull parser without
entity expansion, DTD loading, network access or XML_PARSE_HUGE (libxml2's caps hold: 256 levels,
entity amplification), each element cleared once read. Record-like XML (sibling elements of one tag
with children: a customer export) gives a field per path from the record down (`kunde/navn`,
`kunde/@id`), as JSON records do; document-like XML (DocBook, an XHTML fragment) its text as `body`.
"""

from __future__ import annotations

import codecs
import io
import re
from urllib.parse import unquote

from scanner.formats.errors import Corrupt, TooLarge
from scanner.formats.streams import CHUNK
from scanner.formats.text import choose_encoding
from scanner.model.values import MAX_JSON_PATHS, MAX_KEY, cap_name

_SPACE, _BOM = re.compile(r"\s+"), b"\xef\xbb\xbf"
_DECLARED = re.compile(rb"<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})")
_META = re.compile(rb"<meta[^>]{0,500}?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]{1,40})", re.IGNORECASE)


class _Lines:
    """Text as a browser lays it out: runs of white space as one space, blocks on lines of their own."""

    def __init__(self):  # not a list: a million short strings cost ten times their text
        self.text, self.size, self.breaks = io.StringIO(), 0, 2  # breaks: line ends just written

    def add(self, text: str, pre: bool = False) -> None:
        text = text if pre else _SPACE.sub(" ", text)
        self.text.write(text)  # white space alone neither ends a line nor counts as text read:
        self.size, self.breaks = (self.size, self.breaks) if text.isspace() or not text else (self.size + len(text), 0)

    def brk(self, blank: bool = False) -> None:
        if self.breaks < 1 + blank:  # the end of one block and the start of the next are one break
            self.text.write("\n" * (1 + blank - self.breaks))
            self.breaks = 1 + blank

    def value(self) -> str:
        return "\n".join(line.strip() for line in self.text.getvalue().split("\n")).strip()


def _declared(found: re.Match | None) -> str | None:
    """The encoding a meta tag or an XML declaration names, as Python names it. Latin-1 and ASCII
    read as Windows-1252, as browsers read them; UTF-16 and -32 as UTF-8: bytes that declared it in
    ASCII are not wide (a wide file is re-encoded on the way in, streams.as_utf8)."""
    try:
        name = codecs.lookup(found.group(1).decode("ascii")).name if found else None
    except LookupError:
        return None
    if name in ("iso8859-1", "ascii"):
        return "cp1252"
    return "utf-8" if name and name[:6] in ("utf-16", "utf-32") else name


def _chunks(stream, budget: int, doc):
    """The stream in chunks up to `budget` bytes, then None if there was more (counted in `doc`)."""
    while budget > 0 and (data := stream.read(min(CHUNK, budget))):
        budget -= len(data)
        yield data
    if budget <= 0 and stream.read(1):
        doc.unreadable["markup past the document's text budget (--read-bytes): not read"] += 1
        yield None


# --- HTML ---------------------------------------------------------------------------------------

_HIDDEN = frozenset("script style template noscript iframe object svg math canvas select datalist".split())
_PARAGRAPH = frozenset("p h1 h2 h3 h4 h5 h6 ul ol dl blockquote pre table section article header footer "
                       "hr form fieldset figure aside nav main address details".split())
_BLOCK = _PARAGRAPH | frozenset("div li dt dd tr caption legend summary center figcaption br".split())
_LAYOUT = frozenset("table h1 h2 h3 h4 h5 h6 ul ol blockquote".split())  # in a cell: the table lays out a page
_NOT_VALUES = frozenset("submit button reset image file checkbox radio".split())
_CELL_TEXT = 200  # characters: a cell longer than this is a page laid out in a table, not data
_CELLS = 400  # kept of one row (a table is read to max_fields columns)


class _Table:
    def __init__(self, layout: bool):
        self.layout, self.th, self.cell, self.row = layout, False, None, None  # cell: the open cell's _Lines
        self.rows: list[list[tuple[str, bool]]] = []  # (text, whether a <th>)


class _Html:
    """lxml's parser target: start, end and data in document order, implied end tags included."""

    def __init__(self, limits):
        self.limits, self.body, self.open = limits, _Lines(), []
        self.titles, self.authors, self.tables = [], [], []  # tables: the data tables' rows, as they end
        self.forms, self.links = {}, {"mailto": [], "tel": []}  # values by field name, by scheme
        self.hidden = self.head = self.pre = 0  # levels open inside what is not shown, <head>, <pre>
        self.title, self.rows = None, limits.max_rows + 50  # rows kept of a table: a title or notes may come first

    def _sink(self) -> _Lines:
        return self.open[-1].cell if self.open and self.open[-1].cell is not None else self.body

    def start(self, tag: str, attrib) -> None:
        table = self.open[-1] if self.open else None
        if self.hidden or tag in _HIDDEN or (tag == "tr" and table and len(table.rows) >= self.rows):
            self.hidden += 1  # a row past the sample is not read either
            return
        if tag == "head":
            self.head += 1
        elif tag == "title" and not self.titles:
            self.title = _Lines()
        elif tag == "meta" and attrib.get("name", "").lower() in ("author", "dc.creator"):
            self.authors.append(attrib.get("content", ""))
        elif tag == "input" and attrib.get("type", "text").lower() not in _NOT_VALUES:
            name = cap_name(attrib.get("name") or attrib.get("id") or "input", MAX_KEY)
            self.forms.setdefault(name, []).append(attrib.get("value", ""))
        elif tag == "a":
            scheme, _, target = attrib.get("href", "").strip().partition(":")
            if scheme.lower() in self.links:
                self.links[scheme.lower()] += [unquote(a).strip() for a in target.partition("?")[0].split(",")]
        elif tag in ("pre", "listing"):
            self.pre += 1
        if tag in _BLOCK:
            if table and table.cell is not None and tag in _LAYOUT:
                table.layout = True
            self._sink().brk(tag in _PARAGRAPH)
        if tag == "table":
            self.open.append(_Table(attrib.get("role", "").lower() in ("presentation", "none")))
        elif table and tag == "tr":
            self._end_row(table)
            table.row = []
        elif table and tag in ("td", "th"):
            self._end_cell(table)
            table.cell, table.th = _Lines(), tag == "th"

    def end(self, tag: str) -> None:
        if self.hidden:
            self.hidden -= 1
            return
        if tag == "head":
            self.head = max(0, self.head - 1)
        elif tag == "title" and self.title is not None:
            self.titles.append(self.title.value())
            self.title = None
        elif tag in ("pre", "listing"):
            self.pre = max(0, self.pre - 1)
        elif self.open and tag in ("td", "th", "tr"):
            (self._end_cell if tag != "tr" else self._end_row)(self.open[-1])
        elif self.open and tag == "table":
            self._end_table(self.open.pop())
        if tag in _BLOCK and tag != "br":
            self._sink().brk(tag in _PARAGRAPH)

    def data(self, text: str) -> None:
        if self.title is not None:
            self.title.add(text)
        elif not (self.hidden or self.head or self.body.size > self.limits.max_bytes):
            self._sink().add(text, self.pre > 0)

    def close(self) -> None:
        while self.open:  # a page cut at the byte budget
            self._end_table(self.open.pop())

    def _end_cell(self, t: _Table) -> None:
        if t.cell is not None:
            text = t.cell.value()
            t.layout = t.layout or len(text) > _CELL_TEXT
            t.row = [] if t.row is None else t.row
            if len(t.row) < _CELLS:
                t.row.append((text[: self.limits.value_cap], t.th))
            t.cell = None

    def _end_row(self, t: _Table) -> None:
        self._end_cell(t)
        if t.row and len(t.rows) < self.rows:
            t.rows.append(t.row)
        t.row = None

    def _end_table(self, t: _Table) -> None:
        """A data table is kept as a table; a layout table's cells are text where it stood."""
        self._end_row(t)
        if self.open and self.open[-1].cell is not None:
            self.open[-1].layout = True  # a table in a cell: the outer one lays out a page
        width = max((len(r) for r in t.rows), default=0)
        if t.layout or len(t.rows) < 2 or width < 2:
            self._sink().add("\n".join(text for row in t.rows for text, _ in row) + "\n\n", pre=True)
            return
        rows = [[text.replace("\n", " ") for text, _ in row] for row in t.rows]
        if all(row[0][1] and not any(th for _, th in row[1:]) for row in t.rows) or \
                all(len(row) == 2 and row[0][0].endswith(":") for row in t.rows):  # labels on the left
            rows = [list(column) for column in zip(*(r + [""] * (width - len(r)) for r in rows))]
        self.tables.append(rows)


def read_html(stream, doc, fmt: str) -> None:
    from lxml import etree

    target, decoder = _Html(doc.limits), None
    parser = etree.HTMLParser(target=target, no_network=True, remove_comments=True, remove_pis=True)
    for data in _chunks(stream, doc.limits.max_bytes, doc):
        if data is None:
            break
        if decoder is None:
            declared = _declared(_META.search(data[:4096]) or _DECLARED.match(data))
            encoding = "utf-8-sig" if data.startswith(_BOM) else declared or choose_encoding(data, False)
            decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        parser.feed(decoder.decode(data))  # str: the encoding is ours, not what libxml2 would guess
        if doc.out_of_time():
            doc.skip("the rest of the document", f"not read in {doc.limits.document_seconds:g} s")
        if target.body.size > doc.limits.max_bytes or doc.out_of_time():
            break
    if decoder is not None:
        parser.feed(decoder.decode(b"", True))
    try:
        parser.close()
    except etree.XMLSyntaxError:  # nothing a browser would show
        raise Corrupt(f"{fmt}: no content") from None
    doc.text("title", target.titles[0] if target.titles else None)
    doc.values("metadata.author", target.authors)
    doc.text("body", target.body.value())
    for rows in target.tables:
        doc.table(rows)
    for name, values in [*(("form." + n, v) for n, v in target.forms.items()),
                         *(("links." + k, v) for k, v in target.links.items())]:
        doc.values(name, values)


# --- XML ----------------------------------------------------------------------------------------

_IGNORED_NS = ("{http://www.w3.org/2001/XMLSchema-instance}", "{http://www.w3.org/XML/1998/namespace}")
_DOC_NS = frozenset(("http://www.w3.org/1999/xhtml", "http://docbook.org/ns/docbook", "http://www.tei-c.org/ns/1.0",
                     "urn:oasis:names:tc:opendocument:xmlns:office:1.0"))
_DOC_ROOTS = frozenset(("book", "article", "chapter", "TEI", "document-content"))
_SVG_TEXT = frozenset(("text", "tspan", "textPath", "title", "desc"))
_PROSE = 60  # characters per text element, on average, past which an XML is running text
_MIXED = 0.2  # share of the text in elements that also hold elements, past which it is running text
_PATHS = 10_000  # element paths counted (to find the records): a hostile file may have millions
_PROBE = 5000  # elements read in full before a record-like document is read for its values only
_REASONS = {"amplification": "entity expansion refused", "entity reference loop": "entity expansion refused",
            "huge text node": "a text node larger than the parser takes",
            "Premature end": "the document ends before it is complete"}


class _Frame:
    __slots__ = ("path", "direct", "size", "children", "inline", "shown")  # direct: its own text, not its children's

    def __init__(self, path: str, shown: bool, inline: bool):
        self.path, self.shown, self.inline, self.size, self.children, self.direct = path, shown, inline, 0, False, []


class _Xml:
    """The pull parser's events as values by path and as text in document order, until _PROBE elements
    tell which the document is; a record-like one is then read for its leaf values only, at a third of
    the cost. An element's own text is complete at its first child's start or its end, a child's tail
    at the next sibling's start or the parent's end: siblings are removed then, leaving the open path."""

    def __init__(self, limits):
        self.limits, self.body, self.stack = limits, _Lines(), []
        self.values: dict[str, list[str]] = {}
        self.starts, self.structured = {}, {}  # elements by path; of those, the ones that held elements
        self.lean = self.svg = self.document = False
        self.deep = self.dropped = self.skipping = self.ends = 0
        self.chars = self.mixed = self.leaves = self.leaf_chars = 0

    def feed(self, events) -> bool:
        """True when a container has given max_rows records."""
        for event, el in events:
            if event == "start":
                if self.skipping:
                    self.skipping += 1
                elif self._start(el):
                    return True
            elif self.skipping:  # inside an element too deep, a script or a style sheet
                self.skipping -= 1
                el.clear(keep_tail=True)
            else:
                self._end(el)
        return False

    def _start(self, el) -> bool:
        tag, stack = el.tag, self.stack
        local = tag.rpartition("}")[2]
        parent = stack[-1] if stack else None
        if parent is None:
            self.svg, self.document = local == "svg", local in _DOC_ROOTS or tag[1:].partition("}")[0] in _DOC_NS
        elif not self.lean:
            self._before(parent, el)
        if parent is not None:
            parent.children = True
        if len(stack) >= self.limits.max_nesting or local in ("script", "style"):
            self.skipping, self.deep = 1, self.deep + (len(stack) >= self.limits.max_nesting)
            return False
        inline = parent is not None and parent.size > 0  # inside running text: no line break around it
        if not (inline or self.lean):
            self.body.brk()
        up = parent.path if parent else ""
        path = f"{up}/{cap_name(local, MAX_KEY)}" if up else cap_name(local, MAX_KEY)
        shown = (parent.shown if parent else not self.svg) or (self.svg and local in _SVG_TEXT)
        stack.append(_Frame(path, shown, inline))
        if attributes := el.items():  # a record may hold its values in attributes alone
            _count(self.structured, path)
        for name, value in attributes:
            if not name.startswith(_IGNORED_NS):
                self._add(f"{path}/@{cap_name(name.rpartition('}')[2], MAX_KEY)}", value)
        return _count(self.starts, path) > self.limits.max_rows and self.starts.get(up) == 1

    def _before(self, frame: _Frame, el) -> None:
        """The parent's text before `el`: its own before its first child, else the tail of the
        sibling before (text between two entity references, never expanded, is left out)."""
        before = el.getprevious()
        self._text(frame, el.getparent().text if not frame.children else before.tail if before is not None else None)
        _drop_before(el)

    def _end(self, el) -> None:
        frame = self.stack.pop()
        if self.lean:
            if frame.children:
                _count(self.structured, frame.path)
            elif (text := el.text) and not text.isspace():
                self._add(frame.path, text.strip())
            el.clear()
            _drop_before(el)
            return
        for text in ([] if frame.children else [el.text]) + [node.tail for node in el]:
            self._text(frame, text)  # its own text, or the last child's tail and entity references' after it
        el.clear(keep_tail=True)
        if not frame.inline or not (frame.children or frame.size):  # an empty one inline is a <br/>
            self.body.brk(frame.children or frame.size > _PROSE)  # a paragraph ends a container or a long text
        value = "".join(frame.direct).strip()
        if frame.children:
            self.mixed += len(value)
            _count(self.structured, frame.path)
        else:
            self.leaves, self.leaf_chars = self.leaves + 1, self.leaf_chars + len(value)
        self.chars += len(value)
        if value:
            self._add(frame.path, value)
        self.ends += 1
        if self.ends == _PROBE and not self.running_text():
            self.lean, self.body = True, _Lines()

    def _text(self, frame: _Frame, text: str | None) -> None:
        if text:
            if frame.shown:
                self.body.add(text)
            if frame.size < self.limits.value_cap and (frame.size or not text.isspace()):
                frame.direct.append(text)
                frame.size += len(text)

    def _add(self, path: str, value: str) -> None:
        values = self.values.get(path)
        if values is None:
            if len(self.values) >= MAX_JSON_PATHS:
                self.dropped += 1
                return
            values = self.values[path] = []
        if len(values) < self.limits.max_rows:
            values.append(value[: self.limits.value_cap])

    def running_text(self) -> bool:
        return self.svg or self.document or self.mixed > _MIXED * self.chars or (
            self.leaves > 0 and self.leaf_chars / self.leaves > _PROSE)

    def fill(self, doc) -> None:
        if self.deep:
            doc.unreadable[f"xml nested deeper than {self.limits.max_nesting} levels"] += self.deep
        if not self.values or not self.lean and self.running_text():
            doc.text("body", self.body.value())
            return
        # The records: a tag repeated in one container, most of them holding elements; outermost first.
        records = sorted((p for p, n in self.starts.items() if n >= 2 and 2 * self.structured.get(p, 0) >= n
                          and "/" in p and self.starts.get(p.rpartition("/")[0]) == 1), key=len)
        for path, values in self.values.items():
            field = _field(path, records)
            if field == cap_name(path) and len(values) >= 3 and self.starts.get(path, 0) == len(values):
                doc.text(field, "\n".join(values))  # a leaf repeated outside any record (`dokument/avsnitt`): lines
            else:
                doc.values(field, values)
        if self.dropped:
            doc.skip("element paths…", f"{self.dropped} values in paths past the first {MAX_JSON_PATHS}: not read")


def _drop_before(el) -> None:
    parent = el.getparent()
    while parent is not None and el.getprevious() is not None:
        del parent[0]


def _count(counts: dict[str, int], path: str) -> int:
    if path in counts or len(counts) < _PATHS:
        counts[path] = counts.get(path, 0) + 1
    return counts.get(path, 0)


def _field(path: str, records: list[str]) -> str:
    """A value's path from its record element down (`kunde/adresse/postnr`), or from the root."""
    for record in records:
        if path.startswith(record) and path[len(record): len(record) + 1] in ("", "/"):
            return cap_name(record.rpartition("/")[2] + path[len(record):])
    return cap_name(path)


def _xml_encoding(head: bytes) -> str | None:
    """None where libxml2 can tell (a BOM, a declaration, UTF-8); else what the bytes are."""
    if declared := _DECLARED.match(head.removeprefix(_BOM)):  # UTF-16 declared in ASCII bytes: read as UTF-8
        return "utf-8" if _declared(declared) == "utf-8" and b"\0" not in head[:4] else None
    return {"cp1252": "windows-1252", "latin-1": "iso-8859-1"}.get(choose_encoding(head, complete=False))


def _reason(e) -> str:
    """What broke, without the document's words (libxml2's messages quote tag and entity names)."""
    depth = re.search(r"Excessive depth in document: (\d+)", str(e))
    found = next((reason for clue, reason in _REASONS.items() if clue in str(e)), None)
    return (f"nested deeper than {depth.group(1)} levels" if depth
            else found or "invalid syntax" + (f" at line {e.position[0]}" if e.position[0] else ""))


def read_xml(stream, doc, fmt: str) -> None:
    from lxml import etree

    walk, parser, cut, closing = _Xml(doc.limits), None, False, False
    try:
        for data in _chunks(stream, doc.limits.max_bytes, doc):
            if cut := data is None:
                break
            if parser is None:
                parser = etree.XMLPullParser(
                    events=("start", "end"), encoding=_xml_encoding(data), resolve_entities=False, no_network=True,
                    load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True)
            parser.feed(data)
            if walk.feed(parser.read_events()) or (walk.lean and walk.values and all(
                    len(v) >= doc.limits.max_rows for v in walk.values.values())):  # every field has its sample
                break
            if doc.out_of_time():
                doc.skip("the rest of the document", f"not read in {doc.limits.document_seconds:g} s")
                break
        else:
            if parser is not None:
                closing = True
                parser.close()
                walk.feed(parser.read_events())
    except etree.XMLSyntaxError as e:
        walk.feed(parser.read_events())  # what parsed before the error
        if not (closing and doc.limits.partial):  # a prefix ends where it ends
            if not (walk.values or walk.body.size):
                raise Corrupt(f"{fmt}: {_reason(e)}") from None
            doc.warnings.append(f"{fmt}: read in part: {_reason(e)}")
    if cut and not (walk.values or walk.body.size):
        raise TooLarge(doc.limits.max_bytes, "the first XML element")
    walk.fill(doc)
