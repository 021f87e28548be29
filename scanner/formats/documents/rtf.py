"""RTF: the text through striprtf, with the document's headers, footers and comments apart.

striprtf drops every destination group, headers and annotations among them, and walks pictures'
hex digits one regular-expression match at a time. So the groups are found first, in one pass
over the braces: pictures and embedded objects are cut out; headers, footers, annotations and
the author in \\info are read on their own (`header`, `footer`, `comments`, `comments.author`,
`metadata.author`); the rest is `body`, its tables (striprtf ends a cell with "|") as tables,
converted in pieces of about a MB so that the document's time and text budget are kept. At most
`limits.max_bytes` of the file are read, and groups nested past MAX_DEPTH end the reading.
"""

from __future__ import annotations

import re

from scanner.formats.errors import Corrupt
from scanner.formats.limits import human_size

# Groups of data, not text: cut out before striprtf sees them.
_DATA = {"pict", "shppict", "nonshppict", "object", "objdata", "datastore", "themedata", "colorschememapping",
         "blipuid", "fontemb", "fontfile", "xmlnstbl", "listtable", "listoverridetable", "rsidtbl", "stylesheet",
         "latentstyles", "generator", "mmathPr", "pgptbl", "revtbl"}
_PLACES = {"header": "header", "headerl": "header", "headerr": "header", "headerf": "header",
           "footer": "footer", "footerl": "footer", "footerr": "footer", "footerf": "footer",
           "annotation": "comments", "atnauthor": "comments.author", "author": "metadata.author",
           "operator": "metadata.author"}
_TOKEN = re.compile(r"\\bin(\d{1,10}) ?|\\[\\{}]|[{}]|\\(?:par|row)(?![a-zA-Z])")
_DESTINATION = re.compile(r"\{(?:\\\*)?\\([a-zA-Z]{1,32})-?\d{0,10} ?")
_CODEPAGE = re.compile(r"\\ansicpg\d{1,5}")
_LONG_LINE = 512  # striprtf's hyperlink pattern backtracks over a whole line at every field
MAX_DEPTH = 1000  # groups nested deeper are no document Word writes: read up to there
CHUNK = 1 << 20  # striprtf takes about 1.5 s a MB: between pieces of this size, time and budget are checked


class _Scan:
    """One pass over the braces (a list for a stack: no nesting depth recurses): the outermost
    data and place groups as (start, end, word), the font table's text, the points between
    paragraphs at the top level where the body can be cut into CHUNK-sized pieces, and where
    reading stops (`end`: the file's end, or where groups nest past MAX_DEPTH).
    Binary data (\\binN) is stepped over; escaped braces are not braces."""

    def __init__(self, text: str):
        self.groups: list[tuple[int, int, str]] = []
        self.fonts, self.splits, self.end = "", [], len(text)
        stack: list[tuple[int, str | None]] = []
        inside = 0  # open groups being cut: nothing within them is recorded again
        pos = last_split = 0
        while (m := _TOKEN.search(text, pos)) is not None:
            pos = m.end()
            token = m.group()
            if m.group(1) is not None:
                pos += int(m.group(1))
            elif token == "{":
                if len(stack) >= MAX_DEPTH:
                    self.end = m.start()
                    break
                d = _DESTINATION.match(text, m.start())
                kept = d.group(1) if d and (d.group(1) in _DATA or d.group(1) in _PLACES
                                            or d.group(1) == "fonttbl") and not inside else None
                inside += kept is not None
                stack.append((m.start(), kept))
            elif token == "}" and stack:
                start, word = stack.pop()
                if word:
                    inside -= 1
                    if word == "fonttbl":
                        self.fonts = self.fonts or text[start:pos]
                    else:
                        self.groups.append((start, pos, word))
            elif token[1] in "pr" and len(stack) <= 1 and pos - last_split >= CHUNK:
                self.splits.append(pos)
                last_split = pos


def _reflow(text: str) -> str:
    """Lines of at most about _LONG_LINE characters, broken before a control word or a brace
    (RTF ignores line ends there), so no regular expression backtracks over megabytes."""
    out, last = [], 0
    for m in re.finditer(r"(?<!\\)(?=[\\{])", text):
        if m.start() - last >= _LONG_LINE:
            out.append(text[last:m.start()])
            last = m.start()
    out.append(text[last:])
    return "\n".join(out)


def _tables(lines: list[str]):
    """("p", line) and ("table", rows): striprtf ends a cell with "|" and a row with a line end, so
    two or more lines that end in "|" and have as many cells are a table."""
    i = 0
    while i < len(lines):
        cells = lines[i].count("|")
        j = i
        while j < len(lines) and cells >= 2 and lines[j].rstrip().endswith("|") and lines[j].count("|") == cells:
            j += 1
        if j - i >= 2:
            yield "table", [line.rstrip()[:-1].split("|") for line in lines[i:j]]
            i = j
        else:
            yield "p", lines[i]
            i += 1


def _plain(rtf: str) -> str:
    from striprtf.striprtf import rtf_to_text

    return rtf_to_text(_reflow(rtf), errors="replace")


def read_rtf(stream, doc, fmt: str) -> None:
    cap = doc.limits.max_bytes
    raw = stream.read(cap + 1)
    if len(raw) > cap:
        raw = raw[:cap]
        doc.skip("the rest of the file", f"past the first {human_size(cap)}: not read")
    text = raw.decode("cp1252", errors="replace")  # RTF is 7-bit; stray 8-bit bytes are most often cp1252
    if not text.startswith("{\\rtf"):
        raise Corrupt("rtf: no {\\rtf header")
    scan = _Scan(text)
    if scan.end < len(text):
        doc.warnings.append(f"rtf: groups nested more than {MAX_DEPTH} deep: read up to there")
    codepage = _CODEPAGE.search(text, 0, 4096)
    prefix = "{\\rtf1\\ansi" + (codepage.group() if codepage else "") + scan.fonts
    places: dict[str, list[str]] = {}
    for start, end, word in scan.groups:
        if word in _PLACES:
            d = _DESTINATION.match(text, start)
            places.setdefault(_PLACES[word], []).append(_plain(prefix + "{" + text[d.end():end] + "}"))
    for place in ("header", "footer", "comments"):
        doc.text(place, "\n\n".join(t.strip() for t in places.get(place, [])))
    for place in ("comments.author", "metadata.author"):
        doc.values(place, list(dict.fromkeys(a.strip() for a in places.get(place, []))))
    _body(text, scan, prefix, doc)


def _body(text: str, scan: _Scan, prefix: str, doc) -> None:
    """The text outside the cut groups, piece by piece; its tables as tables."""
    cuts = sorted(scan.groups)
    bounds = [0, *scan.splits, scan.end]
    for n, (a, b) in enumerate(zip(bounds, bounds[1:])):
        if n and (doc.full or doc.out_of_time()):
            doc.skip("body", f"the rest not read: the document's time or text budget is spent ({n} of "
                             f"{len(bounds) - 1} pieces read)")
            return
        piece, last = [] if n == 0 else [prefix], a
        for start, end, _ in cuts:
            if a <= start < b:
                piece.append(text[last:start] + "{}")  # an empty group ends a control word: `\\chatn{…}Kari` stays two
                last = end
        piece.append(text[last:b] + "}")  # past the document's own closing brace striprtf stops anyway
        lines = []
        for kind, item in _tables(_plain("".join(piece)).split("\n")):
            if kind == "table":
                doc.text("body", "\n".join(lines))
                lines = []
                doc.table(item)
            else:
                lines.append(item)
        doc.text("body", "\n".join(lines))
