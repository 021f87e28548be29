"""What a field's values as a whole, its name and its neighbours say beyond each value: chance
matches in running text, versions and networks that are no one's address, role mailboxes,
readings tied to a household, a town beside a street, a column of people's names. Each rule
takes a field's verdict or texts and says what changes, and why."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from detectors import field_shapes, vocabulary
from detectors.recognizers.person import gazetteer
from detectors.verdicts import EntityVerdict, demote
from scanner.model import categories

# Share of random values of the matching shape that pass each check by chance (measured for
# the fødselsnummer family in the reference; the rest follow from the check digit). A column
# must beat chance by a wide margin before its weak matches mean anything.
CHANCE = {
    "NO_FODSELSNUMMER": 0.008,
    "NO_BANK_ACCOUNT": 0.09,
    "NO_ORGANIZATION_NUMBER": 0.02,
    "NO_PHONE_NUMBER": 0.75,
    "NO_METER_SERIAL": 0.1,
    "CREDIT_CARD": 0.1,
    "PERSON": 0.2,
}

# Running text: numbers of an identifier's length that pass its check about as often as chance
# (11-digit job ids, of which ~1% are valid fødselsnumre) are not identifiers. Judged once a
# field holds this many such numbers.
CHANCE_MIN_CANDIDATES = 20
CHANCE_SIGMAS = 3
NAMES_KNOWN = 0.1  # a name column by its shape: at least this share of known names, or full names

_POSTAL = re.compile(r"^\d{4}$")
_PLACE = re.compile(r"^[^\W\d_]+(?:[ -][^\W\d_]+)*$")
_NAME_SHAPED = re.compile(r"^[^\W\d_]+(?:[ .'-]+[^\W\d_]+)*$")
_COMPANY = re.compile(r".*\b(?:AS|ASA|SA|ANS|DA|BA|KF|IKS|HF|SF|NUF|AB|GmbH|Ltd|Inc|LLC|Oy|ApS)\.?$")
# "Næsssvingen 973", "Øvre Bakke 12B", "Storgata 5, 0150 OSLO": words, then a house number.
_STREET_SHAPED = re.compile(r"^[^\W\d_][^\W\d_'.-]*(?:[ '.-]+[^\W\d_]+)* \d{1,4} ?[A-Za-z]?(?:,.*)?$")
_NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")


@dataclass
class Tally:
    """What the values of a field added up to for one entity type."""

    hits: int = 0
    strong: int = 0
    context: int = 0
    score_sum: float = 0.0
    synthetic: int = 0
    mobile: int = 0
    padded: int = 0
    unmistakable: int = 0
    role: int = 0  # values whose e-mail addresses are all of a function (post@, faktura@)
    chance_prone: int = 0  # bare digit runs without a context word: what chance can produce
    lengths: set[int] = field(default_factory=set)  # digit counts of the matches, for chance in text
    numbers: list[int] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    values: set[str] = field(default_factory=set)  # distinct matches (a batch's at most), for the linkage sketch


CHANCE_IN_TEXT = frozenset(CHANCE) - {"NO_PHONE_NUMBER", "PERSON"}


def chance_in_text(verdict: EntityVerdict, t: Tally, texts: Sequence[str]) -> None:
    """Running text whose bare numbers of an identifier's length pass its check about as often
    as random numbers do: those matches are chance (11-digit job ids in a worker log). A match
    with a context word or in a written form of its own (1234.56.78903) is not bare."""
    if not verdict.matched or not t.chance_prone or t.chance_prone < t.hits:
        return
    candidates = field_shapes.digit_runs(texts, t.lengths)
    if candidates < CHANCE_MIN_CANDIDATES:
        return
    rate = CHANCE[verdict.entity_type]
    expected = rate * candidates
    # more than chance would give, by a margin a random field of this size rarely reaches
    if t.hits > expected + CHANCE_SIGMAS * math.sqrt(expected * (1 - rate)) + 1:
        return
    demote(verdict, f"{t.hits} of {candidates} numbers of that length pass the check, about what chance "
                     f"gives ({rate:.1%} of random numbers, {expected:.0f} expected): not identifiers")


def versions(verdict: EntityVerdict, texts: Sequence[str], free_text: bool) -> None:
    demote(verdict, (field_shapes.versions_in_text if free_text else field_shapes.version_field)(texts))


def role_mailboxes(verdict: EntityVerdict, t: Tally) -> None:
    """Role mailboxes (post@, faktura@) and an organisation's phone numbers (its switchboard,
    customer centre) are the organisation's contact data, not a person's."""
    if verdict.entity_type == "NO_PHONE_NUMBER":
        what, only = "an organisation's numbers (switchboard, customer centre)", "only an organisation's phone numbers"
    elif verdict.entity_type == "NO_BANK_ACCOUNT":
        what, only = "an organisation's accounts (an invoice's payee)", "only an organisation's account numbers"
    elif verdict.entity_type == "IP_ADDRESS":
        what, only = "network prefixes (10.20.0.0/16)", "only network prefixes, ranges of addresses"
    else:
        what, only = "role mailboxes (post@, faktura@)", "only role mailboxes (post@, faktura@, noreply@)"
    if t.role < t.hits:
        verdict.reasons.append(f"{t.role} of the {t.hits} values hold only {what}, not a person's")
        return
    demote(verdict, f"{only}: an organisation's contact data or no one's, not personal data")


def measured_beside_meter(name: str, texts: Sequence[str], neighbours: Sequence[str]) -> EntityVerdict | None:
    """Numbers under a generic measure name (`Quantity`, `value`, `verdi`) beside a meter's
    identifier (`MeteringPointId`, `meter.gsrn`): what that meter measured, as Elhub's and an
    AMS meter's messages write it."""
    if not texts or not vocabulary.measure_word(name) or vocabulary.names_a_key(name):
        return None
    meter = next((nb for nb in neighbours if (h := vocabulary.hint(nb)).entities & {"NO_METER_ID", "NO_METER_SERIAL"}
                  and not h.negative), None)
    if meter is None or sum(1 for t in texts if _NUMBER.match(t.strip())) < 0.8 * len(texts):
        return None
    return EntityVerdict("METER_READING", categories.category("METER_READING"), 0, len(texts), 0.0, 0.7, True,
                         [f"measured values beside the meter's identifier {meter!r}"])


def place_in_address(name: str, texts: Sequence[str], neighbours: Sequence[str]) -> EntityVerdict | None:
    """A place or city field (`sted`, `town`) beside a street or postcode field: the address's
    last line. Alone, `sted` may be any place (a meeting room, a site); `poststed` and `city`
    are addresses by their name (see _shape_supported)."""
    if not texts or not vocabulary.place_word(name):
        return None
    beside = next((nb for nb in neighbours if vocabulary.street_key(nb) or vocabulary.postal_code_key(nb)), None)
    if beside is None:
        return None
    if sum(1 for t in texts if _PLACE.match(t.strip())) < 0.8 * len(texts):
        return None
    return EntityVerdict("NO_ADDRESS", categories.category("NO_ADDRESS"), 0, len(texts), 0.0, 0.7, True,
                         [f"place names beside {beside!r}: part of an address"])


def _names(texts: Sequence[str], hits: int) -> bool:
    """Name-shaped values that read as people's names: some of them known names in any case
    (`kari`, `NORDMANN`), or capitalised as names are and most of them two names or more
    (`Zhang Wei`). A column of one-word units (`Driftssentralen`, `Økonomi`) or of lower-case
    labels (`felles`, `drift`) is no list of people."""
    n = len(texts)
    if hits >= NAMES_KNOWN * n or _known_names(texts) >= NAMES_KNOWN * n:
        return True
    capitalised = sum(1 for t in texts if all(w[:1].isupper() for w in t.split()))
    full = sum(1 for t in texts if len(t.split()) >= 2)
    return capitalised >= 0.8 * n and full >= 0.5 * n


def _known_names(texts: Sequence[str]) -> int:
    """Values whose every word is a first name or surname of the gazetteer, whatever its case."""
    names = gazetteer("first_names_no.txt") | gazetteer("surnames_no.txt")
    return sum(1 for t in texts if (words := t.lower().replace("-", " ").split()) and all(w in names for w in words))


def shape_supported(entity, name, texts, neighbours, hits: int = 0) -> EntityVerdict | None:
    """Fields the recognizers cannot judge value by value, but the name and the shape can
    (`hits`: how many values the recognizers did find of the entity)."""
    n = len(texts)
    if not n:
        return None
    reason = None
    confidence = 0.0

    def share(pattern) -> float:
        return sum(1 for t in texts if pattern.match(t.strip())) / n

    if entity == "NO_ADDRESS" and vocabulary.postal_code_key(name) and share(_POSTAL) >= 0.8:
        reason, confidence = "column name and 4-digit postnummer values", 0.75
    elif entity == "NO_ADDRESS" and vocabulary.place_key(name) and share(_PLACE) >= 0.8:
        reason, confidence = "column name and place-name values", 0.6
    elif entity == "NO_ADDRESS" and vocabulary.street_key(name) and share(_STREET_SHAPED) >= 0.8:
        reason, confidence = "column name and street-shaped values (name + house number)", 0.7
    elif entity == "PERSON" and share(_NAME_SHAPED) >= 0.8 and share(_COMPANY) < 0.2 and _names(texts, hits):
        reason, confidence = "column name and name-shaped values", 0.6
    elif entity == "METER_READING" and not vocabulary.names_a_key(name) and share(_NUMBER) >= 0.8:
        reason, confidence = "column name and numeric readings", 0.6
        meter_or_customer = [nb for nb in neighbours if vocabulary.links_to_household(nb)]
        if meter_or_customer:
            confidence = 0.8
            reason += f" next to {meter_or_customer[0]!r}"
        else:
            # Consumption is personal through the household it measures: a rack's or a
            # building's kWh with no meter, customer or household beside it is not.
            return EntityVerdict(entity, categories.category(entity), 0, n, 0.0, 0.4, False,
                                 [reason + ", but nothing in the dataset ties them to a meter, customer or household"])
    if reason is None:
        return None
    return EntityVerdict(entity, categories.category(entity), 0, n, 0.0, confidence, True, [reason])
