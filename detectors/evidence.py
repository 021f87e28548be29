"""Evidence that is safe to store: masked values and keyed fingerprints, never raw values.

A fingerprint is HMAC-SHA256 under a per-installation key, so two scans (or two systems) can be
correlated without the value itself. An unkeyed hash of an 11-digit number is no protection: the
whole space of valid fødselsnumre is hashed in minutes.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import stat
from pathlib import Path

KEY_ENV = "KARTLEGG_FINGERPRINT_KEY_FILE"
KEY_BYTES = 32


class KeyProblem(ValueError):
    """A fingerprint key that must not be used: fingerprints under it would not protect anything,
    or would not match the installation's other fingerprints."""


def key_path() -> Path:
    explicit = os.environ.get(KEY_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")
    return Path(base) / "kartlegg" / "fingerprint.key"


def load_key(path: Path | None = None, warn=None) -> bytes:
    """The installation's fingerprint key. The default file is created (mode 0600) on first use;
    a file named by `path` or KARTLEGG_FINGERPRINT_KEY_FILE must exist already, since a key made
    up on the spot would make fingerprints that match nothing kept elsewhere. `warn(message)`
    hears of a key that others may read."""
    explicit = path is not None or bool(os.environ.get(KEY_ENV))
    path = path or key_path()
    if not path.exists() and not path.is_symlink():
        if explicit:
            raise KeyProblem(f"fingerprint key {path} does not exist; a key is made only at the default place "
                             f"({KEY_ENV} unset), so that a missing secret mount is not silently replaced")
        return _create(path)
    return _read(path, warn)


def _read(path: Path, warn=None) -> bytes:
    if path.is_dir():
        raise KeyProblem(f"fingerprint key {path} is a directory, not a key file")
    try:
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            raw = fh.read(4096)
    except OSError as exc:
        raise KeyProblem(f"fingerprint key {path} cannot be read: {exc.strerror}") from None
    text = raw.decode("ascii", errors="replace").strip()
    if not text:
        raise KeyProblem(f"fingerprint key {path} is empty: fingerprints under an empty key are no better than "
                         "plain hashes")
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise KeyProblem(f"fingerprint key {path} is not a hex string ({KEY_BYTES * 2} hex digits expected)") from None
    if len(key) < KEY_BYTES:
        raise KeyProblem(f"fingerprint key {path} holds {len(key)} bytes; at least {KEY_BYTES} are needed")
    if stat.S_ISREG(st.st_mode) and st.st_mode & 0o077 and warn is not None:
        warn(f"fingerprint key {path} is readable by {'group and others' if st.st_mode & 0o007 else 'its group'} "
             f"(mode {stat.S_IMODE(st.st_mode):04o}): anyone who can read it can test guesses against the "
             "fingerprints; chmod 600 it")
    return key


def _create(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # created concurrently: use the winner's key
        return _read(path)
    except OSError as exc:
        raise KeyProblem(f"fingerprint key {path} cannot be created: {exc.strerror}") from None
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


MAX_REMEMBERED = 16_384  # fingerprints kept: a log's client addresses come back batch after batch


class Fingerprinter:
    def __init__(self, key: bytes | None = None):
        self._key = key if key is not None else load_key()
        self._pads = None
        self._known: dict[tuple[str, str], str] = {}

    def __getstate__(self):  # hash states and fingerprints made stay in their process
        return {"_key": self._key, "_pads": None, "_known": {}}

    @property
    def key(self) -> bytes:
        """For workers elsewhere, whose fingerprints must equal this process's."""
        return self._key

    def __call__(self, entity_type: str, value: str) -> str:
        known = self._known.get((entity_type, value))
        if known is None:
            message = f"{entity_type}\x00{normalise(entity_type, value)}".encode()
            known = "hmac-sha256:" + self._hmac(message)[:32]
            if len(self._known) >= MAX_REMEMBERED:
                self._known.clear()
            self._known[(entity_type, value)] = known
        return known

    def _hmac(self, message: bytes) -> str:
        """HMAC-SHA256 (RFC 2104) from the key's two padded hash states, hashed once: a sketch
        fingerprints every distinct value, and `hmac.new` re-derives them each time (2.5x slower)."""
        if self._pads is None:
            key = self._key if len(self._key) <= _BLOCK else hashlib.sha256(self._key).digest()
            key = key.ljust(_BLOCK, b"\0")
            self._pads = (hashlib.sha256(key.translate(_IPAD)), hashlib.sha256(key.translate(_OPAD)))
        inner, outer = self._pads[0].copy(), self._pads[1].copy()
        inner.update(message)
        outer.update(inner.digest())
        return outer.hexdigest()


_BLOCK = hashlib.sha256().block_size
_IPAD = bytes(x ^ 0x36 for x in range(256))
_OPAD = bytes(x ^ 0x5C for x in range(256))








