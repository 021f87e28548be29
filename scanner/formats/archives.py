"""gzip, bzip2, xz and zstd streams, and zip members, decompressed with a hard cap on output."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zipfile
from collections.abc import Iterator

from scanner.formats.errors import Corrupt, TooLarge, Unsupported
from scanner.formats.limits import Limits
from scanner.formats.streams import capped

_ZIP_AES = 99  # WinZip AES: the method number stands in for the real one


def decompress(fmt: str, stream, limits: Limits, notes: list[str] | None = None):
    """A readable stream of the decompressed bytes, never more than max_decompressed of them.

    A truncated stream ends early and is noted in `notes` (see streams.Capped).
    """
    cap, partial = limits.max_decompressed, limits.partial
    if fmt == "gzip":
        return capped(gzip.GzipFile(fileobj=stream, mode="rb"), cap, fmt, notes=notes, partial=partial)
    if fmt == "bzip2":
        return capped(bz2.BZ2File(stream), cap, fmt, notes=notes, partial=partial)
    if fmt == "xz":
        return capped(lzma.LZMAFile(stream), cap, fmt, (lzma.LZMAError,), notes=notes, partial=partial)
    if fmt == "zstd":
        try:
            import zstandard
        except ImportError as e:
            raise Unsupported("zstd (zstandard is not installed)") from e
        return capped(_Zstd(stream, zstandard), cap, fmt, (zstandard.ZstdError,), notes=notes, partial=partial)
    raise Unsupported(fmt)


def zip_members(zf: zipfile.ZipFile, limits: Limits) -> Iterator[tuple[str, object]]:
    """(member name, a capped stream or the FormatError that stops it being read)."""
    members = [i for i in zf.infolist() if not i.is_dir()]
    for info in members[: limits.max_members]:
        yield info.filename, _open(zf, info, limits)
    if len(members) > limits.max_members:
        yield f"({len(members) - limits.max_members} more members)", TooLarge(limits.max_members, "the archive", "members")


def _open(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits):
    if info.flag_bits & 0x1 or info.compress_type == _ZIP_AES:
        return Unsupported("encrypted zip")
    # zipfile stops at the declared size, so a declared size under the cap bounds the output.
    if info.file_size > limits.max_decompressed:
        return TooLarge(limits.max_decompressed, f"zip member {info.filename}")
    try:
        raw = zf.open(info)
    except NotImplementedError:
        return Unsupported(f"zip compression method {info.compress_type}")
    except zipfile.BadZipFile as e:
        return Corrupt(f"zip member {info.filename}: {e}")
    return capped(raw, limits.max_decompressed, f"zip member {info.filename}")


class _Zstd(io.RawIOBase):
    """zstd frames one after another, like zstandard's stream reader, except that input ending
    inside a frame raises EOFError (as gzip and bz2 do) instead of passing for a clean end."""

    def __init__(self, stream, zstandard):
        self._stream, self._zstd = stream, zstandard
        self._d = zstandard.ZstdDecompressor().decompressobj()
        self._pending = b""
        self._in_frame = False

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        while not self._pending:
            data = self._stream.read(64 * 1024)
            if not data:
                if self._in_frame:
                    raise EOFError("compressed data ends inside a zstd frame")
                return 0
            while data:
                self._in_frame = True
                self._pending += self._d.decompress(data)
                data = b""
                if self._d.eof:  # a frame ended: the rest of the input starts the next one
                    data = self._d.unused_data
                    self._d = self._zstd.ZstdDecompressor().decompressobj()
                    self._in_frame = False
        n = min(len(b), len(self._pending))
        b[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n