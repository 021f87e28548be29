"""Declared metadata: what the customer says a source holds and why (owner, our role, purpose,
legal basis, data subjects, categories, retention, environment). Scans never write it; the
Art. 30 view sets it beside what scans found.

A declaration file is TOML, one table per source (by its name in the report header):

    [sources."kundesystem.db"]
    system = "Kundesystem (CIS)"
    owner = "Nettselskapet AS"
    role = "processor"
    purpose = "Fakturering og måleravlesning"
    legal_basis = "GDPR art. 6(1)(b) avtale"
    data_subjects = ["kunder", "kontaktpersoner"]
    categories = ["identity", "contact", "financial", "metering"]
    retention = "10 år etter avsluttet kundeforhold"
    environment = "production"

The configuration file of scheduled scans uses the same `[sources.NAME]` tables.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from scanner.model import categories as cat

ROLES = ("controller", "processor")
ENVIRONMENTS = ("production", "staging", "test", "development")
TEXT = ("system", "owner", "purpose", "legal_basis", "retention")
LISTS = ("data_subjects", "categories")
FIELDS = (*TEXT, "role", *LISTS, "environment")
# the categories a declaration may name: the personal ones detectors report
CATEGORIES = tuple(sorted({i.category for i in cat.ENTITIES.values() if i.personal} | {cat.UNKNOWN.category}))


class DeclarationError(ValueError):
    """A bad declaration; the message names the source and key."""


def _where(source: str, key: str) -> str:
    return f"sources.{source}.{key}" if source else key


def validate(source: str, metadata: dict) -> dict:
    """Checked and normalised metadata (lists de-duplicated, text stripped); raises
    DeclarationError naming the key and the problem."""
    out: dict = {}
    for key, value in metadata.items():
        where = _where(source, key)
        if key not in FIELDS:
            raise DeclarationError(f"{where}: unknown key (expected one of: {', '.join(FIELDS)})")
        if value is None:
            out[key] = None
            continue
        if key in LISTS:
            if isinstance(value, str):
                value = [v for v in (p.strip() for p in value.split(",")) if v]
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise DeclarationError(f"{where}: expected a list of non-empty strings")
            value = list(dict.fromkeys(v.strip() for v in value))
            if key == "categories":
                bad = [v for v in value if v not in CATEGORIES]
                if bad:
                    raise DeclarationError(f"{where}: unknown categor{'ies' if len(bad) > 1 else 'y'} "
                                           f"{', '.join(bad)} (expected: {', '.join(CATEGORIES)})")
            out[key] = value
            continue
        if not isinstance(value, str) or not value.strip():
            raise DeclarationError(f"{where}: expected a non-empty string")
        value = value.strip()
        if key == "role" and value not in ROLES:
            raise DeclarationError(f"{where}: {value!r} is not a role (expected: {', '.join(ROLES)})")
        if key == "environment" and value not in ENVIRONMENTS:
            raise DeclarationError(f"{where}: {value!r} is not an environment (expected: {', '.join(ENVIRONMENTS)})")
        out[key] = value
    return out


def from_mapping(data: dict) -> dict[str, dict]:
    """{source name: metadata} from a parsed `[sources.NAME]` document."""
    sources = data.get("sources")
    unknown = set(data) - {"sources"}
    if unknown:
        raise DeclarationError(f"{sorted(unknown)[0]}: unknown top-level key (expected: sources)")
    if not isinstance(sources, dict) or not sources:
        raise DeclarationError("sources: expected a table of sources, e.g. [sources.\"kundesystem.db\"]")
    out = {}
    for name, metadata in sources.items():
        if not isinstance(metadata, dict):
            raise DeclarationError(f"sources.{name}: expected a table of keys")
        out[name] = validate(name, metadata)
    return out


def load(path: str | Path) -> dict[str, dict]:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DeclarationError(f"{path}: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DeclarationError(f"{path}: not valid TOML: {exc}") from None
    try:
        return from_mapping(data)
    except DeclarationError as exc:
        raise DeclarationError(f"{path}: {exc}") from None
