"""Evidence that is safe to store: masked values and keyed fingerprints, never raw values.

A fingerprint is HMAC-SHA256 under a per-installation key, so two scans (or two systems) can be
correlated without the value itself. An unkeyed hash of an 11-digit number is no protection: the
whole space of valid fødselsnumre is hashed in minutes.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

KEY_ENV = "KARTLEGG_FINGERPRINT_KEY_FILE"
KEY_BYTES = 32
MASK = "*"


def key_path() -> Path:
    explicit = os.environ.get(KEY_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")
    return Path(base) / "kartlegg" / "fingerprint.key"


def load_key(path: Path | None = None) -> bytes:
    """The installation's fingerprint key, created (mode 0600) on first use."""
    path = path or key_path()
    try:
        return bytes.fromhex(path.read_text().strip())
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # created concurrently: use the winner's key
        return bytes.fromhex(path.read_text().strip())
    with os.fdopen(fd, "w") as fh:
        fh.write(key.hex() + "\n")
    return key


def normalise(entity_type: str, value: str) -> str:
    """The form two spellings of one identifier share, so their fingerprints match."""
    if entity_type in ("EMAIL_ADDRESS", "IP_ADDRESS", "PERSON", "NO_ADDRESS"):
        return " ".join(value.lower().split())
    if entity_type == "IBAN_CODE":
        return "".join(value.split()).upper()
    digits = "".join(c for c in value if c.isdigit())
    if entity_type == "NO_PHONE_NUMBER" and len(digits) > 8:
        digits = digits[-8:]  # +47 / 0047 prefixes
    return digits or value


class Fingerprinter:
    def __init__(self, key: bytes | None = None):
        self._key = key if key is not None else load_key()

    @property
    def key(self) -> bytes:
        """For workers elsewhere, whose fingerprints must equal this process's."""
        return self._key

    def __call__(self, entity_type: str, value: str) -> str:
        message = f"{entity_type}\x00{normalise(entity_type, value)}".encode()
        return "hmac-sha256:" + hmac.new(self._key, message, hashlib.sha256).hexdigest()[:32]


def _mask_keep(value: str, head: int, tail: int) -> str:
    """Mask every letter and digit except the first `head` and last `tail`; keep separators."""
    positions = [i for i, c in enumerate(value) if c.isalnum()]
    keep = set(positions[:head]) | set(positions[len(positions) - tail :] if tail else ())
    if len(keep) >= len(positions):  # too short to show anything safely
        keep = set()
    return "".join(c if (i in keep or not c.isalnum()) else MASK for i, c in enumerate(value))


def mask(entity_type: str, value: str) -> str:
    """A masked form that shows the shape and a little of the value, never enough to identify."""
    if entity_type == "NO_FODSELSNUMMER":
        return _mask_keep(value, 6, 0)  # the date part, as in 010190*****
    if entity_type == "EMAIL_ADDRESS" and "@" in value:
        local, _, domain = value.rpartition("@")
        return (local[:1] + MASK * 3 if local else "") + "@" + domain
    if entity_type == "PERSON":
        return " ".join(w[:1] + MASK * 3 for w in value.split())  # initials only, not lengths
    if entity_type == "NO_PHONE_NUMBER":
        prefix = 4 if value.startswith("00") else 2 if value.lstrip("(").startswith("+") else 0
        return _mask_keep(value, prefix, 2)
    if entity_type == "CREDIT_CARD":
        return _mask_keep(value, 0, 4)
    if entity_type in ("NO_METER_ID", "NO_METER_SERIAL"):
        return _mask_keep(value, 10 if entity_type == "NO_METER_ID" else 4, 1)
    if entity_type in ("NO_BANK_ACCOUNT", "IBAN_CODE"):
        return _mask_keep(value, 4 if entity_type == "NO_BANK_ACCOUNT" else 2, 2)
    if entity_type == "IP_ADDRESS":
        sep = ":" if ":" in value else "."
        parts = value.split(sep)
        return sep.join(parts[:2] + [MASK if p else p for p in parts[2:]])
    if entity_type == "NO_ADDRESS":
        return " ".join(w if w.isupper() and w.isalpha() else _mask_keep(w, 1, 0) for w in value.split())
    if entity_type == "NO_ORGANIZATION_NUMBER":
        return value  # an organisation's number is public register data
    return _mask_keep(value, 2, 2)
