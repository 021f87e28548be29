"""Reading S3 objects gently: one prefix GET, or Range GETs for formats that need random access,
and the store's refusals turned into reasons a report can list. The client is made in `client`."""

from __future__ import annotations

import io

from scanner.crawlers.aws.client import error_code
from scanner.crawlers.objects import Denied
from scanner.formats import TooLarge

# Storage classes whose objects must be restored before a GET succeeds.
ARCHIVED = frozenset({"GLACIER", "DEEP_ARCHIVE"})
BLOCK = 1 << 20


def denial(exc: BaseException) -> Denied | None:
    """The reason a GET was refused for good (not a fault to retry), or None."""
    code = error_code(exc)
    if code is None:
        return None
    error = exc.response.get("Error", {})
    message = str(error.get("Message", ""))
    if code.startswith("KMS.") or (code in ("AccessDenied", "403") and "kms:" in message.lower()):
        return Denied(f"KMS key denied ({code}): the object is encrypted with a key the scanner may not use")
    if code in ("AccessDenied", "AllAccessDisabled", "403"):
        return Denied(f"access denied ({code})")
    if code in ("NoSuchKey", "404"):
        return Denied("gone since it was listed")
    if code in ("PreconditionFailed", "412"):
        return Denied("changed since it was listed: left for the next scan")
    if code == "InvalidObjectState":
        storage = error.get("StorageClass") or "archive"
        return Denied(f"in storage class {storage}: restore it to scan")
    return None


def archived(obj: dict) -> str | None:
    """Why a listed object cannot be read without a restore, or None."""
    storage = obj.get("StorageClass") or "STANDARD"
    if storage not in ARCHIVED:
        return None
    restore = obj.get("RestoreStatus") or {}
    if restore.get("RestoreExpiryDate") and not restore.get("IsRestoreInProgress"):
        return None  # a restored copy is readable until it expires
    return f"in storage class {storage}"


class RangeReader(io.RawIOBase):
    """A seekable S3 object read by Range GETs, for Parquet footers and zip directories.

    Reads only what the reader asks for (BufferedReader around it adds read-ahead), and never
    more than `cap` bytes in all: TooLarge beyond that.
    """

    def __init__(self, client, bucket: str, key: str, size: int, cap: int, tally, head: bytes = b"", etag=None):
        self._client, self._bucket, self._key = client, bucket, key
        self._size, self._cap, self._tally, self._etag = size, cap, tally, etag
        self._head = head  # bytes already fetched from offset 0
        self._pos = 0
        self.fetched = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, b) -> int:
        n = min(len(b), self._size - self._pos)
        if n <= 0:
            return 0
        if self._pos + n <= len(self._head):
            b[:n] = self._head[self._pos: self._pos + n]
            self._pos += n
            return n
        if self.fetched + n > self._cap:
            raise TooLarge(self._cap, f"bytes fetched from {self._key}")
        extra = {"IfMatch": self._etag} if self._etag else {}
        response = self._client.get_object(
            Bucket=self._bucket, Key=self._key, Range=f"bytes={self._pos}-{self._pos + n - 1}", **extra
        )
        with response["Body"] as body:
            data = body.read()
        got = len(data)
        b[:got] = data
        self._pos += got
        self.fetched += got
        self._tally(got)
        return got


class Counted(io.RawIOBase):
    """A streaming body whose reads are tallied."""

    def __init__(self, raw, tally):
        self._raw, self._tally = raw, tally

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        data = self._raw.read(len(b))
        b[: len(data)] = data
        self._tally(len(data))
        return len(data)
