"""Stream plumbing: peeking at a head without losing it, and capping decompressed output."""

from __future__ import annotations

import codecs
import io
import tempfile
import zipfile
import zlib

from scanner.formats.errors import Corrupt, TooLarge

CHUNK = 64 * 1024

# What decompressors raise on bad input. OSError is handled apart: only its errno-less kind
# (gzip.BadGzipFile, bz2's "Invalid data stream") is about the data rather than the disk or network.
DATA_ERRORS: tuple[type[BaseException], ...] = (EOFError, zlib.error, zipfile.BadZipFile)


def seekable(stream) -> bool:
    try:
        return bool(stream.seekable())
    except (AttributeError, ValueError, OSError):
        return False


def read_upto(stream, n: int) -> bytes:
    """n bytes or up to the end: raw and decompressing streams may return short reads."""
    parts, got = [], 0
    while got < n:
        data = stream.read(n - got)
        if not data:
            break
        parts.append(data)
        got += len(data)
    return b"".join(parts)


class Chain(io.RawIOBase):
    """Bytes already read (a peeked head), then the rest of the stream."""

    def __init__(self, head: bytes, rest):
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        if self._head:
            n = min(len(b), len(self._head))
            b[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(b))
        b[: len(data)] = data
        return len(data)


def peek(stream, n: int):
    """(a stream that still starts at the beginning, its first n bytes, whether that is all of it)."""
    if seekable(stream):
        pos = stream.tell()
        head = read_upto(stream, n)
        stream.seek(pos)
        return stream, head, len(head) < n
    head = read_upto(stream, n)
    return io.BufferedReader(Chain(head, stream), CHUNK), head, len(head) < n


class Capped(io.RawIOBase):
    """A decompressor's output, cut off at `limit` bytes (TooLarge), its data errors turned into Corrupt.

    A compressed stream that just stops (EOFError) ends the output instead: with `notes`, the
    truncation is noted there, so what was readable is still sampled and the cut still reported;
    with `partial` (we fetched only a prefix) the end is expected and nothing is noted.
    Not seekable on purpose: GzipFile would emulate a backwards seek by decompressing again.
    """

    def __init__(self, raw, limit: int, what: str, errors: tuple[type[BaseException], ...] = (),
                 notes: list[str] | None = None, partial: bool = False):
        self._raw, self._limit, self._what = raw, limit, what
        # read1 returns what one step decompressed; read(n) would loop and, on a truncated
        # stream, drop everything decompressed in that call along with the EOFError.
        self._read = getattr(raw, "read1", raw.read)
        self._errors = DATA_ERRORS + errors
        self._notes, self._partial = notes, partial
        self.count = 0
        self.ended = False

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        if self.ended:
            return 0
        try:
            data = self._read(min(len(b), self._limit + 1 - self.count))
        except EOFError as e:
            if not (self._partial or self._notes is not None):
                raise Corrupt(f"{self._what}: {e or type(e).__name__}") from e
            if not self._partial:
                self._notes.append(f"{self._what}: truncated ({e}); the readable part was sampled")
            self.ended = True
            return 0
        except self._errors as e:
            raise Corrupt(f"{self._what}: {e or type(e).__name__}") from e
        except OSError as e:
            if e.errno is None:
                raise Corrupt(f"{self._what}: {e}") from e
            raise
        self.count += len(data)
        if self.count > self._limit:
            raise TooLarge(self._limit, f"decompressed {self._what}")
        b[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._raw.close()
        super().close()


def capped(raw, limit: int, what: str, errors: tuple[type[BaseException], ...] = (),
           notes: list[str] | None = None, partial: bool = False) -> io.BufferedReader:
    return io.BufferedReader(Capped(raw, limit, what, errors, notes, partial), CHUNK)


def spool(stream, limit: int, what: str):
    """A seekable copy for formats that need random access (Parquet footers, zip directories).

    Held in memory while small, on disk beyond that, and never more than `limit` bytes.
    """
    if seekable(stream):
        return stream
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    total = 0
    while data := stream.read(CHUNK):
        total += len(data)
        if total > limit:
            out.close()
            raise TooLarge(limit, what)
        out.write(data)
    out.seek(0)
    return out


UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# Longest first: UTF-32LE's BOM begins with UTF-16LE's.
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"),
         (b"\xfe\xff", "utf-16"))
_WIDE_SAMPLE = 4096


def wide_encoding(head: bytes) -> str | None:
    """The codec of UTF-16 or UTF-32 text, with or without a BOM; None for anything else.

    Without a BOM, the NUL bytes tell: text that is mostly Latin (æøå included) has a zero high
    byte in every code unit, so UTF-16LE has NULs at odd offsets and none at even ones, UTF-32BE
    three NULs before each character, and so on. The sample must then decode cleanly.
    """
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return codec
    sample = head[:_WIDE_SAMPLE]
    for codec, width in (("utf-32-le", 4), ("utf-32-be", 4), ("utf-16-le", 2), ("utf-16-be", 2)):
        n = len(sample) // width
        if n < 2 or b"\0" not in sample:
            continue
        units = sample[: n * width]
        low = 0 if codec.endswith("le") else width - 1  # where the character's own byte is
        zero = [units[i::width].count(0) / n for i in range(width)]
        if zero[low] > 0.05 or any(z < 0.5 for i, z in enumerate(zero) if i != low):
            continue
        try:
            codecs.getincrementaldecoder(codec)().decode(units, final=False)
        except UnicodeDecodeError:
            continue
        return codec
    return None


class WideAsUtf8(io.RawIOBase):
    """UTF-16 or UTF-32 text (Excel's "Unicode text" export, Windows tools) re-encoded as UTF-8 as it
    is read, so every text reader sees one encoding."""

    def __init__(self, raw, encoding: str = "utf-16"):
        self._raw = raw
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        self._pending = b""
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        while not self._pending and not self._done:
            data = self._raw.read(CHUNK)
            self._done = not data
            self._pending = self._decoder.decode(data, final=self._done).encode("utf-8")
        n = min(len(b), len(self._pending))
        b[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


Utf16AsUtf8 = WideAsUtf8


def as_utf8(stream, head: bytes):
    """(stream, whether it was re-encoded): UTF-16/32 text as UTF-8, anything else as it is."""
    encoding = wide_encoding(head)
    if encoding is None:
        return stream, False
    return io.BufferedReader(WideAsUtf8(stream, encoding), CHUNK), True
