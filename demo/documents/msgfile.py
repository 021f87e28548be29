"""Minimal Outlook .msg files of synthetic people, written from scratch for the tests and the demo.

An .msg is a Compound File Binary (CFB, [MS-CFB]) holding the message's MAPI properties
([MS-OXMSG]): each string or binary property is a stream `__substg1.0_IIIITTTT` (id, type), the
fixed-size ones sit in `__properties_version1.0`, recipients and attachments are storages of the
same shape, and an attached message is a storage `__substg1.0_3701000D` holding a whole message.

The CFB written is version 3 (512-byte sectors): streams under 4096 bytes live in the mini stream
(64-byte sectors, in the root entry's stream), as readers (olefile) expect by a stream's size;
larger ones in sectors of their own. Directory siblings form a binary search tree in CFB's name
order, all black, which olefile and extract-msg accept. One FAT is enough for files up to about
7 MiB (109 FAT sectors in the header's DIFAT): ample for test messages.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

SECTOR, MINI, CUTOFF = 512, 64, 4096
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
STORAGE, STREAM, ROOT = 1, 2, 5
STRING, BINARY, INT32, OBJECT = 0x001F, 0x0102, 0x0003, 0x000D
RECIPIENT_TYPES = {"to": 1, "cc": 2, "bcc": 3}


@dataclass
class Message:
    """What an .msg says; addresses are (display name, e-mail address) pairs."""

    subject: str = ""
    body: str | None = None
    sender: tuple[str, str] | None = None
    to: list[tuple[str, str]] = field(default_factory=list)
    cc: list[tuple[str, str]] = field(default_factory=list)
    bcc: list[tuple[str, str]] = field(default_factory=list)
    html: str | None = None
    rtf: bytes | None = None  # an RTF body, stored compressed (PR_RTF_COMPRESSED) as Outlook does
    attachments: list[tuple[str, bytes | Message]] = field(default_factory=list)  # a Message: embedded
    message_class: str = "IPM.Note"


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: list[_Entry] = field(default_factory=list)
    # set while writing
    sid: int = 0
    start: int = END
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM


def msg_bytes(message: Message) -> bytes:
    """The .msg file of `message`."""
    # the named-property map (empty: no named properties) is required by readers, at the top only
    names = _Entry("__nameid_version1.0", STORAGE, children=[
        _Entry(f"__substg1.0_{pid:04X}{BINARY:04X}", STREAM) for pid in (0x0002, 0x0003, 0x0004)])
    root = _Entry("Root Entry", ROOT, children=[*_message_entries(message, embedded=False), names])
    return _cfb(root)


def write_msg(path: Path, message: Message) -> Path:
    path.write_bytes(msg_bytes(message))
    return path


# -- MAPI properties --------------------------------------------------------------------------
def _prop(pid: int, ptype: int, value: int = 0, flags: int = 6) -> bytes:
    """One 16-byte entry of a properties stream: tag, flags (readable, writable), value or size."""
    return struct.pack("<IIQ", (pid << 16) | ptype, flags, value)


def _string(pid: int, text: str) -> tuple[_Entry, bytes]:
    data = text.encode("utf-16-le")
    return _Entry(f"__substg1.0_{pid:04X}{STRING:04X}", STREAM, data), _prop(pid, STRING, len(data) + 2)


def _binary(pid: int, data: bytes) -> tuple[_Entry, bytes]:
    return _Entry(f"__substg1.0_{pid:04X}{BINARY:04X}", STREAM, data), _prop(pid, BINARY, len(data))


def _with_properties(parts: list[tuple[_Entry, bytes]], fixed: list[bytes], header: bytes) -> list[_Entry]:
    props = header + b"".join(p for _, p in parts) + b"".join(fixed)
    return [e for e, _ in parts] + [_Entry("__properties_version1.0", STREAM, props)]


def _message_entries(m: Message, embedded: bool) -> list[_Entry]:
    parts = [_string(0x001A, m.message_class), _string(0x0037, m.subject)]
    if m.body is not None:
        parts.append(_string(0x1000, m.body))
    if m.html is not None:
        parts.append(_binary(0x1013, m.html.encode("utf-8")))
    if m.rtf is not None:
        import compressed_rtf

        parts.append(_binary(0x1009, compressed_rtf.compress(m.rtf)))
    if m.sender:
        name, address = m.sender
        parts += [_string(0x0C1A, name), _string(0x0C1F, address), _string(0x5D01, address)]
    for pid, people in ((0x0E04, m.to), (0x0E03, m.cc), (0x0E02, m.bcc)):
        if people:
            parts.append(_string(pid, "; ".join(name for name, _ in people)))
    recipients = [(kind, person) for kind in ("to", "cc", "bcc") for person in getattr(m, kind)]
    # the store's support mask says strings are Unicode (STORE_UNICODE_OK), so readers look for 001F
    fixed = [_prop(0x340D, INT32, 0x40000), _prop(0x0E07, INT32, 1)]
    count = struct.pack("<8xIIII", len(recipients), len(m.attachments), len(recipients), len(m.attachments))
    entries = _with_properties(parts, fixed, count if embedded else count + bytes(8))
    for i, (kind, (name, address)) in enumerate(recipients):
        recip = [_string(0x3001, name), _string(0x3002, "SMTP"), _string(0x3003, address), _string(0x39FE, address)]
        entries.append(_Entry(f"__recip_version1.0_#{i:08X}", STORAGE, children=_with_properties(
            recip, [_prop(0x0C15, INT32, RECIPIENT_TYPES[kind]), _prop(0x3000, INT32, i)], bytes(8))))
    for i, (filename, content) in enumerate(m.attachments):
        att = [_string(0x3707, filename), _string(0x3704, filename[:12]), _string(0x3001, filename)]
        if isinstance(content, Message):
            inner = _Entry(f"__substg1.0_3701{OBJECT:04X}", STORAGE, children=_message_entries(content, True))
            fixed_att = [_prop(0x3705, INT32, 5), _prop(0x3701, OBJECT, 0xFFFFFFFF)]
            children = _with_properties(att, fixed_att, bytes(8)) + [inner]
        else:
            att.append(_binary(0x3701, content))
            children = _with_properties(att, [_prop(0x3705, INT32, 1), _prop(0x0E20, INT32, len(content))], bytes(8))
        entries.append(_Entry(f"__attach_version1.0_#{i:08X}", STORAGE, children=children))
    return entries


# -- the compound file ------------------------------------------------------------------------
def _order(name: str) -> tuple[int, str]:
    """CFB's sibling order: shorter names first, then by upper case."""
    return len(name), name.upper()


def _flatten(root: _Entry) -> list[_Entry]:
    out, todo = [], [root]
    while todo:
        e = todo.pop(0)
        e.sid = len(out)
        out.append(e)
        todo += e.children
    return out


def _tree(siblings: list[_Entry]) -> int:
    """Link sorted siblings into a balanced search tree; its root's id."""
    if not siblings:
        return NOSTREAM
    mid = len(siblings) // 2
    node = siblings[mid]
    node.left, node.right = _tree(siblings[:mid]), _tree(siblings[mid + 1:])
    return node.sid


def _chain(fat: list[int], first: int, count: int) -> None:
    for i in range(first, first + count):
        fat[i] = i + 1 if i + 1 < first + count else END


def _cfb(root: _Entry) -> bytes:
    entries = _flatten(root)
    for e in entries:
        e.child = _tree(sorted(e.children, key=lambda c: _order(c.name)))
    streams = [e for e in entries if e.kind == STREAM]
    mini_data, minifat = bytearray(), []
    big: list[_Entry] = []
    for e in streams:
        if len(e.data) < CUTOFF:
            if e.data:
                e.start = len(mini_data) // MINI
                n = -(-len(e.data) // MINI)
                minifat += [0] * n
                _chain(minifat, e.start, n)
                mini_data += e.data.ljust(n * MINI, b"\0")
        else:
            big.append(e)
    sectors: list[bytes] = []  # sector contents in file order, from sector 0

    def place(data: bytes) -> tuple[int, int]:
        n = -(-len(data) // SECTOR)
        first = len(sectors)
        sectors.extend(data[i * SECTOR:(i + 1) * SECTOR].ljust(SECTOR, b"\0") for i in range(n))
        return first, n

    chains = []
    for e in big:
        e.start, n = place(e.data)
        chains.append((e.start, n))
    if mini_data:
        root.start, n = place(bytes(mini_data))
        chains.append((root.start, n))
    root.data = bytes(mini_data)
    minifat_start, minifat_n = place(b"".join(struct.pack("<I", v) for v in minifat)) if minifat else (END, 0)
    if minifat_n:
        chains.append((minifat_start, minifat_n))
    directory = b"".join(_dir_entry(e) for e in entries)
    directory += _empty_entry() * (-len(entries) % (SECTOR // 128))
    dir_start, dir_n = place(directory)
    chains.append((dir_start, dir_n))
    # the FAT maps every sector, its own included
    fat_n = 1
    while fat_n * (SECTOR // 4) < len(sectors) + fat_n:
        fat_n += 1
    if fat_n > 109:
        raise ValueError("message too large for a single-DIFAT compound file")
    fat = [FREE] * (fat_n * (SECTOR // 4))
    for first, n in chains:
        _chain(fat, first, n)
    fat_start = len(sectors)
    for i in range(fat_n):
        fat[fat_start + i] = FATSECT
    place(b"".join(struct.pack("<I", v) for v in fat))
    difat = [fat_start + i for i in range(fat_n)] + [FREE] * (109 - fat_n)
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16)
              + struct.pack("<HHHHH6xIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, 0, fat_n, dir_start, 0, CUTOFF,
                            minifat_start, minifat_n, END, 0)
              + struct.pack("<109I", *difat))
    return header + b"".join(sectors)


def _dir_entry(e: _Entry) -> bytes:
    name = e.name.encode("utf-16-le")[:62]
    size = len(e.data)
    start = e.start if size or e.kind == ROOT else END
    return struct.pack("<64sHBBIII16sIQQII", name, len(name) + 2, e.kind, 1, e.left, e.right, e.child,
                       bytes(16), 0, 0, 0, start, size) + bytes(4)


def _empty_entry() -> bytes:
    return struct.pack("<64sHBBIII16sIQQII", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, bytes(16), 0, 0, 0, 0, 0) \
        + bytes(4)
