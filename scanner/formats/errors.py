"""Why a file could not be sampled. The crawler lists the file with this reason instead of dropping it."""

from __future__ import annotations


class FormatError(Exception):
    """A file the readers could not sample."""


class Unsupported(FormatError):
    """Content no reader handles (images, PDF, binaries, encrypted archives)."""

    def __init__(self, detected_type: str, claimed: str | None = None):
        self.detected_type = detected_type
        self.claimed = claimed
        named = f" (named as {claimed})" if claimed and claimed != detected_type else ""
        super().__init__(f"unsupported: {detected_type}{named}")


class Declined(Unsupported):
    """Content a reader could read but does not, on purpose or for want of a tool: OCR switched off
    or not installed, an encrypted PDF without its password, a legacy format with no reader. The
    message is the reason as given ("ocr not available: png (tesseract is not installed)")."""

    def __init__(self, reason: str, detected_type: str = "", claimed: str | None = None):
        FormatError.__init__(self, reason)
        self.detected_type = detected_type
        self.claimed = claimed
        self.reason = reason


class Corrupt(FormatError):
    """Content that claims a format by its bytes but does not parse (truncated gzip, broken JSON)."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(f"corrupt: {reason}")


class TooLarge(FormatError):
    """Reading stopped at a hard cap: more was needed than may be decompressed or held."""

    def __init__(self, limit: int, what: str = "data", unit: str = "bytes"):
        from scanner.formats.limits import human_size

        self.limit = limit
        self.what = what
        amount = human_size(limit) if unit == "bytes" else f"{limit} {unit}"
        super().__init__(f"too large: {what} exceeds {amount}")
