"""Addresses of things: a substation's, a datacentre's or a building's address in an asset
register is not personal data. An address is a person's through the person it is filed with;
a table that places things on a map (coordinates beside the address), says what they are (a
name, a rating, a date put in service) and holds nothing of a person (no name, identity number,
contact detail, account or meter of a customer, no customer or installation key) is an asset
register. A geocoded address table (addresses, coordinates and keys only) stays a person's: its
rows are found through someone. Judged per dataset, once every field has its verdict.
"""

from __future__ import annotations

from collections.abc import Sequence

from detectors import vocabulary
from detectors.column import ColumnClassification, demote
from detectors.engine import DEFAULT_THRESHOLD

# What a person leaves in a table besides an address.
PERSONAL_LINKS = frozenset({"NO_FODSELSNUMMER", "PERSON", "NO_PHONE_NUMBER", "EMAIL_ADDRESS", "NO_BANK_ACCOUNT",
                            "IBAN_CODE", "CREDIT_CARD", "NO_METER_ID", "NO_METER_SERIAL"})


def settle_premises(fields: Sequence[tuple[str, ColumnClassification, Sequence[str]]],
                    min_confidence: float = DEFAULT_THRESHOLD) -> None:
    """(field name, its classification, the names of its table's other fields) for every field
    of a dataset: an address field of an asset register is left unreported, with the reason."""
    results = {name: result for name, result, _ in fields}
    for name, result, neighbours in fields:
        verdict = result.entities.get("NO_ADDRESS")
        if verdict is None or not verdict.matched or result.free_text:
            continue
        geo = next((n for n in neighbours if vocabulary.geo_word(n)), None)
        if geo is None:
            continue
        linked = [n for n in neighbours if vocabulary.names_a_person_key(n)
                  or (n in results and {v.entity_type for v in results[n].findings(min_confidence)} & PERSONAL_LINKS)]
        # an asset register says what its rows are (a name, a rating, a date put in service);
        # a geocoded address table holds addresses, coordinates and keys, and stays a person's
        described = [n for n in neighbours if not _address_or_place(n)]
        if linked or not described:
            continue
        demote(verdict, f"an address placed on a map ({geo!r}) in a table that holds nothing of a person: "
                        "the address of a site or an installation, not of someone")


def _address_or_place(name: str) -> bool:
    """A field that is part of an address, its position or its key."""
    return (vocabulary.geo_word(name) or vocabulary.names_only_a_key(name) or vocabulary.place_word(name)
            or "NO_ADDRESS" in vocabulary.hint(name).entities)
