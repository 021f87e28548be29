"""E-mail: a message (.eml, RFC 5322 with MIME) or a mailbox of them (mbox), read as a stream.

Address fields are columns (`header.From`, …: one `Kari Nordmann <kari@example.no>` an address,
so the column gives both the person and the address); the subject and the text parts are running
text (`header.Subject`, `body`; HTML stripped of its tags, when a message has no plain text);
attachments, forwarded messages included, go through the readers as `attachment NAME#field`. In
a mailbox every message adds to the same fields: `header.From` is the column of all senders.

The stdlib parser holds a message several times over; this reader walks the MIME structure as the
bytes come, gives the stdlib only header blocks and decodes each part on the way: a 300 MB
attachment costs its decoded bytes once. Broken MIME (a boundary that never comes, bad base64, a
wrong charset) is read as far as it goes, with a warning naming the problem, never the text.
"""

from __future__ import annotations

import binascii
import codecs
import mimetypes
import re
import tempfile
from email.header import decode_header, make_header
from email.parser import HeaderParser
from email.utils import getaddresses

from scanner.formats.documents.base import Document
from scanner.formats.errors import Corrupt, TooLarge
from scanner.formats.limits import human_size

ADDRESS_FIELDS = ("From", "Sender", "Reply-To", "To", "Cc", "Bcc", "Delivered-To", "Return-Path")
_ADDRESS = {name.lower(): name for name in ADDRESS_FIELDS}
HEADER_CAP = 256 * 1024  # bytes of one header block: past it, its lines are passed over
MAX_MULTIPART_DEPTH = 32  # multiparts inside multiparts of one message; deeper ones are not read
BLOCK = 1 << 20  # bytes read at a time; the clock is looked at once a block
HTML_CAP = 4 << 20  # characters of one HTML part parsed (lxml takes a second and 80 MB for this many)
# Parts that carry no content to judge: signatures and the markers of encrypted messages.
NOT_CONTENT = {"application/pgp-signature", "application/pkcs7-signature", "application/x-pkcs7-signature",
               "application/pgp-encrypted", "application/pgp-keys"}
_NOT_B64 = bytes(b for b in range(256) if b not in b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
# An mbox's envelope line: `From sender asctime`. One after a blank line always starts a message
# (RFC 4155); one elsewhere only if it has the weekday, so a body line "From …" does not.
_ENVELOPE = re.compile(rb"From \S+ +(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ")
_HEADER_LINE = re.compile(rb"[!-9;-~]+:")


class _Stop(Exception):  # the document's time ran out: the rest is not read
    pass


def read_eml(stream, doc: Document, fmt: str) -> None:
    lines = _Lines(stream, doc, mbox=False)
    try:
        _Message(lines, doc).read()
    except _Stop:
        doc.skip("rest of the message", _time_reason(doc))


def read_mbox(stream, doc: Document, fmt: str) -> None:
    """Messages one after the other, until `limits.max_rows` messages or `limits.max_bytes` of the
    mailbox are read (the message being read then is finished). The messages read are the
    document's `documents`; the rest is one skipped part with its reason."""
    lines, limits, read = _Lines(stream, doc, mbox=True), doc.limits, 0
    try:
        while lines.next_message():
            reason = (f"not read: the sample is {read} messages" if read >= limits.max_rows
                      else f"not read: the sample is {human_size(limits.max_bytes)} of the mailbox"
                      if lines.consumed > limits.max_bytes else "not read: the document's text budget is spent"
                      if doc.full else _time_reason(doc) if doc.out_of_time() else None)
            if reason:
                doc.skip(f"messages after the first {read}", reason)
                break
            _Message(lines, doc).read()
            read += 1
    except _Stop:
        doc.skip(f"messages from message {read + 1} on", _time_reason(doc))
    if read == 0 and not doc.skipped:
        raise Corrupt("mbox: no message in the mailbox")
    doc.stats.documents = read


def _time_reason(doc: Document) -> str:
    return f"not read: the document's time ({doc.limits.document_seconds:g} s) ran out"


class _Lines:
    """The stream read a block at a time: `next` gives a line (at most `limits.max_line_bytes`: a
    longer one comes in pieces), `chunk` the whole lines before the next one that might end a part
    (one that starts with `--`), so that a long body is not handed over line by line. In a
    mailbox, both end (None) at the next message's envelope line."""

    def __init__(self, stream, doc: Document, mbox: bool):
        self.stream, self.doc, self.mbox = stream, doc, mbox
        self.cap = doc.limits.max_line_bytes
        self.buf, self.pos = b"", 0
        self.eof = self.at_envelope = False
        self.back: list[bytes] = []  # lines given back
        self.previous_blank, self.consumed = True, 0
        self.marks: dict[bytes, int] = {}  # where each mark is next found in the buffer (its length: nowhere)

    def _more(self) -> bool:
        if self.eof or not (block := self.stream.read(BLOCK)):
            self.eof = True
            return False
        self.buf, self.pos, self.marks = self.buf[self.pos:] + block, 0, {}
        if self.doc.out_of_time():
            raise _Stop
        return True

    def _line(self) -> bytes:
        while (end := self.buf.find(b"\n", self.pos, self.pos + self.cap)) < 0:
            if len(self.buf) - self.pos >= self.cap or not self._more():
                end = min(len(self.buf), self.pos + self.cap) - 1
                break
        line = self.buf[self.pos:end + 1]
        self.pos += len(line)
        self.consumed += len(line)
        return line

    def next_message(self) -> bool:
        """Past the next envelope line: whether there is another message (mbox)."""
        self.at_envelope, self.back = False, []
        while (line := self._line()) and not line.startswith(b"From "):
            pass  # what is left of a message not read to its end, or junk before the first
        self.previous_blank = True
        return bool(line)

    def next(self) -> bytes | None:
        if self.back:
            return self.back.pop()
        if self.at_envelope or not (line := self._line()):
            return None
        if self.mbox:
            if line.startswith(b"From ") and (self.previous_blank or _ENVELOPE.match(line)):
                self.at_envelope = True
                self.pos -= len(line)  # still in the buffer: next_message reads it again
                self.consumed -= len(line)
                return None
            if line.startswith(b">") and line.lstrip(b">").startswith(b"From "):
                line = line[1:]  # mboxrd's quoting of a body line that starts with "From "
        self.previous_blank = not line.strip()
        return line

    def chunk(self) -> bytes | None:
        marks = (b"\n--", b"\nFrom ", b"\n>") if self.mbox else (b"\n--",)
        while not self.back and not self.at_envelope:
            if self.buf.startswith(b"--", self.pos) or (self.mbox and self.buf.startswith((b"From ", b">"), self.pos)):
                return None  # a line for `next` to judge
            end = min(self._mark(m) for m in marks)
            if end == len(self.buf):
                end = self.buf.rfind(b"\n", self.pos)
            if end >= self.pos:
                piece = self.buf[self.pos:end + 1]
                self.pos += len(piece)
                self.consumed += len(piece)
                self.previous_blank = piece.endswith((b"\n\n", b"\n\r\n")) or not piece.strip()
                return piece
            if len(self.buf) - self.pos >= self.cap or not self._more():
                return None  # a line longer than the cap, or the last one: `next` cuts it
        return None

    def _mark(self, mark: bytes) -> int:
        """Each mark is looked for once in a stretch of the buffer, however many lines it ends."""
        at = self.marks.get(mark, -1)
        if at < self.pos:
            at = self.buf.find(mark, self.pos)
            self.marks[mark] = at = len(self.buf) if at < 0 else at
        return at


class _Sink:
    """A part's body decoded as it comes (base64, quoted-printable or as is), up to `cap` bytes
    (`cut`: the first `cap` bytes, else none at all); spooled to disk past a few MiB, so that a
    large attachment is held once, at the end."""

    def __init__(self, encoding: str, cap: int, cut: bool = False):
        self.encoding, self.cap, self.cut = encoding, cap, cut
        self.out = tempfile.SpooledTemporaryFile(max_size=8 << 20)
        self.size = self.pending_size = 0
        self.pending, self.carry = [], b""
        self.over = self.bad = False

    def add(self, data: bytes) -> None:
        if self.encoding == "base64" and not self.over:
            self.pending.append(data)
            self.pending_size += len(data)
            if self.pending_size >= BLOCK:
                self._base64(final=False)
        elif not self.over:
            self._put(binascii.a2b_qp(data) if self.encoding == "quoted-printable" else data)

    def _base64(self, final: bool) -> None:
        data = self.carry + b"".join(self.pending).translate(None, _NOT_B64)
        self.pending, self.pending_size = [], 0
        usable = len(data) if final else len(data) // 4 * 4  # whole quanta; the rest waits for more
        data, self.carry = data[:usable], data[usable:]
        if len(data) % 4:  # cut short: the whole quanta are kept
            self.bad = True
            data = data[: len(data) // 4 * 4] if len(data) % 4 == 1 else data + b"=" * (-len(data) % 4)
        try:
            self._put(binascii.a2b_base64(data))
        except binascii.Error:
            self.bad = True
            data = data.replace(b"=", b"")
            self._put(binascii.a2b_base64(data[: len(data) // 4 * 4]))

    def _put(self, data: bytes) -> None:
        if self.size + len(data) > self.cap:
            self.over = True
            if self.cut:
                self.out.write(data[: self.cap - self.size])
            return
        self.size += len(data)
        self.out.write(data)

    def spooled(self):
        """The decoded body in the seekable file it was spooled to (the caller closes it), so an
        attachment is never held twice; None when it passed the cap (and is not `cut`)."""
        if self.encoding == "base64" and not self.over:
            self._base64(final=True)
        if self.over and not self.cut:
            self.out.close()
            return None
        self.out.seek(0)
        return self.out


class _Message:
    """One message: headers to fields, text parts to the body, the rest to attachments. A part's
    reading returns the boundary line that ended it, (boundary, closes), or None at the end."""

    def __init__(self, lines: _Lines, doc: Document):
        self.lines, self.doc = lines, doc
        self.plain, self.html, self.parts = False, [], 0  # plain: HTML alternatives are not needed

    def read(self) -> None:
        headers = self._headers([])
        if headers is None:
            return
        found = header_addresses(headers)
        for field in ADDRESS_FIELDS:
            self.doc.values(f"header.{field}", found.get(field, []))
        self.doc.text("header.Subject", _unstructured(next((raw for name, raw in headers.raw_items()
                                                             if name.lower() == "subject"), "")))
        self._body(headers, [])
        for text in self.html if not self.plain else ():
            self.doc.text("body", text)

    def _headers(self, stack: list[bytes]):
        """A header block, parsed; a line that is no header (a boundary, the body of a message
        without headers or without the blank line) ends it and is given back."""
        block, size = [], 0
        while (line := self.lines.next()) is not None:
            if not line.strip():
                break
            if (stack and self._boundary(line, stack)) or not (_HEADER_LINE.match(line) or block
                                                               and line[:1] in b" \t"):
                if block:
                    self.doc.warnings.append("e-mail: a header block without its blank line")
                self.lines.back.append(line)
                break
            if size < HEADER_CAP:
                block.append(line)
                size += len(line)
        if not block and line is None:
            return None
        # the compat32 policy: the header objects of policy.default cost a millisecond a field
        return HeaderParser().parsestr(_decode(b"".join(block), None)[0], headersonly=True)

    @staticmethod
    def _boundary(line: bytes, stack: list[bytes]):
        s = line.rstrip(b" \t\r\n")
        for b in reversed(stack):
            if s == b"--" + b or s == b"--" + b + b"--":
                return b, s != b"--" + b
        return None

    def _feed(self, sink: _Sink | None, stack: list[bytes]):
        add = sink.add if sink is not None else (lambda data: None)
        while True:
            if (piece := self.lines.chunk()) is not None:
                add(piece)
            elif (line := self.lines.next()) is None:
                return None
            elif line.startswith(b"--") and (ending := self._boundary(line, stack)):
                return ending
            else:
                add(line)

    def _body(self, part, stack: list[bytes]):
        if part.get_content_maintype() != "multipart":
            return self._leaf(part, stack)
        boundary = part.get_boundary()
        if not boundary:
            self.doc.warnings.append("e-mail: a multipart without a boundary, read as text")
            return self._leaf(part, stack, text=True)
        if len(stack) >= MAX_MULTIPART_DEPTH:
            self.doc.skip(f"part {self.parts + 1}", f"multiparts nested more than {MAX_MULTIPART_DEPTH} deep: not read")
            return self._feed(None, stack)
        boundary = boundary.encode("utf-8", "replace")
        inner = [*stack, boundary]
        ending = self._feed(None, inner)  # the preamble
        while ending and ending[0] == boundary and not ending[1]:
            if (headers := self._headers(inner)) is None:
                ending = None
                break
            if part.get_content_subtype() == "digest" and "content-type" not in headers:
                headers.set_default_type("message/rfc822")  # a digest's parts are messages
            ending = self._body(headers, inner)
        if ending is None:
            self.doc.warnings.append("e-mail: the message ends inside a multipart: cut short?")
            return None
        if ending[0] == boundary:  # closed: the epilogue runs to the enclosing boundary
            return self._feed(None, stack)
        self.doc.warnings.append("e-mail: a multipart's closing boundary is missing")
        return ending

    def _leaf(self, part, stack: list[bytes], text: bool = False):
        self.parts += 1
        ctype = "text/plain" if text else part.get_content_type()
        encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
        filename = _filename(part)
        if ctype in NOT_CONTENT:
            return self._feed(None, stack)
        if ctype in ("message/rfc822", "message/global"):  # a forwarded message: read as one
            filename = filename if (filename or "").lower().endswith(".eml") else "message.eml"
        attached = part.get_content_disposition() == "attachment"
        if not (ctype in ("text/plain", "text/html") and not attached or ctype.startswith("message/") and not filename):
            return self._attach(filename or f"part {self.parts}{mimetypes.guess_extension(ctype) or '.bin'}",
                                encoding, stack)
        if self.doc.full:
            return self._feed(None, stack)
        # a character takes at most 4 bytes: more than this is past the text budget anyway
        sink = _Sink(encoding, min(self.doc.limits.max_decompressed, 4 * self.doc.limits.max_bytes), cut=True)
        ending = self._feed(sink, stack)
        with sink.spooled() as spooled:
            data = spooled.read()
        if sink.bad:
            self.doc.warnings.append(f"e-mail: a {ctype} part's {encoding[:20]} is damaged: read in part")
        body, note = _decode(data, part.get_content_charset())
        if note:
            self.doc.warnings.append(f"e-mail: a {ctype} part {note}")
        if ctype == "text/html":
            if len(body) > HTML_CAP:
                self.doc.unreadable[f"html past {human_size(HTML_CAP)} of a part"] += 1
            self.html.append(html_text(body[:HTML_CAP]))
        else:
            self.plain = True
            self.doc.text("body", body)
        return ending

    def _attach(self, name: str, encoding: str, stack: list[bytes]):
        place, limits = f"attachment {name}", self.doc.limits
        # too deep as the core says it, but before the part is decoded
        why = (f"nested more than {limits.max_depth} deep: not read" if self.doc.depth + 1 > limits.max_depth
               else "not read: the document's text budget is spent" if self.doc.full else None)
        if why:
            self.doc.skip(place, why)
            return self._feed(None, stack)
        sink = _Sink(encoding if encoding in ("base64", "quoted-printable") else "", limits.max_decompressed)
        ending = self._feed(sink, stack)
        data = sink.spooled()
        if sink.bad:
            self.doc.warnings.append(f"e-mail: {place}: its {encoding} is damaged: read in part")
        if data is None:
            self.doc.skip(place, str(TooLarge(limits.max_decompressed, place)))
        else:
            with data:
                self.doc.attachment(name, data)
        return ending


# -- headers ----------------------------------------------------------------------------------
def header_addresses(headers) -> dict[str, list[str]]:
    """The addresses of each address field of a header block (From, To, …, Return-Path)."""
    found: dict[str, list[str]] = {}
    for name, raw in headers.raw_items():
        if field := _ADDRESS.get(name.lower()):
            found.setdefault(field, []).extend(addresses(raw))
    return found


def addresses(raw: str) -> list[str]:
    """One value per address, `Display Name <address>` or the address alone, encoded words
    decoded; a field of something else (names alone, Outlook's display line "Kari Nordmann; Ola
    Hansen", a group's name) gives its text split at commas and semicolons."""
    pairs = [(name, address) for name, address in getaddresses([raw]) if name or address]
    if pairs and all("@" in address for _, address in pairs):
        return [f"{_unstructured(name)} <{address}>" if name else address for name, address in pairs]
    return [v.strip(" <>\t\r\n") for v in re.split(r"[,;]", _unstructured(raw))
            if v.strip(" <>\t\r\n") and not v.rstrip().endswith(":")]


def _unstructured(raw: str) -> str:
    """A header's text, its encoded words decoded (as written, where they do not decode)."""
    raw = re.sub(r"\r?\n(?=[ \t])", "", raw)  # unfolded
    try:
        return str(make_header(decode_header(raw)))
    except Exception:  # noqa: BLE001 - the stdlib's decoder on hostile input
        return raw


def _filename(part) -> str | None:
    try:
        name = part.get_filename()
    except Exception:  # noqa: BLE001 - a broken RFC 2231 parameter: no name
        return None
    return name.replace("\\", "/").rsplit("/", 1)[-1].strip() or None if name else None  # a path: its last part


def _decode(data: bytes, charset: str | None) -> tuple[str, str | None]:
    """Text in its declared charset; when that is unknown or wrong, UTF-8 or else Windows-1252
    (what undeclared Norwegian mail is in), with a note saying so."""
    try:
        known = [codecs.lookup(charset).name] if charset else []
    except LookupError:
        known = []
    for cs in (*known, "utf-8"):
        try:
            return data.decode(cs), None
        except UnicodeDecodeError as e:
            if e.start >= len(data) - 3 and e.reason.startswith("unexpected end"):
                return data[: e.start].decode(cs), None  # cut short inside a character
    if not charset:
        return data.decode("cp1252", "replace"), None
    what = "is not in its charset" if known else "has an unknown charset"
    return data.decode("cp1252", "replace"), f"{what} {charset[:40]!r}: read as Windows-1252"


# -- HTML -------------------------------------------------------------------------------------
_LINES = ("p", "div", "br", "tr", "li", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr",
          "address", "title", "dd", "dt")


def html_text(html: str) -> str:
    """The text of an HTML body: tags gone, script and style dropped, blocks on lines of their own
    (lxml's HTML parser loads nothing from the network)."""
    from lxml import etree
    from lxml import html as lxml_html

    try:  # an XHTML body's XML declaration names an encoding: the text is decoded already
        root = lxml_html.document_fromstring(re.sub(r"^\s*<\?xml[^>]*>", "", html))
    except (etree.ParserError, ValueError):
        return ""
    etree.strip_elements(root, "script", "style", etree.Comment, with_tail=False)
    for el in root.iter(*_LINES, "td", "th"):
        el.tail = ("\n" if el.tag in _LINES else " ") + (el.tail or "")
    lines = (re.sub(r"[ \t\r\f\v\xa0]+", " ", line).strip() for line in root.text_content().split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
