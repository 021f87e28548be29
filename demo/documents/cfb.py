"""A writer of OLE compound files (CFB, [MS-CFB] version 3, 512-byte sectors): the container of
legacy Word, Excel and PowerPoint files, Outlook .msg and password-protected Office Open XML.

olefile reads these but cannot create them; the tests and the demo need them built from nothing.
`cfb({"WordDocument": ..., "1Table": ...})` lays out the streams (small ones in the mini stream,
as the format requires), the FAT and the directory, and returns the file's bytes.
"""

from __future__ import annotations

import struct

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096  # streams shorter than this live in the mini stream
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_STORAGE, _STREAM, _ROOT = 1, 2, 5
_MAX_FAT_SECTORS = 109  # all in the header's DIFAT: files up to about 6.8 MB


class _Entry:
    def __init__(self, name: str, kind: int, data: bytes = b""):
        self.name, self.kind, self.data = name, kind, data
        self.children: dict[str, _Entry] = {}
        self.id = 0
        self.left = self.right = self.child = NOSTREAM
        self.start, self.size = END, 0


def _key(name: str) -> tuple[int, str]:
    """The order of siblings in a storage's tree: shorter names first, then by upper case."""
    return len(name), name.upper()


def _tree(entries: list[_Entry]) -> int:
    """A balanced binary tree of siblings (all black: readers do not check the colours); its root's id."""
    if not entries:
        return NOSTREAM
    mid = len(entries) // 2
    root = entries[mid]
    root.left, root.right = _tree(entries[:mid]), _tree(entries[mid + 1:])
    return root.id


def _chain(fat: list[int], first: int, count: int) -> None:
    for i in range(count):
        fat.append(first + i + 1 if i < count - 1 else END)


def _pad(data: bytes, unit: int) -> bytes:
    return data + b"\0" * (-len(data) % unit)


def cfb(streams: dict[str, bytes]) -> bytes:
    """An OLE compound file holding `streams`, keyed by path: "WordDocument", or
    "__recip_version1.0_#00000000/__substg1.0_3001001F" for a stream inside a storage (storages
    are made as the paths need them). Streams shorter than 4,096 bytes go to the mini stream."""
    root = _Entry("Root Entry", _ROOT)
    for path, data in streams.items():
        *dirs, name = path.split("/")
        parent = root
        for d in dirs:
            parent = parent.children.setdefault(d, _Entry(d, _STORAGE))
        if len(name) > 31:
            raise ValueError("a stream name has at most 31 characters")
        parent.children[name] = _Entry(name, _STREAM, bytes(data))

    order: list[_Entry] = []  # directory order: a storage, then its children's subtrees

    def number(e: _Entry) -> None:
        e.id = len(order)
        order.append(e)
        for child in sorted(e.children.values(), key=lambda c: _key(c.name)):
            number(child)

    number(root)
    for e in order:
        e.child = _tree(sorted(e.children.values(), key=lambda c: _key(c.name)))

    # The mini stream: small streams in 64-byte mini sectors, itself a regular stream of the root.
    mini, minifat = bytearray(), []
    for e in order:
        if e.kind == _STREAM and 0 < len(e.data) < MINI_CUTOFF:
            e.start, e.size = len(mini) // MINI_SECTOR, len(e.data)
            count = -(-len(e.data) // MINI_SECTOR)
            _chain(minifat, e.start, count)
            mini += _pad(e.data, MINI_SECTOR)

    # Regular sectors: big streams, the mini stream, the mini FAT, the directory, then the FAT.
    body, fat = bytearray(), []

    def place(data: bytes) -> int:
        if not data:
            return END
        first = len(body) // SECTOR
        count = -(-len(data) // SECTOR)
        _chain(fat, first, count)
        body.extend(_pad(data, SECTOR))
        return first

    for e in order:
        if e.kind == _STREAM and len(e.data) >= MINI_CUTOFF:
            e.start, e.size = place(e.data), len(e.data)
    root.start, root.size = place(bytes(mini)), len(mini)
    minifat_start = place(b"".join(struct.pack("<I", x) for x in minifat))
    minifat_count = -(-len(minifat) * 4 // SECTOR)
    directory = b"".join(_dir_entry(e) for e in order)
    dir_start = place(_pad(directory, SECTOR))

    # The FAT covers every sector, its own included: grow it until it does.
    fat_count = 1
    while (len(fat) + fat_count) > fat_count * (SECTOR // 4):
        fat_count += 1
    if fat_count > _MAX_FAT_SECTORS:
        raise ValueError("too large for a header-only DIFAT (about 6.8 MB)")
    fat_start = len(fat)
    fat += [FATSECT] * fat_count
    fat += [FREE] * (fat_count * (SECTOR // 4) - len(fat))
    body.extend(struct.pack(f"<{len(fat)}I", *fat))

    difat = [fat_start + i for i in range(fat_count)] + [FREE] * (_MAX_FAT_SECTORS - fat_count)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\0" * 16, 0x003E, 0x0003, 0xFFFE, 9, 6, b"\0" * 6,
        0, fat_count, dir_start, 0, MINI_CUTOFF,
        minifat_start if minifat else END, minifat_count, END, 0,
    ) + struct.pack("<109I", *difat)
    return header + bytes(body)


def _dir_entry(e: _Entry) -> bytes:
    name = e.name.encode("utf-16-le") + b"\0\0"
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        name, len(name), e.kind, 1, e.left, e.right, e.child, b"\0" * 16, 0, 0, 0,
        e.start if (e.kind != _STORAGE) else 0, e.size,
    )
