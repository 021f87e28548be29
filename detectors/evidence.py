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
import stat
from pathlib import Path

KEY_ENV = "KARTLEGG_FINGERPRINT_KEY_FILE"
KEY_BYTES = 32
MASK = "*"


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


def _mask_at(value: str, shown: tuple[int, ...]) -> str:
    """Mask every letter and digit except those at the given positions among them."""
    positions = [i for i, c in enumerate(value) if c.isalnum()]
    keep = {positions[n] for n in shown if n < len(positions)}
    return "".join(c if (i in keep or not c.isalnum()) else MASK for i, c in enumerate(value))


def _mask_words(value: str) -> str:
    """A word shows its first letter (and not its length); a number shows nothing."""
    out, word = [], []
    for c in value + " ":
        if c.isalnum():
            word.append(c)
            continue
        if word:
            out.append(MASK * len(word) if any(ch.isdigit() for ch in word) else word[0] + MASK * 3)
            word = []
        out.append(c)
    return "".join(out)[:-1]


# What a masked value keeps, per entity type: enough to tell the kind of value apart, never
# enough to single out a person (README, "What a masked value shows").
def mask(entity_type: str, value: str) -> str:
    """A masked form that shows the shape and a little of the value, never enough to identify."""
    if entity_type == "NO_FODSELSNUMMER":
        # the 1st and 3rd digits tell fødselsnummer, D-nummer (4-7), FH (8-9), H-nummer and the
        # synthetic Tenor/SyntPop series (month + 40/65/80) apart; the date itself stays hidden
        return _mask_at(value, (0, 2))
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
    if entity_type == "NO_METER_ID":
        return _mask_keep(value, 9, 0)  # the GS1 prefix every Norwegian metering point shares (707057500)
    if entity_type == "NO_METER_SERIAL":
        return _mask_keep(value, 4, 0)  # the manufacturer's prefix
    if entity_type == "NO_BANK_ACCOUNT":
        return _mask_keep(value, 4, 0)  # the bank's registration number
    if entity_type == "IBAN_CODE":
        return _mask_keep(value, 2, 0)  # the country
    if entity_type == "IP_ADDRESS":
        sep = ":" if ":" in value else "."
        parts = value.split(sep)
        return sep.join(parts[:2] + [MASK if p else p for p in parts[2:]])
    if entity_type in ("NO_ADDRESS", "LOCATION"):
        return _mask_words(value)
    if entity_type == "NO_ORGANIZATION_NUMBER":
        return value  # an organisation's number is public register data
    return _mask_keep(value, 1, 0)
