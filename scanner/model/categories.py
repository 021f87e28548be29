"""Which data category every entity type belongs to, and whether it is personal data."""

from __future__ import annotations

from dataclasses import dataclass

IDENTITY = "identity"
CONTACT = "contact"
FINANCIAL = "financial"
METERING = "metering"
ONLINE_IDENTIFIER = "online_identifier"
ORGANISATION = "organisation"


@dataclass(frozen=True)
class EntityInfo:
    category: str
    personal: bool
    description: str


ENTITIES: dict[str, EntityInfo] = {
    "NO_FODSELSNUMMER": EntityInfo(IDENTITY, True, "Fødselsnummer, D-, H- and FH-nummer"),
    "PERSON": EntityInfo(IDENTITY, True, "Person name"),
    "NO_PHONE_NUMBER": EntityInfo(CONTACT, True, "Norwegian phone number"),
    "EMAIL_ADDRESS": EntityInfo(CONTACT, True, "E-mail address"),
    "NO_ADDRESS": EntityInfo(CONTACT, True, "Postal address, postnummer and poststed"),
    "NO_BANK_ACCOUNT": EntityInfo(FINANCIAL, True, "Kontonummer"),
    "IBAN_CODE": EntityInfo(FINANCIAL, True, "IBAN (Norwegian ones with the inner kontonummer check)"),
    "CREDIT_CARD": EntityInfo(FINANCIAL, True, "Payment card number"),
    "NO_METER_ID": EntityInfo(METERING, True, "Målepunkt-ID (GSRN 7070575000…)"),
    "NO_METER_SERIAL": EntityInfo(METERING, True, "Meter serial number (målernummer)"),
    "METER_READING": EntityInfo(METERING, True, "Electricity consumption readings (kWh, forbruk)"),
    "IP_ADDRESS": EntityInfo(ONLINE_IDENTIFIER, True, "IPv4 or IPv6 address"),
    "NO_ORGANIZATION_NUMBER": EntityInfo(ORGANISATION, False, "Organisasjonsnummer"),
    # Only from an installed Norwegian spaCy model.
    "LOCATION": EntityInfo(CONTACT, True, "Place name (from a spaCy model)"),
    "ORGANIZATION": EntityInfo(ORGANISATION, False, "Organisation name (from a spaCy model)"),
}

# Reported by the column rules (a measure beside a meter's identifier: detectors.field_rules), not
# by a detector, so every scan looks for them whichever detectors it runs: a scan's list of what
# it looked for holds them, and an earlier scan that did not list them still covered them.
FROM_FIELD_RULES = frozenset({"METER_READING"})

UNKNOWN = EntityInfo("other", True, "Entity type from a third-party detector")


def info(entity_type: str) -> EntityInfo:
    return ENTITIES.get(entity_type, UNKNOWN)


def category(entity_type: str) -> str:
    return info(entity_type).category
